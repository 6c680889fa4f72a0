"""The exact person-level MILP of the planner's lexicographic objective.

One binary per eligible person, source and month the source pays; the five objective levels of
``planner.Objective`` are optimised one after the other with scipy's HiGHS, each level's optimum kept
as a constraint for the next. ``solve_exact`` solves all five levels (the tests and the benchmark check
the planner against it); ``exact_continuity`` keeps levels 1-3 of a given plan and minimises gaps, then
enrolments (the planner's exact second stage for programmes up to a few hundred persons).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .lp import _Model
from .specs import (
    UNCOVERED,
    Objective,
    PlannerError,
    SourceSpec,
    check_feasible,
    evaluate,
    narrowness_weights,
    priority_levels,
    running_matrix,
)


def person_model_size(eligible: np.ndarray, sources: Sequence[SourceSpec], n_months: int) -> int:
    """Binaries of the person-level model: eligible person x source x month the source pays."""
    if not len(sources):
        return 0
    months = running_matrix(sources, n_months).sum(axis=1).astype(np.int64)
    # Eligible persons per source times its months (an integer matrix product would be slow at 1M).
    return int(np.count_nonzero(eligible, axis=0).astype(np.int64) @ months)


@dataclass
class _PersonModel:
    """The person-level model: its rows, its binaries x[(i, s, t)] and the five levels' terms."""

    m: _Model
    x: dict[tuple[int, int, int], int]
    levels: list[list[tuple[int, float]]]

    def vector(self, level: int) -> np.ndarray:
        """The objective vector of one level (maximised for levels 1-3, minimised for 4-5)."""
        vec = np.zeros(len(self.m.lb))
        for v, c in self.levels[level]:
            vec[v] += c
        return vec

    def keep(self, level: int, value: float) -> None:
        """Keep one level at least as good as value (integral: half a unit of slack)."""
        vec = self.vector(level)
        nz = np.nonzero(vec)[0]
        terms = [(int(j), float(vec[j])) for j in nz]
        if level < 3:
            self.m.row(terms, value - 0.5, np.inf)
        else:
            self.m.row(terms, -np.inf, value + 0.5)

    def assignment(self, sol: np.ndarray, n_p: int, n_months: int) -> np.ndarray:
        """The assignment [persons, months] of a solution."""
        out = np.full((n_p, n_months), UNCOVERED, dtype=np.int8)
        for (i, s, t), v in self.x.items():
            if sol[v] > 0.5:
                out[i, t] = s
        return out


