"""Registry search: NIK lookup and name-prefix search that use the indexes at a million rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jaring.accounts.scope import Scope
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

    @property
    def is_browsing(self) -> bool:
        """No selective filter (search, NIK, area): the list is a walk through the whole scope."""
        return not (self.q or self.nik or self.village)

    def scoped(self, scope: Scope) -> QuerySet[Person]:
        """The persons of ``scope`` that match, in list order (the usual entry point)."""
        return self.apply(scope.persons(browsing=self.is_browsing))

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
        if self.q:
            # A search lists by name: the name index gives that order, so the first page is cheap.
            return qs.order_by("name_search", "id")
        # Browsing lists the newest first: primary-key order needs no sort, even over a million rows
        # (ordering a whole regency by name would sort every row for each page).
        return qs.order_by("-id")


def capped_count(qs: QuerySet[Person], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count up to ``cap`` rows; returns (count, capped) where capped means "more than cap"."""
    # Only village_id is selected: every person index holds it, so the count is read from an index
    # alone (no table row per match) on SQLite and, after vacuum, on PostgreSQL.
    n = qs.order_by().values("village_id")[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def with_list_relations(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Load a page's villages and occupations in two small extra queries instead of joins.

    A join with the area table lets SQLite's planner start from the areas and sort the whole scope for
    each page; separate lookups keep the page query on the persons table alone. Boundaries and aliases
    are not needed to list persons and are left out.
    """
    from django.db.models import Prefetch

    from jaring.geo.models import Area
    from jaring.registry.models import OccupationCategory

    return qs.prefetch_related(
        Prefetch("village", queryset=Area.objects.defer("boundary")),
        Prefetch("occupation", queryset=OccupationCategory.objects.defer("aliases")),
    )
