"""Disclosure control for published counts: primary (count < k) and complementary suppression.

Pure (no Django). Every aggregate shown to a reader without person-level access goes through
:func:`suppress_counts`, called **once over every table published together** (one page, one feed, all
months of a programme), so that no suppressed cell can be recovered by combining them.

Model. The published tables are sums over *atoms*: the finest cross-classification (e.g. month ×
village × funding source). A published *cell* is a set of atoms; its value is their sum. An attacker
knows every shown cell, that atoms are non-negative, and, for a cell shown as "<k", that it lies in
[1, k-1]. A small cell (1 ≤ n < k) is *protected* when the attacker's LP interval for it is at least
``protection`` wide (all of [1, k-1] when that is narrower); integer attackers know no more.
Complementary cells are chosen with HiGHS: for each small cell, a linear programme finds a deviation of
the atoms that moves that cell by the margin while every cell still shown stays put, at the least
information loss; every cell the deviation moves is withheld. That deviated table is a witness: it fits
everything published, so the attacker cannot tell the two apart. Withholding more never helps the
attacker, so a witness found once stays valid. Where "<k" cells pin a cell whatever is withheld (four
"<5" parts of a "<5" total), the hint is dropped and the cell is shown as "×" like a complementary one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse import csgraph

DEFAULT_K = 5
DEFAULT_PROTECTION = 2


class Status(StrEnum):
    """How a cell is published."""

    SHOWN = "shown"
    PRIMARY = "primary"  # 1 ≤ n < k: shown as "<k"
    SECONDARY = "secondary"  # withheld to protect a primary cell: shown as "×"


@dataclass(frozen=True)
class Cell:
    """One published cell: its true value (never show it unless ``status`` is SHOWN) and status."""

    value: int
    status: Status
    k: int

    @property
    def shown(self) -> int | None:
        """The value a reader may see, or None when withheld."""
        return self.value if self.status is Status.SHOWN else None

    @property
    def display(self) -> str:
        """The text to print: the count, "<k" for a small count, "×" for a complementary withholding."""
        if self.status is Status.SHOWN:
            return str(self.value)
        return f"<{self.k}" if self.status is Status.PRIMARY else "×"

    @property
    def suppressed(self) -> bool:
        return self.status is not Status.SHOWN

    def bounds(self) -> tuple[int, int | None]:
        """What a reader learns about the value: an exact value, [1, k-1], or nothing (0, None)."""
        if self.status is Status.SHOWN:
            return self.value, self.value
        if self.status is Status.PRIMARY:
            return 1, self.k - 1
        return 0, None


@dataclass
class Publication:
    """The result of :func:`suppress_counts`: every cell's status, and what it cost."""

    cells: dict[Hashable, Cell]
    k: int
    primary: int = 0
    secondary: int = 0
    stats: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, key: Hashable) -> Cell:
        return self.cells[key]

    def get(self, key: Hashable) -> Cell | None:
        return self.cells.get(key)


def cells_from_views(
    atoms: Mapping[Any, int],
    dims: Sequence[str],
    views: Iterable[Sequence[str]],
    domains: Mapping[str, Collection[Hashable]] | None = None,
) -> tuple[dict[tuple[Hashable, ...], int], dict[Hashable, list[tuple[Hashable, ...]]]]:
    """Group-by tables over a cross-classification: the full atom grid and each view's cells.

    ``atoms`` maps a key (one value per dim) to a count. The grid is the full cross product of each dim's
    domain (observed values unless ``domains`` says), since an attacker assumes every combination may
    occur; missing ones are 0. A view is a tuple of dims; its cell keys are ``(view, values)``.
    """
    index = {d: i for i, d in enumerate(dims)}
    domain = {d: sorted({key[i] for key in atoms}, key=repr) for d, i in index.items()}
    for d, values in (domains or {}).items():
        domain[d] = list(values)
    grid = {key: int(atoms.get(key, 0)) for key in itertools.product(*(domain[d] for d in dims))}
    cells: dict[Hashable, list[tuple[Hashable, ...]]] = {}
    for view in views:
        view = tuple(view)
        picks = [index[d] for d in view]
        for key in grid:
            cells.setdefault((view, tuple(key[i] for i in picks)), []).append(key)
    return grid, cells


