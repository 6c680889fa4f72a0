"""The exact person-level MILP of the planner's lexicographic objective, for checking it on small instances.

One binary per eligible person, source and month the source pays; the five objective levels of
``planner.Objective`` are optimised one after the other with scipy's HiGHS, each level's optimum kept
as a constraint for the next. Only for a few hundred persons: the planner itself never uses it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import LinearConstraint, milp

from .planner import (
    UNCOVERED,
    Objective,
    PlannerError,
    SourceSpec,
    evaluate,
    narrowness_weights,
    priority_levels,
)


def solve_exact(
    *,
    priority: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    sources: Sequence[SourceSpec],
    n_months: int,
    time_limit: float = 60.0,
) -> tuple[Objective, np.ndarray]:
    """The lexicographic optimum and an optimal assignment [persons, months] (-1 = uncovered)."""
    n_p, n_s = eligible.shape
    levels = priority_levels(priority)
    weights = narrowness_weights(eligible, cost, sources)
    lb: list[float] = []
    ub: list[float] = []
    integer: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    row_lb: list[float] = []
    row_ub: list[float] = []

    def var(binary: bool = True, upper: float = 1.0) -> int:
        lb.append(0.0)
        ub.append(upper)
        integer.append(1 if binary else 0)
        return len(lb) - 1

    def row(terms: Sequence[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(row_lb)
        for c, v in terms:
            rows.append(r)
            cols.append(c)
            vals.append(v)
        row_lb.append(lo)
        row_ub.append(hi)

    x: dict[tuple[int, int, int], int] = {}
    for i in range(n_p):
        for s, spec in enumerate(sources):
            if eligible[i, s]:
                for t in range(spec.first_month, spec.last_month + 1):
                    x[(i, s, t)] = var()
    level_terms: list[list[tuple[int, float]]] = [[], [], [], [], []]
    for (i, s, _t), v in x.items():
        level_terms[0].append((v, 1.0))
        level_terms[1].append((v, float(levels[i])))
        level_terms[2].append((v, float(weights[s])))
    for i in range(n_p):
        cov = []
        for t in range(n_months):
            terms = [(x[(i, s, t)], 1.0) for s in range(n_s) if (i, s, t) in x]
            cov.append(terms)
            if terms:
                row(terms, 0.0, 1.0)
        # Gaps: block starts (coverage rising month to month) minus "covered at all".
        if not any(cov):
            continue
        h = var()
        row([(h, 1.0)] + [(v, -1.0) for terms in cov for v, _ in terms], -np.inf, 0.0)
        starts = []
        for t in range(n_months):
            b = var(binary=False)
            starts.append(b)
            prev = cov[t - 1] if t > 0 else []
            row([(b, 1.0)] + [(v, -1.0) for v, _ in cov[t]] + [(v, 1.0) for v, _ in prev], 0.0, np.inf)
        level_terms[3].extend([(b, 1.0) for b in starts])
        level_terms[3].append((h, -1.0))
        # Enrolments: a source paying in a month it did not pay the month before.
        for s in range(n_s):
            for t in range(n_months):
                if (i, s, t) in x:
                    r = var(binary=False)
                    prev_x = [(x[(i, s, t - 1)], 1.0)] if (i, s, t - 1) in x else []
                    row([(r, 1.0), (x[i, s, t], -1.0), *prev_x], 0.0, np.inf)
                    level_terms[4].append((r, 1.0))
    for s, spec in enumerate(sources):
        mine = {(i, t): v for (i, s_, t), v in x.items() if s_ == s}
        if spec.quota_persons is not None and mine:
            ys = []
            for i in range(n_p):
                terms = [(v, 1.0) for (i_, _t), v in mine.items() if i_ == i]
                if terms:
                    y = var()
                    ys.append(y)
                    for v, _ in terms:
                        row([(v, 1.0), (y, -1.0)], -np.inf, 0.0)
            row([(y, 1.0) for y in ys], -np.inf, float(spec.quota_persons))
        if spec.budget is not None and mine:
            row([(v, float(cost[i, s, t])) for (i, t), v in mine.items()], -np.inf, float(spec.budget))
        if spec.max_months_per_person is not None:
            for i in range(n_p):
                terms = [(v, 1.0) for (i_, _t), v in mine.items() if i_ == i]
                if len(terms) > spec.max_months_per_person:
                    row(terms, -np.inf, float(spec.max_months_per_person))
    assignment = np.full((n_p, n_months), UNCOVERED, dtype=np.int8)
    if not x:
        return evaluate(assignment, priority, eligible, cost, sources), assignment
    n = len(lb)
    sol = np.zeros(n)
    for k, terms in enumerate(level_terms):
        vec = np.zeros(n)
        for v, c in terms:
            vec[v] += c
        sense = 1 if k < 3 else -1
        a = sparse.csr_array((vals, (rows, cols)), shape=(len(row_lb), n))
        res = milp(
            c=-sense * vec,
            constraints=[LinearConstraint(a, np.array(row_lb), np.array(row_ub))],
            integrality=np.array(integer),
            bounds=(np.array(lb), np.array(ub)),
            options={"mip_rel_gap": 0.0, "time_limit": time_limit},
        )
        if res.x is None or res.status != 0:
            raise PlannerError(f"exact MILP not solved: {res.message}")
        sol = np.asarray(res.x)
        best = float(np.round(vec @ sol))
        nz = np.nonzero(vec)[0]
        if sense == 1:
            row([(int(j), float(vec[j])) for j in nz], best - 0.5, np.inf)
        else:
            row([(int(j), float(vec[j])) for j in nz], -np.inf, best + 0.5)
    for (i, s, t), v in x.items():
        if sol[v] > 0.5:
            assignment[i, t] = s
    return evaluate(assignment, priority, eligible, cost, sources), assignment


def random_instance(
    seed: int, max_persons: int = 60, max_sources: int = 4, max_months: int = 6
) -> dict[str, object]:
    """A seeded random planner instance: binding quotas, budgets over varying premiums, months-per-person
    limits, late-starting and short sources (keyword arguments for ``planner.plan``)."""
    rng = np.random.default_rng(seed)
    n_p = int(rng.integers(5, max_persons + 1))
    n_s = int(rng.integers(1, max_sources + 1))
    n_t = int(rng.integers(2, max_months + 1))
    kinds = ["dbhcht", "apbd", "apbn", "csr", "other"]
    specs = []
    for s in range(n_s):
        first = int(rng.integers(0, n_t))
        last = int(rng.integers(first, n_t))
        quota = int(rng.integers(0, n_p)) if rng.random() < 0.5 else None
        budget = int(rng.integers(0, n_p * n_t * 20)) * 1000 if rng.random() < 0.5 else None
        per_person = int(rng.integers(1, n_t + 1)) if rng.random() < 0.4 else None
        specs.append(
            SourceSpec(
                key=f"s{s}",
                name=f"Source {s}",
                kind=kinds[s % len(kinds)],
                first_month=first,
                last_month=last,
                quota_persons=quota,
                budget=budget,
                max_months_per_person=per_person,
            )
        )
    eligible = rng.random((n_p, n_s)) < 0.6
    bracket = rng.integers(0, 3, size=n_p)
    base = np.array([16_800, 26_800, 36_800])[bracket]
    cost = np.repeat(np.repeat(base[:, None, None], n_s, axis=1), n_t, axis=2)
    discount = rng.random((n_s, n_t)) < 0.3  # month discounts differ by payer
    cost = np.where(discount[None], cost // 2, cost).astype(np.int64)
    return {
        "person_ids": np.arange(n_p, dtype=np.int64) + 1000,
        "priority": rng.integers(0, 4, size=n_p),
        "eligible": eligible,
        "cost": cost,
        "sources": specs,
        "months": [f"2025-{7 + t:02d}" if t < 6 else f"2026-{t - 5:02d}" for t in range(n_t)],
    }
