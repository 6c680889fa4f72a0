"""Registry search: NIK lookup and name-prefix search that use the indexes at a million rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jaring.registry.lib.names import search_key
from jaring.registry.models import Person

# Above this many matches a list shows "10,000+" instead of counting a million rows on every page.
COUNT_CAP = 10_000
# Sorts after every character a normalised name can hold, so [q, q + HIGH) is "starts with q".
_HIGH = "\uffff"


def name_prefix_q(query: str) -> Q:
    """Names whose normalised form starts with the normalised query, written as an index range.

    A range (not LIKE) because SQLite's LIKE is case-insensitive and so cannot use the index.
    """
    key = search_key(query)
    if not key:
        return Q()
    return Q(name_search__gte=key, name_search__lt=key + _HIGH)


def search_q(query: str) -> Q:
    """The filter for a free-text search box: a NIK (or its first digits) or the start of a name."""
    text = (query or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) == len(text.replace(" ", "").replace(".", "")):
        if len(digits) == 16:
            return Q(nik=digits) | Q(kk=digits)  # a KK number lists the household
        return Q(nik__gte=digits, nik__lt=digits + _HIGH)
    return name_prefix_q(text)


@dataclass
class PersonFilters:
    """Filters of the registry list, shared by the web page, the API and the exports."""

    q: str = ""
    nik: str = ""
    village: str = ""  # an area code: a village, or a district/regency for everything inside it
    occupation: str = ""  # an OccupationCategory slug
    sex: str = ""
    bpjs_status: str = ""
    is_synthetic: bool | None = None

    def apply(self, qs: QuerySet[Person]) -> QuerySet[Person]:
        """Narrow a (scoped) queryset; never widens it."""
        if self.q:
            qs = qs.filter(search_q(self.q))
        if self.nik:
            qs = qs.filter(nik="".join(ch for ch in self.nik if ch.isdigit()))
        if self.village:
            qs = qs.filter(Q(village__code=self.village) | Q(village__code__startswith=self.village + "."))
        if self.occupation:
            qs = qs.filter(occupation__slug=self.occupation)
        if self.sex:
            qs = qs.filter(sex=self.sex)
        if self.bpjs_status:
            qs = qs.filter(bpjs_status=self.bpjs_status)
        if self.is_synthetic is not None:
            qs = qs.filter(is_synthetic=self.is_synthetic)
        # name_search order follows the index, so the first page of a prefix search is cheap.
        return qs.order_by("name_search", "id")


def capped_count(qs: QuerySet[Person], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count up to ``cap`` rows; returns (count, capped) where capped means "more than cap"."""
    n = qs.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)