def suppress_counts(
    atoms: Mapping[Any, int],
    cells: Mapping[Any, Collection[Any]],
    *,
    k: int = DEFAULT_K,
    protection: int = DEFAULT_PROTECTION,
) -> Publication:
    """Decide which of ``cells`` (each a set of ``atoms``) may be shown, which are "<k", which withheld.

    ``k`` is the primary threshold (counts 1..k-1 are withheld; agreements will set it), ``protection``
    how far from its value an attacker must be unable to pin a small cell (within [1, k-1]).
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    t = _Tables.build(atoms, cells, k, protection)
    keys = list(cells)
    n = len(keys)
    primary = [bool(0 < t.values[r] < k) for r in range(n)]
    t.hinted = list(primary)  # shown as "<k": the attacker knows [1, k-1]
    t.suppressed = list(primary)
    protected = [False] * n
    order = sorted(range(n), key=lambda r: (t.values[r], r))
    # A cell loses its "<k" hint only when a later one needs that; it is then visited again.
    while todo := [r for r in order if primary[r] and not protected[r]]:
        for r in todo:
            if protected[r]:
                continue
            found = _protect(t, r, protected)
            chosen, moved = found
            for c in chosen:
                t.suppressed[c] = True
            # The deviation is a witness for every other small cell it moves far enough: those need
            # no programme of their own (withholding more later only widens their intervals).
            for c in np.flatnonzero(moved).tolist():
                if primary[c] and not protected[c] and abs(moved[c]) >= t.width(c) - 1e-6:
                    protected[c] = True
            protected[r] = True
    result = {
        key: Cell(
            value=int(t.values[r]),
            status=Status.PRIMARY if t.hinted[r] else Status.SECONDARY if t.suppressed[r] else Status.SHOWN,
            k=k,
        )
        for r, key in enumerate(keys)
    }
    n_primary = sum(primary)
    return Publication(
        cells=result,
        k=k,
        primary=n_primary,
        secondary=sum(t.suppressed) - n_primary,
        stats={"linear_programmes": t.lp_count, "cells": n, "atoms": len(t.atom_values)},
    )


@dataclass
class _Tables:
    """The published tables as a cell × atom incidence, with the running suppression state."""

    member: sparse.csr_matrix
    cell_atoms: list[list[int]]
    atom_cells: list[list[int]]
    atom_values: np.ndarray
    values: np.ndarray
    components: np.ndarray
    k: int
    protection: int
    hinted: list[bool] = field(default_factory=list)
    suppressed: list[bool] = field(default_factory=list)
    lp_count: int = 0

    @classmethod
    def build(cls, atoms: Mapping[Any, int], cells: Mapping[Any, Collection[Any]], k: int, p: int) -> _Tables:
        atom_ix = {a: i for i, a in enumerate(atoms)}
        x = np.array([int(atoms[a]) for a in atoms], dtype=float)
        if (x < 0).any():
            raise ValueError("counts must be non-negative")
        cell_atoms = [sorted({atom_ix[a] for a in cells[key]}) for key in cells]
        atom_cells: list[list[int]] = [[] for _ in atom_ix]
        rows, cols = [], []
        for r, members in enumerate(cell_atoms):
            for a in members:
                rows.append(r)
                cols.append(a)
                atom_cells[a].append(r)
        member = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cell_atoms), len(x)))
        values = np.asarray(member @ x).ravel().round()
        # Blocks: components of the bipartite cell–atom graph (never atoms × atoms, which a grand
        # total makes dense).
        n_c = member.shape[0]
        graph = sparse.bmat([[None, member], [member.T, None]], format="csr") if n_c else None
        if graph is not None:
            _, labels = csgraph.connected_components(graph, directed=False)
            labels = labels[n_c:]
        else:
            labels = np.zeros(len(x), dtype=int)
        return cls(member, cell_atoms, atom_cells, x, values, np.asarray(labels), k, p)

    def width(self, r: int) -> int:
        """How wide the attacker's interval must stay: ``protection``, or all of [1, k-1] if narrower."""
        return max(1, min(self.protection, self.k - 2)) if self.hinted[r] else self.protection


def _protect(t: _Tables, r: int, protected: list[bool]) -> tuple[list[int], np.ndarray]:
    """A deviation protecting cell ``r``, dropping "<k" hints that make one impossible."""
    for attempt in range(3):
        found = _complements(t, r, t.width(r))
        if found is not None:
            return found
        # Cells shown as "<k" pin this one (four "<5" parts of a "<5" total, or a "<5" total over it):
        # withhold it without the hint, then the cells overlapping it too, and try again.
        around = [r] if attempt == 0 else sorted({c for a in t.cell_atoms[r] for c in t.atom_cells[a]})
        for c in around:
            if t.hinted[c]:
                t.hinted[c] = False
                protected[c] = False
    raise RuntimeError("no complementary suppression protects this cell")