def _person_model(
    priority: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    sources: Sequence[SourceSpec],
    n_months: int,
) -> _PersonModel:
    """Build the person-level model of all limits and the five objective levels."""
    n_p, n_s = eligible.shape
    levels = priority_levels(priority)
    weights = narrowness_weights(eligible, cost, sources)
    m = _Model()
    x: dict[tuple[int, int, int], int] = {}
    for i in range(n_p):
        for s, spec in enumerate(sources):
            if eligible[i, s]:
                for t in range(spec.first_month, spec.last_month + 1):
                    x[(i, s, t)] = m.var(1.0)
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
                m.row(terms, 0.0, 1.0)
        if not any(cov):
            continue
        # Gaps: block starts (coverage rising month to month) minus "covered at all".
        h = m.var(1.0)
        m.row([(h, 1.0)] + [(v, -1.0) for terms in cov for v, _ in terms], -np.inf, 0.0)
        for t in range(n_months):
            b = m.var(1.0, integer=False)
            prev = cov[t - 1] if t > 0 else []
            m.row([(b, 1.0)] + [(v, -1.0) for v, _ in cov[t]] + [(v, 1.0) for v, _ in prev], 0.0, np.inf)
            level_terms[3].append((b, 1.0))
        level_terms[3].append((h, -1.0))
        # Enrolments: a source paying in a month it did not pay the month before.
        for s in range(n_s):
            for t in range(n_months):
                if (i, s, t) in x:
                    r = m.var(1.0, integer=False)
                    prev_x = [(x[(i, s, t - 1)], 1.0)] if (i, s, t - 1) in x else []
                    m.row([(r, 1.0), (x[i, s, t], -1.0), *prev_x], 0.0, np.inf)
                    level_terms[4].append((r, 1.0))
    for s, spec in enumerate(sources):
        mine = {(i, t): v for (i, s_, t), v in x.items() if s_ == s}
        per_person: dict[int, list[tuple[int, float]]] = {}
        for (i, _t), v in mine.items():
            per_person.setdefault(i, []).append((v, 1.0))
        if spec.quota_persons is not None and mine:
            ys = []
            for terms in per_person.values():
                y = m.var(1.0)
                ys.append(y)
                for v, _ in terms:
                    m.row([(v, 1.0), (y, -1.0)], -np.inf, 0.0)
            m.row([(y, 1.0) for y in ys], -np.inf, float(spec.quota_persons))
        if spec.budget is not None and mine:
            m.row([(v, float(cost[i, s, t])) for (i, t), v in mine.items()], -np.inf, float(spec.budget))
        if spec.max_months_per_person is not None:
            for terms in per_person.values():
                if len(terms) > spec.max_months_per_person:
                    m.row(terms, -np.inf, float(spec.max_months_per_person))
    return _PersonModel(m=m, x=x, levels=level_terms)


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
    n_p = eligible.shape[0]
    pm = _person_model(priority, eligible, cost, sources, n_months)
    assignment = np.full((n_p, n_months), UNCOVERED, dtype=np.int8)
    if not pm.x:
        return evaluate(assignment, priority, eligible, cost, sources), assignment
    sol = np.zeros(len(pm.m.lb))
    for k in range(5):
        vec = pm.vector(k)
        res, ok = pm.m.try_milp(vec, 1 if k < 3 else -1, time_limit)
        if res is None or not ok:
            raise PlannerError("exact MILP not solved within its time limit")
        sol = res
        pm.keep(k, float(np.round(vec @ sol)))
    assignment = pm.assignment(sol, n_p, n_months)
    return evaluate(assignment, priority, eligible, cost, sources), assignment


def exact_continuity(
    assignment: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    sources: Sequence[SourceSpec],
    time_limit: float = 20.0,
) -> tuple[np.ndarray, bool]:
    """A plan at least as good as ``assignment`` on every level, with the fewest gaps, then enrolments.

    Levels 1-3 are kept at least at the given plan's values (equal, when that plan is optimal on
    them) and levels 4 and 5 are minimised exactly by the person-level MILP. Returns the better plan
    and whether both minimisations were proven optimal within ``time_limit`` seconds; without a
    proof the result is still never worse than the given plan.
    """
    n_p, n_months = assignment.shape
    deadline = time.perf_counter() + time_limit
    pm = _person_model(priority, eligible, cost, sources, n_months)
    best = np.asarray(assignment).copy()
    if not pm.x:
        return best, True
    best_obj = evaluate(best, priority, eligible, cost, sources)
    for k in range(3):
        pm.keep(k, float(best_obj[k]))
    for k in (3, 4):
        vec = pm.vector(k)
        left = deadline - time.perf_counter()
        if left <= 0.5:
            return best, False
        sol, ok = pm.m.try_milp(vec, -1, left)
        if sol is None:
            return best, False
        cand = pm.assignment(np.round(sol), n_p, n_months)
        cand_obj = evaluate(cand, priority, eligible, cost, sources)
        if check_feasible(cand, eligible, cost, sources):
            return best, False  # HiGHS' tolerances let a budget slip: keep the given plan
        if cand_obj.key() > best_obj.key():
            best, best_obj = cand, cand_obj
        if not ok:
            return best, False
        # Keep the level's optimum (the best plan reaches it) while minimising the next one.
        pm.keep(k, float(best_obj[k]))
    return best, True


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
