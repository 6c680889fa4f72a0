"""The attacker of published tables: solves their linear equations for every withheld cell.

Written apart from :mod:`jaring.core.lib.disclosure` (its own LP, from the published tables only),
so the library cannot grade its own homework.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping

import numpy as np
from scipy.optimize import linprog

from jaring.core.lib.disclosure import Publication, Status


def intervals(
    atoms: Collection[Hashable], cells: Mapping[Hashable, Collection[Hashable]], published: Publication
) -> dict[Hashable, tuple[float, float]]:
    """For each withheld cell, the least and greatest value consistent with everything published.

    The attacker knows the table layout (which atoms make each cell), each shown value, that counts
    are non-negative, and that a cell shown as "<k" lies in [1, k-1].
    """
    index = {a: i for i, a in enumerate(atoms)}
    keys = list(cells)

    def row(key: Hashable) -> np.ndarray:
        v = np.zeros(len(index))
        for a in cells[key]:
            v[index[a]] = 1.0
        return v

    eq = [(row(c), published[c].value) for c in keys if published[c].status is Status.SHOWN]
    ub: list[tuple[np.ndarray, float]] = []
    for c in keys:
        if published[c].status is Status.PRIMARY:
            ub.append((row(c), published.k - 1.0))
            ub.append((-row(c), -1.0))
    a_eq = np.array([r for r, _ in eq]) if eq else None
    b_eq = np.array([b for _, b in eq], dtype=float) if eq else None
    a_ub = np.array([r for r, _ in ub]) if ub else None
    b_ub = np.array([b for _, b in ub], dtype=float) if ub else None
    out: dict[Hashable, tuple[float, float]] = {}
    for c in keys:
        if published[c].status is Status.SHOWN:
            continue
        target = row(c)
        bounds = []
        for sign in (1.0, -1.0):
            res = linprog(sign * target, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
            if res.status == 3:
                bounds.append(-np.inf if sign > 0 else np.inf)
            else:
                assert res.status == 0, res.message
                bounds.append(sign * res.fun)
        out[c] = (bounds[0], bounds[1])
    return out


def recovered(
    atoms: Collection[Hashable],
    cells: Mapping[Hashable, Collection[Hashable]],
    published: Publication,
    protection: int = 2,
) -> list[tuple[Hashable, int, tuple[float, float]]]:
    """Small cells (1..k-1) the attacker sees, or pins to an interval narrower than the margin.

    The margin is ``protection`` (all of [1, k-1] when that is narrower, for a cell shown as "<k").
    """
    k = published.k
    bad: list[tuple[Hashable, int, tuple[float, float]]] = []
    found = intervals(atoms, cells, published)
    for c, cell in published.cells.items():
        if not 0 < cell.value < k:
            continue
        if cell.status is Status.SHOWN:
            bad.append((c, cell.value, (float(cell.value), float(cell.value))))
            continue
        lo, hi = found[c]
        need = max(1, min(protection, k - 2)) if cell.status is Status.PRIMARY else protection
        if hi - lo < need - 1e-6:
            bad.append((c, cell.value, (lo, hi)))
    return bad
