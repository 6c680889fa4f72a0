"""The planner's class-level programmes: classes of interchangeable persons, the HiGHS model, rounding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import LinearConstraint, linprog, milp

from .specs import SOURCE_KINDS, PlannerError, SourceSpec


def _check_inputs(
    person_ids: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    sources: Sequence[SourceSpec],
    months: Sequence[str],
) -> None:
    """Raise PlannerError on inconsistent shapes or limits."""
    n_p, n_s, n_t = len(person_ids), len(sources), len(months)
    if priority.shape != (n_p,):
        raise PlannerError(f"priority has shape {priority.shape}, expected ({n_p},)")
    if eligible.shape != (n_p, n_s) or eligible.dtype != bool:
        raise PlannerError(f"eligible must be bool of shape ({n_p}, {n_s})")
    if cost.shape != (n_p, n_s, n_t) or not np.issubdtype(cost.dtype, np.integer):
        raise PlannerError(f"cost must be integer Rupiah of shape ({n_p}, {n_s}, {n_t})")
    if n_s > 62:
        raise PlannerError("at most 62 funding sources")
    if len({s.key for s in sources}) != n_s:
        raise PlannerError("source keys must be unique")
    for spec in sources:
        if spec.kind not in SOURCE_KINDS:
            raise PlannerError(f"{spec.key}: unknown kind {spec.kind!r}")
        if not 0 <= spec.first_month <= spec.last_month < n_t:
            raise PlannerError(f"{spec.key}: months {spec.first_month}..{spec.last_month} outside the plan")
        for name in ("quota_persons", "budget", "max_months_per_person"):
            value = getattr(spec, name)
            if value is not None and value < 0:
                raise PlannerError(f"{spec.key}: {name} must not be negative")
    if n_p and int(cost.min()) < 0:
        raise PlannerError("premiums must not be negative")


@dataclass
class _Classes:
    """Persons grouped into interchangeable classes."""

    inverse: np.ndarray  # class of each person
    count: np.ndarray  # persons per class
    mask: np.ndarray  # bool [classes, sources]: eligible and paying in at least one month
    cost: np.ndarray  # int64 [classes, sources, months]
    level: np.ndarray  # priority level per class


def _classes(eligible: np.ndarray, cost: np.ndarray, levels: np.ndarray, run: np.ndarray) -> _Classes:
    """Group persons by (eligible sources, premiums where they matter, priority level)."""
    n_p, n_s, n_t = cost.shape
    rng = np.random.default_rng(20250701)
    mult = rng.integers(1, 2**62, size=(n_s, n_t), dtype=np.int64) | 1
    with np.errstate(over="ignore"):
        h = levels.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        for s in range(n_s):
            h ^= eligible[:, s].astype(np.uint64) << np.uint64(s)
            for t in range(n_t):
                if run[s, t]:
                    col = np.where(eligible[:, s], cost[:, s, t], 0).astype(np.uint64)
                    h += (col + np.uint64(1)) * mult[s, t].astype(np.uint64)
                    h ^= h >> np.uint64(29)
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    # The hash only groups; check that every person equals their class's representative exactly.
    ok = bool(np.array_equal(levels, levels[first][inverse])) and bool(
        np.array_equal(eligible, eligible[first][inverse])
    )
    for s in range(n_s):
        for t in range(n_t):
            if ok and run[s, t]:
                col = np.where(eligible[:, s], cost[:, s, t], 0)
                ok = bool(np.array_equal(col, col[first][inverse]))
    if not ok:
        masked = np.where((eligible[:, :, None] & run[None]), cost, 0).reshape(n_p, -1)
        key = np.concatenate([levels[:, None], eligible.astype(np.int64), masked.astype(np.int64)], axis=1)
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    count = np.bincount(inverse, minlength=len(first)).astype(np.int64)
    ccost = np.where(run[None], cost[first].astype(np.int64), 0)
    mask: np.ndarray = eligible[first] & run.any(axis=1).reshape(1, -1)
    return _Classes(inverse=inverse, count=count, mask=mask, cost=ccost, level=levels[first])


class _Model:
    """A growing integer programme in the form scipy.optimize.milp takes."""

    def __init__(self) -> None:
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integer: list[int] = []
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.row_lb: list[float] = []
        self.row_ub: list[float] = []

    def var(self, ub: float, integer: bool = True) -> int:
        """Add a variable in [0, ub]; return its index."""
        self.lb.append(0.0)
        self.ub.append(float(ub))
        self.integer.append(1 if integer else 0)
        return len(self.lb) - 1

    def row(self, terms: Sequence[tuple[int, float]], lo: float, hi: float) -> None:
        """Add the constraint lo <= sum(coef * var) <= hi."""
        r = len(self.row_lb)
        for c, v in terms:
            self.rows.append(r)
            self.cols.append(c)
            self.vals.append(v)
        self.row_lb.append(lo)
        self.row_ub.append(hi)

    def solve(self, objective: np.ndarray, sense: int, time_limit: float) -> np.ndarray:
        """Optimise objective (sense +1 maximise, -1 minimise) exactly; return the solution."""
        n = len(self.lb)
        a = sparse.csr_array((self.vals, (self.rows, self.cols)), shape=(len(self.row_lb), n))
        res = milp(
            c=-sense * objective,
            constraints=[LinearConstraint(a, np.array(self.row_lb), np.array(self.row_ub))],
            integrality=np.array(self.integer),
            bounds=(np.array(self.lb), np.array(self.ub)),
            options={"mip_rel_gap": 0.0, "time_limit": time_limit, "presolve": True},
        )
        if res.x is None or res.status not in (0,):
            raise PlannerError(f"the integer programme was not solved: {res.message}")
        return np.asarray(res.x)

    def matrix(self) -> sparse.csr_array:
        """The constraint matrix."""
        return sparse.csr_array((self.vals, (self.rows, self.cols)), shape=(len(self.row_lb), len(self.lb)))

    def solve_lp(self, objective: np.ndarray, sense: int) -> np.ndarray:
        """The LP relaxation's optimum (sense +1 maximise, -1 minimise), by HiGHS' dual simplex."""
        a = self.matrix()
        lo, hi = np.array(self.row_lb), np.array(self.row_ub)
        up, down = np.isfinite(hi), np.isfinite(lo)
        res = linprog(
            -sense * objective,
            A_ub=sparse.vstack([a[up], -a[down]]).tocsr(),
            b_ub=np.concatenate([hi[up], -lo[down]]),
            bounds=np.c_[self.lb, self.ub],
            method="highs-ds",
        )
        if res.x is None or res.status != 0:
            raise PlannerError(f"the linear programme was not solved: {res.message}")
        return np.asarray(res.x)

    def try_milp(
        self,
        objective: np.ndarray,
        sense: int,
        time_limit: float,
        bounds: tuple[np.ndarray, np.ndarray] | None = None,
        node_limit: int | None = None,
    ) -> tuple[np.ndarray | None, bool]:
        """The exact integer optimum if HiGHS proves it within the time limit, else its best solution.

        ``bounds`` narrows the variables (a neighbourhood of an LP optimum).
        """
        res = milp(
            c=-sense * objective,
            constraints=[LinearConstraint(self.matrix(), np.array(self.row_lb), np.array(self.row_ub))],
            integrality=np.array(self.integer),
            bounds=bounds if bounds is not None else (np.array(self.lb), np.array(self.ub)),
            options={
                "mip_rel_gap": 0.0,
                "time_limit": max(time_limit, 0.5),
                "presolve": True,
                **({"node_limit": node_limit} if node_limit is not None else {}),
            },
        )
        if res.x is None:
            return None, False
        return np.asarray(res.x), res.status == 0

    def feasible(self, x: np.ndarray, tol: float = 1e-6) -> bool:
        """Whether x satisfies every row and bound."""
        act = self.matrix() @ x
        return bool(
            (act >= np.array(self.row_lb) - tol).all()
            and (act <= np.array(self.row_ub) + tol).all()
            and (x >= -tol).all()
            and (x <= np.array(self.ub) + tol).all()
        )

    def settle_continuous(self, x: np.ndarray) -> np.ndarray:
        """Give every continuous (bound) variable its least value allowed by its rows, in creation order."""
        x = x.copy()
        integer = np.array(self.integer, dtype=bool)
        cont = np.nonzero(~integer)[0]
        if not len(cont):
            return x
        x[cont] = 0.0
        a = self.matrix()
        csc = a.tocsc()
        row_lb = np.array(self.row_lb)
        act = a @ x
        for v in cont:
            rows = csc.indices[csc.indptr[v] : csc.indptr[v + 1]]
            coefs = csc.data[csc.indptr[v] : csc.indptr[v + 1]]
            need = 0.0
            for r, c in zip(rows, coefs, strict=True):
                if c > 0 and np.isfinite(row_lb[r]):
                    need = max(need, (row_lb[r] - act[r]) / c)
            if need > 0:
                x[v] = need
                act[rows] += coefs * need
        return x


def _round_and_fill(
    m: _Model, x_lp: np.ndarray, groups: list[_Group], order: list[int], fill: bool
) -> np.ndarray | None:
    """An integer point near the LP optimum: round down, repair broken rows, then add coverage greedily.

    ``order`` lists the coverage variables best first; each is raised as far as every row allows,
    with one more person in its group where the month or months-per-person row is tight.
    """
    a = m.matrix()
    csc = a.tocsc()
    integer = np.array(m.integer, dtype=bool)
    x = np.where(integer, np.floor(x_lp + 1e-6), 0.0)
    row_ub = np.array(m.row_ub)
    act = a @ x
    # Rounding down can only break "z - M*w <= 0" rows (months per person): take months away.
    for r in np.nonzero(act > row_ub + 1e-9)[0]:
        cols = a.indices[a.indptr[r] : a.indptr[r + 1]]
        coefs = a.data[a.indptr[r] : a.indptr[r + 1]]
        for v, c in sorted(zip(cols, coefs, strict=True), key=lambda vc: -x[vc[0]]):
            if act[r] <= row_ub[r] + 1e-9:
                break
            if c > 0 and x[v] > 0:
                k = min(x[v], np.ceil((act[r] - row_ub[r]) / c - 1e-9))
                x[v] -= k
                lo, hi = csc.indptr[v], csc.indptr[v + 1]
                act[csc.indices[lo:hi]] -= csc.data[lo:hi] * k
    if fill:
        owner = {v: g.w for g in groups for v in g.z.values()}
        ub = np.array(m.ub)

        def col(v: int) -> tuple[np.ndarray, np.ndarray]:
            lo, hi = csc.indptr[v], csc.indptr[v + 1]
            return csc.indices[lo:hi], csc.data[lo:hi]

        def room(rows: np.ndarray, coefs: np.ndarray) -> float:
            pos = coefs > 0
            if not pos.any():
                return np.inf
            return float(np.floor(((row_ub[rows[pos]] - act[rows[pos]]) / coefs[pos]).min() + 1e-9))

        for v in order:
            rows, coefs = col(v)
            k = min(room(rows, coefs), ub[v] - x[v])
            if k > 0:
                x[v] += k
                act[rows] += coefs * k
            w = owner[v]
            wrows, wcoefs = col(w)
            both_rows = np.concatenate([rows, wrows])
            both = np.concatenate([coefs, wcoefs])
            uniq, inv = np.unique(both_rows, return_inverse=True)
            delta = np.bincount(inv, weights=both)
            while x[v] < ub[v] and x[w] < ub[w]:
                k = min(room(uniq, delta), ub[v] - x[v], ub[w] - x[w])
                if k <= 0:
                    break
                x[v] += k
                x[w] += k
                act[uniq] += delta * k
    x = m.settle_continuous(x)
    return x if m.feasible(x) else None


def _continuity_bounds(
    m: _Model, groups: list[_Group], classes: _Classes, n_t: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Add lower bounds of each group's gaps and enrolments to the model; return the two objectives.

    Blocks of coverage are at least the sum of the rises of the group's covered count from month to
    month, gaps at least blocks minus persons; enrolments of a source at least the rises of its count.
    """
    gaps: list[tuple[int, float]] = []
    enrol: list[tuple[int, float]] = []
    for g in groups:
        n = float(classes.count[g.cls])
        srcs = sorted({s for s, _ in g.z})
        for s in srcs:
            prev: int | None = None
            for t in range(n_t):
                v = g.z.get((s, t))
                if v is None:
                    prev = None
                    continue
                r = m.var(n, integer=False)
                enrol.append((r, 1.0))
                m.row([(r, 1.0), (v, -1.0)] + ([(prev, 1.0)] if prev is not None else []), 0.0, np.inf)
                prev = v
        rises: list[tuple[int, float]] = []
        prev_terms: list[tuple[int, float]] = []
        for t in range(n_t):
            terms = [(g.z[(s, t)], 1.0) for s in srcs if (s, t) in g.z]
            if terms:
                p = m.var(n, integer=False)
                rises.append((p, 1.0))
                m.row(
                    [(p, 1.0)] + [(v, -1.0) for v, _ in terms] + [(v, 1.0) for v, _ in prev_terms],
                    0.0,
                    np.inf,
                )
            prev_terms = terms
        q = m.var(n * n_t, integer=False)
        gaps.append((q, 1.0))
        m.row([(q, 1.0), *[(v, -1.0) for v, _ in rises], (g.w, 1.0)], 0.0, np.inf)
    return gaps, enrol


@dataclass
class _Group:
    """Persons of one class who may use a given subset of its person-limited sources."""

    cls: int
    subset: tuple[int, ...]
    w: int  # variable: persons in the group
    z: dict[tuple[int, int], int]  # (source, month) -> variable: persons the source pays that month
