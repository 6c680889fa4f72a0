"""Long tables are paged, sorted and searched through the URL (the dashboard and the plan page)."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from jaring.core.lib.tables import table_page

ROWS = [{"name": f"Desa {i:03d}", "n": i % 7} for i in range(356)]


def _page(**params: Any) -> Any:
    request = RequestFactory().get("/", params)
    return table_page(
        request,
        ROWS,
        columns={"name": lambda r: r["name"], "n": lambda r: r["n"]},
        search=lambda r: r["name"],
        default_sort="n",
        default_descending=True,
    )


def test_356_rows_come_25_to_a_page_largest_first() -> None:
    t = _page()
    assert len(t.page.object_list) == 25 and t.page.paginator.num_pages == 15
    assert [r["n"] for r in t.page.object_list] == [6] * 25
    assert t.sort_links["n"].active and t.sort_links["n"].arrow == "▼"


def test_a_sort_link_flips_the_direction_and_keeps_the_search() -> None:
    t = _page(sort="name", q="Desa 1")
    assert [r["name"] for r in t.page.object_list][:2] == ["Desa 100", "Desa 101"]
    assert t.sort_links["name"].href == "?q=Desa+1&sort=-name"
    assert t.query == "sort=name&q=Desa+1" and t.total == 356
    assert ("q", "Desa 1") not in t.keep and ("sort", "name") in t.keep


def test_an_unknown_sort_or_page_falls_back_instead_of_failing() -> None:
    t = _page(sort="drop table", page="999")
    assert t.sort == "n" and t.page.number == 15
