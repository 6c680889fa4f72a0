"""The registry's aggregates as published to one scope, through the one disclosure-control rule.

Every page and feed that shows registry counts (the dashboard, ``/areas/…``, its GeoJSON, the maps and
the public statistics) reads them from :func:`registry_figures`, so a reader sees the same cell
withheld everywhere and no combination of pages recovers it. Readers with person-level access get
exact figures; everyone else gets :func:`jaring.core.lib.disclosure.suppress_counts` over all areas
(village, district, regency, province) and occupations of their scope at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count

from jaring.core.lib.disclosure import DEFAULT_K, Cell, Status, suppress_counts


def disclosure_k(scope: Any) -> int:
    """The primary threshold for this reader.

    Hook for the governance issue: an agreement bound to the reader's token or session will set its
    own k here. Until then, ``JARING_DISCLOSURE_K`` (default 5) for everyone.
    """
    return int(getattr(settings, "JARING_DISCLOSURE_K", DEFAULT_K))


def needs_disclosure_control(scope: Any) -> bool:
    """Whether this reader sees aggregates only (sponsors, the public): then every count is controlled."""
    return not scope.can_read_personal_data


@dataclass
class Figures:
    """Published cells by key; a missing key is a true 0 that is shown."""

    exact: bool
    k: int
    cells: dict[Any, Cell] = field(default_factory=dict)

    def get(self, key: Any) -> Cell:
        """The cell for ``key`` (a zero when nothing was counted there)."""
        return self.cells.get(key) or Cell(0, Status.SHOWN, self.k)

    @property
    def suppressed_below(self) -> int | None:
        return None if self.exact else self.k


def publish(atoms: dict[Any, int], cells: dict[Any, list[Any]], *, exact: bool, k: int) -> dict[Any, Cell]:
    """Exact cells for readers with person-level access, else the disclosure rule over all of them.

    Cells with the same atoms are one cell (a province holding one regency): they are decided once.
    """
    if exact:
        return {key: Cell(sum(atoms[a] for a in members), Status.SHOWN, k) for key, members in cells.items()}
    canonical: dict[frozenset[Any], Any] = {}
    alias: dict[Any, Any] = {}
    unique: dict[Any, list[Any]] = {}
    for key, members in cells.items():
        sig = frozenset(members)
        if sig not in canonical:
            canonical[sig] = key
            unique[key] = members
        alias[key] = canonical[sig]
    decided = suppress_counts(atoms, unique, k=k)
    return {key: decided[alias[key]] for key in cells}


def _prefixes(code: str) -> Iterable[str]:
    parts = code.split(".")
    return (".".join(parts[:i]) for i in range(1, len(parts) + 1))


def registry_figures(scope: Any) -> Figures:
    """Persons per area (every level) and per occupation in the scope, as this reader may see them.

    Keys: ``("area", code)`` and ``("occupation", occupation_id or None)``. Cached until the registry
    changes (the same for every reader of one area and kind).
    """
    from jaring.core.state import registry_state

    exact = not needs_disclosure_control(scope)
    k = disclosure_k(scope)
    area = "all" if scope.sees_everywhere else scope.area_code
    key = "jaring:figures:{}:{}:{}:{}:{}".format(area, int(exact), k, *registry_state())
    found = cache.get(key)
    if found is None:
        found = _compute_registry_figures(scope, exact=exact, k=k)
        cache.set(key, found, timeout=3600)
    return found


def _compute_registry_figures(scope: Any, *, exact: bool, k: int) -> Figures:
    from jaring.registry.models import OccupationCategory

    counts = dict(
        ((v, o), n)
        for v, o, n in scope.persons_for_aggregates()
        .order_by()
        .values_list("village__code", "occupation_id")
        .annotate(n=Count("id"))
        .values_list("village__code", "occupation_id", "n")
    )
    villages = sorted(set(scope.villages().values_list("code", flat=True)) | {v for v, _ in counts})
    occupations: list[int | None] = [*OccupationCategory.objects.values_list("id", flat=True), None]
    atoms = {(v, o): int(counts.get((v, o), 0)) for v in villages for o in occupations}
    cells: dict[Any, list[Any]] = {}
    for v, o in atoms:
        for prefix in _prefixes(v):
            cells.setdefault(("area", prefix), []).append((v, o))
        cells.setdefault(("occupation", o), []).append((v, o))
    return Figures(exact=exact, k=k, cells=publish(atoms, cells, exact=exact, k=k))


def single_figure(n: int, scope: Any) -> Cell:
    """A lone figure (women in the scope, active BPJS members) under the same rule."""
    k = disclosure_k(scope)
    if not needs_disclosure_control(scope):
        return Cell(n, Status.SHOWN, k)
    return suppress_counts({0: n}, {0: [0]}, k=k)[0]


def control_village_table(
    rows: list[dict[str, Any]], counts: dict[tuple[str, str], int], sources: list[str], scope: Any
) -> None:
    """A plan's per-village table (persons, covered, person-months per source) for aggregates-only readers.

    ``counts`` holds persons per (village code, pattern), a pattern naming the sources that cover a
    person at least one month ("dbhcht||csr"). Published together: persons and covered per village, the
    persons each source covers per village, and their totals. A source's person-months in a village are
    shown only where the persons it covers there are; otherwise that cell's "<5"/"×". Rows change in
    place: withheld figures become their display text.
    """
    k = disclosure_k(scope)
    villages = sorted({v for v, _ in counts})
    patterns = sorted({p for _, p in counts})
    atoms = {(v, p): int(counts.get((v, p), 0)) for v in villages for p in patterns}
    cells: dict[Any, list[Any]] = {}
    for v, p in atoms:
        used = [s for s in p.split("|") if s]
        for scope_key in (v, "*"):
            cells.setdefault(("persons", scope_key), []).append((v, p))
            if used:
                cells.setdefault(("covered", scope_key), []).append((v, p))
            for s in used:
                cells.setdefault(("source", s, scope_key), []).append((v, p))
    decided = publish(atoms, cells, exact=False, k=k)
    for row in rows:
        v = row["code"]
        for name in ("persons", "covered"):
            cell = decided.get((name, v))
            if cell is not None and cell.suppressed:
                row[name] = cell.display
        shown = []
        for s, months in zip(sources, row["by_source"], strict=True):
            cell = decided.get(("source", s, v))
            shown.append(cell.display if cell is not None and cell.suppressed else months)
        row["by_source"] = shown
        row["suppressed_below"] = k
