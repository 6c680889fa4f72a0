"""Long tables on a page: a search box, sortable columns and pages (25 rows), all in the URL.

``table_page(request, rows, columns=..., search=...)`` takes rows already computed (a list: per-village
aggregates are a few hundred rows, never persons) and answers what the template needs: the page, the sort
links of each column, the search text and the pager's query string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.http import urlencode

PER_PAGE = 25
MAX_SEARCH = 100


@dataclass
class SortLink:
    """One sortable column header: its link, and whether (and which way) the table is sorted by it."""

    href: str
    active: bool
    descending: bool

    @property
    def arrow(self) -> str:
        """▲/▼ on the sorted column, nothing elsewhere."""
        if not self.active:
            return ""
        return "▼" if self.descending else "▲"


@dataclass
class TablePage:
    """A page of a long table, with its search and sort state."""

    page: Page[Any]
    q: str
    sort: str
    descending: bool
    sort_links: dict[str, SortLink]
    query: str  # every GET parameter except the page, for the pager's links
    keep: list[tuple[str, str]]  # the GET parameters the search form carries over (not q, not page)
    total: int  # rows before the search


def table_page(
    request: HttpRequest,
    rows: Sequence[Any],
    *,
    columns: dict[str, Callable[[Any], Any]],
    search: Callable[[Any], str],
    default_sort: str,
    default_descending: bool = False,
    per_page: int = PER_PAGE,
) -> TablePage:
    """Filter ``rows`` by ``?q=`` (case-insensitive, over ``search(row)``), sort by ``?sort=`` (a key of
    ``columns``, "-" in front for descending) and cut page ``?page=``."""
    q = request.GET.get("q", "").strip()[:MAX_SEARCH]
    raw = request.GET.get("sort", "")
    key = raw.lstrip("-")
    if key in columns:
        descending = raw.startswith("-")
    else:
        key, descending = default_sort, default_descending
    found = [r for r in rows if q.casefold() in search(r).casefold()] if q else list(rows)
    value = columns[key]
    # Python's sort is stable: ties keep the rows' own order (by area code), whichever way the column goes.
    found.sort(key=lambda r: _sortable(value(r)), reverse=descending)
    page = Paginator(found, per_page).get_page(request.GET.get("page"))
    params = [(k, str(v)) for k, v in request.GET.items() if v]
    others = [(k, v) for k, v in params if k not in {"page", "sort"}]
    links = {}
    for name in columns:
        flip = name == key and not descending
        link = [*others, ("sort", f"-{name}" if flip else name)]
        links[name] = SortLink(href="?" + urlencode(link), active=name == key, descending=descending)
    query = urlencode([(k, v) for k, v in params if k != "page"])
    return TablePage(
        page=page,
        q=q,
        sort=key,
        descending=descending,
        sort_links=links,
        query=query,
        keep=[(k, v) for k, v in params if k not in {"page", "q"}],
        total=len(rows),
    )


def _sortable(value: Any) -> tuple[int, int, Any]:
    """Nones last; text by its case-folded form, below every number (a withheld count "<5" or "×" sorts
    as the smallest, so a column mixing counts and withheld cells never compares a number with text)."""
    if value is None:
        return (1, 0, 0)
    if isinstance(value, str):
        return (0, -1, value.casefold())
    return (0, 0, value)