def _complements(t: _Tables, r: int, need: int) -> tuple[list[int], np.ndarray] | None:
    """Cells to withhold so cell ``r`` can move by ``need`` (up, or else down); None if impossible.

    Variables: one deviation ``d`` per atom, and a withholding level ``z`` in [0, 1] per cell still
    shown. A shown cell may move only by ``M z``; a "<k" cell stays within [1, k-1]; atoms stay
    non-negative. Minimising Σ w·z (w = 1 + log(1 + n): few cells, small ones first) yields a sparse
    deviation. Every cell it moves is withheld, so the deviated table is consistent with everything
    published: the attacker cannot tell it from the true one, and the protection is proven, not hoped.
    Returns the cells to withhold and the deviation of every cell (a witness for other cells).
    """
    v_r, k = float(t.values[r]), t.k
    directions = [1.0, -1.0] if not t.hinted[r] or v_r + need <= k - 1 else [-1.0, 1.0]
    for sign in directions:
        if t.hinted[r] and not (1 <= v_r + sign * need <= k - 1):
            continue
        if v_r + sign * need < 0:
            continue
        # First a neighbourhood of the cell (fast), then its whole block; a looser flow bound only
        # if the tight one (|change| ≤ need per cell) has no solution.
        near = _near(t, r)
        block = np.flatnonzero(np.isin(t.components, np.unique(t.components[t.cell_atoms[r]])))
        for atom_sel, big in ((near, need), (block, need), (block, t.values.max(initial=0) + k)):
            found = _deviation(t, r, sign * need, float(big), atom_sel)
            if found is not None:
                return found
    return None


def _near(t: _Tables, r: int, size: int = 40) -> np.ndarray:
    """Atoms within two steps of cell ``r``: through small cells whole, through big cells a sample.

    From a big cell (a column total over 356 villages) only ``size`` atoms are taken: those in cells
    already withheld first (deviating there costs nothing), then those of the smallest cells.
    Deviating only there is still a valid witness, perhaps not the cheapest.
    """
    chosen = set(t.cell_atoms[r])
    frontier = set(chosen)
    for _step in range(2):
        new: set[int] = set()
        for c in {c for a in frontier for c in t.atom_cells[a]}:
            atoms_c = t.cell_atoms[c]
            if len(atoms_c) <= size:
                new.update(atoms_c)
                continue
            ranked = sorted(
                atoms_c,
                key=lambda a: (
                    not any(t.suppressed[c2] for c2 in t.atom_cells[a]),
                    min(t.values[c2] for c2 in t.atom_cells[a]),
                ),
            )
            new.update(ranked[:size])
        frontier = new - chosen
        chosen |= new
    return np.array(sorted(chosen), dtype=int)


def _deviation(
    t: _Tables, r: int, shift: float, big: float, atom_sel: np.ndarray
) -> tuple[list[int], np.ndarray] | None:
    """The least-cost deviation of the atoms ``atom_sel`` moving cell ``r`` by ``shift``."""
    t.lp_count += 1
    cell_sel = np.flatnonzero(np.diff(t.member[:, atom_sel].tocsr().indptr) > 0)
    sub = t.member[cell_sel][:, atom_sel].tocsr()
    n_a = len(atom_sel)
    local_r = int(np.flatnonzero(cell_sel == r)[0])
    shown = [i for i, c in enumerate(cell_sel) if not t.suppressed[c] and i != local_r]
    limited = [i for i, c in enumerate(cell_sel) if t.hinted[c] and i != local_r]
    n_z = len(shown)
    weight = np.array([1.0 + math.log1p(t.values[cell_sel[i]]) for i in shown])
    cost = np.concatenate([np.zeros(n_a), weight])
    a_sh = sub[shown]
    z_big = sparse.identity(n_z, format="csr") * big
    parts = [sparse.hstack([a_sh, -z_big]), sparse.hstack([-a_sh, -z_big])]  # |D_c| ≤ M z_c
    b_parts = [np.zeros(n_z), np.zeros(n_z)]
    if limited:
        a_li = sparse.hstack([sub[limited], sparse.csr_matrix((len(limited), n_z))])
        v = t.values[cell_sel[limited]]
        parts += [a_li, -a_li]  # 1 ≤ v_c + D_c ≤ k-1
        b_parts += [t.k - 1.0 - v, v - 1.0]
    a_eq = sparse.hstack([sub[local_r], sparse.csr_matrix((1, n_z))])
    bounds = [(-float(a), None) for a in t.atom_values[atom_sel]] + [(0.0, 1.0)] * n_z
    res = linprog(
        cost,
        A_ub=sparse.vstack(parts).tocsr(),
        b_ub=np.concatenate(b_parts),
        A_eq=a_eq,
        b_eq=np.array([shift]),
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        return None
    moved = sub @ res.x[:n_a]
    moved[np.abs(moved) < 1e-7] = 0.0
    full = np.zeros(t.member.shape[0])
    full[cell_sel] = moved
    return [int(cell_sel[i]) for i in np.flatnonzero(moved)], full
