"""The coverage planner: which funding source pays whose premium in which month, or why none does.

A pure library (numpy, polars, scipy's HiGHS; no Django). The model, the lexicographic objective, the
algorithm and the proof sketch of its optimality are in docs/planner.md; ``jaring.planning.milp``
solves the same objective exactly on the person level, for the tests and, in small programmes, for
levels 4-5 (gaps, enrolments) where the schedules miss the class-level bounds.

In short: persons with the same eligible sources, the same premium profile and the same priority are
interchangeable, so they form a *class*. The lexicographic problem is solved exactly on the class
level (a sequence of small integer programmes), the class-level counts are turned into person-level
month-by-month schedules (which always exists, by the f-colouring theorem for bipartite multigraphs),
levels 4-5 are proven by class-level bounds or settled by the person-level MILP where it is small, and
every uncovered person-month gets a reason.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .decompose import (
    _Cohort,
    _cohort_score,
    _decompose_exact,
    _decompose_group,
    _group_lower_bounds,
    _lex_solve,
)
from .lp import _check_inputs, _Classes, _classes, _Group
from .milp import exact_continuity, person_model_size
from .result import Plan
from .specs import (
    CAPACITY,
    COVERED,
    DEFAULT_PRIORITY,
    LIMIT_BUDGET,
    LIMIT_MONTHS,
    LIMIT_QUOTA,
    NO_SOURCE_IN_MONTH,
    NOT_ELIGIBLE,
    REASON_CODES,
    SOURCE_KINDS,
    UNCOVERED,
    Criterion,
    Objective,
    PlannerError,
    SourceSpec,
    check_feasible,
    evaluate,
    narrowness_weights,
    priority_levels,
    priority_score,
    running_matrix,
    source_order,
)

# The planner's public names, wherever they are defined (callers use ``planner.X``).
__all__ = [
    "CAPACITY",
    "CONTINUITY_SECONDS",
    "COVERED",
    "DEFAULT_PRIORITY",
    "EXACT_CONTINUITY_UP_TO",
    "LIMIT_BUDGET",
    "LIMIT_MONTHS",
    "LIMIT_QUOTA",
    "NOT_ELIGIBLE",
    "NO_SOURCE_IN_MONTH",
    "REASON_CODES",
    "SOURCE_KINDS",
    "UNCOVERED",
    "Criterion",
    "Objective",
    "Plan",
    "PlannerError",
    "SourceSpec",
    "check_feasible",
    "evaluate",
    "narrowness_weights",
    "plan",
    "priority_levels",
    "priority_score",
    "running_matrix",
    "source_order",
]

# The exact person-level second stage for levels 4-5 (gaps, enrolments) runs when the person-level
# model has at most this many binaries (eligible person x source x paying month): a few hundred
# persons, six sources, twelve months. It is given at most CONTINUITY_SECONDS.
EXACT_CONTINUITY_UP_TO = 25_000
CONTINUITY_SECONDS = 20.0


def plan(
    *,
    person_ids: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    sources: Sequence[SourceSpec | Mapping[str, Any]],
    months: Sequence[str],
    time_limit: float = 120.0,
    exact_up_to: int = 6_000,
    exact_continuity_up_to: int = EXACT_CONTINUITY_UP_TO,
) -> Plan:
    """The optimal plan: for every person and month the paying source, or -1 and a reason.

    ``priority``: higher first (only the order of the values matters; coarse integer points keep the
    number of classes small, see priority_score). ``eligible``: bool [persons, sources].
    ``cost``: integer Rupiah [persons, sources, months], the premium a source pays for a person-month.
    ``exact_up_to``: class-level models with at most this many variables are solved as exact integer
    programmes (all five levels); bigger ones by LP, rounding and a greedy fill, with the LP bound as
    the optimality certificate of levels 1-3 (``stats["proven"]``, ``stats["bounds"]``).
    ``exact_continuity_up_to``: when the schedules miss the class-level lower bounds of gaps and
    enrolments and the person-level model has at most this many binaries (eligible person x source x
    paying month), an exact person-level MILP keeps levels 1-3 and minimises gaps, then enrolments.
    ``stats["proven"]`` says per level (five) whether the final plan is proven optimal on it.
    """
    started = time.perf_counter()
    person_ids = np.asarray(person_ids)
    priority = np.asarray(priority)
    eligible = np.asarray(eligible, dtype=bool)
    cost = np.asarray(cost)
    specs: list[SourceSpec] = [SourceSpec(**x) if isinstance(x, Mapping) else x for x in sources]
    months = list(months)
    _check_inputs(person_ids, priority, eligible, cost, specs, months)
    n_p, n_s, n_t = len(person_ids), len(specs), len(months)
    run = running_matrix(specs, n_t)
    levels = priority_levels(priority) if n_p else np.zeros(0, dtype=np.int64)
    weights = narrowness_weights(eligible, cost, specs) if n_p else np.ones(n_s, dtype=np.int64)
    assignment = np.full((n_p, n_t), UNCOVERED, dtype=np.int8)
    stats: dict[str, Any] = {"classes": 0, "groups": 0}
    if n_p and n_s:
        classes = _classes(eligible, cost, levels, run)
        stats["classes"] = len(classes.count)
        budgets = list(specs)
        for _attempt in range(4):
            groups, x, values = _lex_solve(classes, budgets, weights, n_t, time_limit, exact_up_to, stats)
            over = _budget_overshoot(groups, x, classes, budgets)
            if not over:
                break
            # HiGHS' tolerances may let a rounded solution pass a budget by a few Rupiah: tighten, retry.
            budgets = [
                spec if s not in over else _with_budget(spec, int(spec.budget or 0) - over[s])
                for s, spec in enumerate(budgets)
            ]
        else:
            raise PlannerError("internal: budgets could not be met exactly")
        retried = budgets != specs  # budgets tightened: the class bounds are of another model
        stats["groups"] = len(groups)
        stats["class_objective"] = values
        stats["solve_seconds"] = round(time.perf_counter() - started, 3)
        _hand_out(assignment, groups, x, classes, person_ids, specs, weights, n_t)
        _sort_by_priority(assignment, classes, priority, person_ids)
        stats["waste_filled"] = _fill_waste(
            assignment, priority, eligible, cost, specs, source_order(eligible, cost, specs)
        )
        # The local search is quadratic in the worst case: only for programmes up to 100,000 persons.
        stats["gap_moves"] = (
            0
            if n_p > 100_000
            else _close_gaps(assignment, classes, specs, levels, eligible, cost, wide=n_p <= 50_000)
        )
        stats["continuity"] = _exact_continuity(
            assignment,
            priority,
            eligible,
            cost,
            specs,
            stats,
            values if not retried else None,
            exact_continuity_up_to,
            max(1.0, min(CONTINUITY_SECONDS, time_limit - (time.perf_counter() - started))),
        )
    problems = check_feasible(assignment, eligible, cost, specs)
    if problems:
        raise PlannerError("internal: infeasible plan: " + "; ".join(problems))
    reasons = _reasons(assignment, eligible, run)
    if stats.get("path") == "lp":
        # The LP bounds hold for the person level too (the class model is exact): a level whose value
        # reaches the floor of its bound, after earlier levels that did, is proven optimal.
        got = evaluate(assignment, priority, eligible, cost, specs)
        proven: list[bool] = []
        for k, bound in enumerate(stats["bounds"][:3]):
            proven.append(all(proven) and bool(got[k] >= np.floor(float(bound) + 1e-6)))
        stats["proven"] = proven
    if "proven" in stats:
        # Levels 4-5 are proven only on the person level (see _exact_continuity), after levels 1-3.
        stats["proven"] = [*stats["proven"][:3], *([stats["continuity"] in ("bound", "milp")] * 2)]
        stats["proven"] = [all(stats["proven"][: k + 1]) for k in range(5)]
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return Plan(
        person_ids=person_ids,
        months=months,
        sources=specs,
        assignment=assignment,
        reasons=reasons,
        priority=priority,
        eligible=eligible,
        cost=cost,
        stats=stats,
    )


def _exact_continuity(
    assignment: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    sources: Sequence[SourceSpec],
    stats: dict[str, Any],
    values: list[float] | None,
    up_to: int,
    seconds: float,
) -> str:
    """Make levels 4-5 exact where it is cheap (in place); say how they stand.

    "bound": the schedules reach the class-level lower bounds of gaps and enrolments (solved exactly on
    the exact path, after levels 1-3 were proven), so they are optimal; "milp": the person-level MILP
    (``milp.exact_continuity``) minimised gaps, then enrolments, with levels 1-3 kept, and proved it;
    "milp-unproven": it ran out of time (the plan is still no worse); "heuristic": the person-level
    model has more than ``up_to`` binaries, the schedules stand as the hand-out made them.
    """
    # The class-level lower bounds of gaps and enrolments are valid for every plan with levels 1-3
    # at their optimum, so reaching them proves levels 4-5; otherwise solve them on the person level.
    proven = stats.get("proven", [])
    if values is not None and stats.get("path") == "milp" and len(proven) == 5 and all(proven):
        got = evaluate(assignment, priority, eligible, cost, sources)
        if (got.gaps, got.enrolments) == (round(values[3]), round(values[4])):
            return "bound"
    if person_model_size(eligible, sources, assignment.shape[1]) > up_to:
        return "heuristic"
    started = time.perf_counter()
    better, ok = exact_continuity(assignment, priority, eligible, cost, sources, time_limit=seconds)
    stats["continuity_seconds"] = round(time.perf_counter() - started, 3)
    assignment[:] = better
    return "milp" if ok else "milp-unproven"


def _with_budget(spec: SourceSpec, budget: int) -> SourceSpec:
    """A copy of spec with another budget."""
    return SourceSpec(
        key=spec.key,
        name=spec.name,
        kind=spec.kind,
        first_month=spec.first_month,
        last_month=spec.last_month,
        quota_persons=spec.quota_persons,
        budget=budget,
        max_months_per_person=spec.max_months_per_person,
    )


def _budget_overshoot(
    groups: list[_Group], x: np.ndarray, classes: _Classes, sources: Sequence[SourceSpec]
) -> dict[int, int]:
    """Rupiah by which the rounded class-level solution passes each budget (only those it passes)."""
    spent: dict[int, int] = {}
    for g in groups:
        for (s, t), v in g.z.items():
            spent[s] = spent.get(s, 0) + int(x[v]) * int(classes.cost[g.cls, s, t])
    return {
        s: spent.get(s, 0) - int(spec.budget)
        for s, spec in enumerate(sources)
        if spec.budget is not None and spent.get(s, 0) > spec.budget
    }


def _hand_out(
    assignment: np.ndarray,
    groups: list[_Group],
    x: np.ndarray,
    classes: _Classes,
    person_ids: np.ndarray,
    sources: Sequence[SourceSpec],
    weights: np.ndarray,
    n_t: int,
) -> None:
    """Write the person-level schedules of every class into ``assignment``."""
    # Persons of a class share a priority level; among them the lower person_id is served first.
    order = np.lexsort((person_ids, classes.inverse))
    starts = np.concatenate([[0], np.cumsum(classes.count)])
    by_class: dict[int, list[_Cohort]] = {}
    for g in groups:
        w = int(x[g.w])
        if w == 0:
            continue
        demand = {key: int(x[v]) for key, v in g.z.items() if x[v] > 0}
        if not demand:
            by_class.setdefault(g.cls, []).append(_Cohort(count=w, hist=[UNCOVERED] * n_t, used={}))
            continue
        by_class.setdefault(g.cls, []).extend(_schedules(w, demand, sources, weights, n_t))
    for c, cohorts in by_class.items():
        cohorts.sort(key=lambda co: (-sum(h >= 0 for h in co.hist), co.hist))
        rows = np.array([co.hist for co in cohorts], dtype=np.int8)
        counts = np.array([co.count for co in cohorts], dtype=np.int64)
        members = order[starts[c] : starts[c] + int(counts.sum())]
        assignment[members] = np.repeat(rows, counts, axis=0)


def _schedules(
    w: int, demand: dict[tuple[int, int], int], sources: Sequence[SourceSpec], weights: np.ndarray, n_t: int
) -> list[_Cohort]:
    """A group's schedules: the greedy where it provably meets the lower bounds, else the exact flow."""
    try:
        cohorts = _decompose_group(w, demand, sources, weights, n_t)
        if _cohort_score(cohorts) == _group_lower_bounds(demand, w, n_t):
            return cohorts
    except PlannerError:
        pass
    return _decompose_exact(w, demand, sources, n_t, 60.0)


def _row_score(row: np.ndarray) -> tuple[int, int]:
    """Gaps and enrolments of one person's schedule."""
    covered = row >= 0
    prev = np.concatenate([[UNCOVERED], row[:-1]])
    starts = int((covered & (prev < 0)).sum())
    return max(0, starts - 1), int((covered & (row != prev)).sum())


def _close_gaps(
    assignment: np.ndarray,
    classes: _Classes,
    sources: Sequence[SourceSpec],
    levels: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    wide: bool,
) -> int:
    """Move a block of coverage from a person with a gap to a classmate who is free in those months.

    Classmates are interchangeable (same sources, premiums and priority), so levels 1-3 stay as they
    are; with ``wide`` any person of the same priority level eligible at the same premiums qualifies.
    A move is made only when it lowers (gaps, enrolments) of the two persons and keeps the
    months-per-person limits and quotas. Returns the number of moves.
    """
    covered = assignment >= 0
    prev = np.concatenate(
        [np.full((assignment.shape[0], 1), UNCOVERED, dtype=assignment.dtype), assignment[:, :-1]], 1
    )
    starts = (covered & (prev < 0)).sum(axis=1)
    gapped = np.nonzero(starts > 1)[0]
    if not len(gapped):
        return 0
    distinct = [int((assignment == s).any(axis=1).sum()) for s in range(len(sources))]
    members: dict[int, np.ndarray] = {}
    moves = 0
    for a in gapped:
        c = int(classes.inverse[a])
        if c not in members:
            members[c] = np.nonzero(classes.inverse == c)[0]
        row_a = assignment[a]
        # The blocks of person a: maximal covered stretches.
        months = np.nonzero(row_a >= 0)[0]
        blocks = np.split(months, np.nonzero(np.diff(months) > 1)[0] + 1)
        for block in blocks:
            if _row_score(assignment[a])[0] == 0:
                break
            pool = members[c]
            if wide:
                # Any person of the same priority level who may take the block at the same premiums.
                srcs = row_a[block].astype(np.int64)
                same = levels == levels[a]
                same &= eligible[:, srcs].all(axis=1)
                same &= (cost[:, srcs, block] == cost[a, srcs, block]).all(axis=1)
                pool = np.nonzero(same)[0]
            free = pool[(assignment[pool][:, block] < 0).all(axis=1)]
            for b in free[:10]:
                new_a = assignment[a].copy()
                new_b = assignment[b].copy()
                new_b[block] = new_a[block]
                new_a[block] = UNCOVERED
                before = tuple(
                    x + y for x, y in zip(_row_score(assignment[a]), _row_score(assignment[b]), strict=True)
                )
                after = tuple(x + y for x, y in zip(_row_score(new_a), _row_score(new_b), strict=True))
                if after >= before:
                    continue
                ok = True
                delta = dict.fromkeys(range(len(sources)), 0)
                for s in set(int(v) for v in new_b[block]):
                    spec = sources[s]
                    if (
                        spec.max_months_per_person is not None
                        and int((new_b == s).sum()) > spec.max_months_per_person
                    ):
                        ok = False
                    delta[s] = int((new_b == s).any()) - int((assignment[b] == s).any())
                    delta[s] += int((new_a == s).any()) - int((assignment[a] == s).any())
                    if spec.quota_persons is not None and distinct[s] + delta[s] > spec.quota_persons:
                        ok = False
                if not ok:
                    continue
                assignment[a], assignment[b] = new_a, new_b
                for s, d in delta.items():
                    distinct[s] += d
                moves += 1
                break
    return moves


def _sort_by_priority(
    assignment: np.ndarray, classes: _Classes, priority: np.ndarray, person_ids: np.ndarray
) -> None:
    """Among persons with the same eligible sources and premiums, give the fullest schedules to the
    highest priorities (in place).

    Such persons differ only in priority, so swapping their schedules keeps every limit and levels
    1, 3, 4 and 5 of the objective; sorting can only raise level 2 (rearrangement inequality).
    """
    key = np.concatenate(
        [classes.mask.astype(np.int64), classes.cost.reshape(len(classes.count), -1)], axis=1
    )
    _, super_class = np.unique(key, axis=0, return_inverse=True)
    peers = super_class.reshape(-1)[classes.inverse]
    covered = (assignment >= 0).sum(axis=1)
    persons = np.lexsort((person_ids, -priority.astype(np.float64), peers))
    rows = np.lexsort((np.arange(len(peers)), -covered, peers))
    assignment[persons] = assignment[rows].copy()


def _fill_waste(
    assignment: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    sources: Sequence[SourceSpec],
    order: Sequence[int],
) -> int:
    """Give every uncovered person-month that a source could still pay to that source (no waste).

    Narrowest source first, higher priority first, cheaper first. After an exact class-level solve this
    finds nothing (level 1 is optimal); after the LP path it closes what rounding left. Returns the
    person-months added.
    """
    added = 0
    for s in order:
        spec = sources[s]
        mine = assignment == s
        used = mine.sum(axis=1)
        p_, t_ = np.nonzero(mine)
        spent = int(cost[p_, s, t_].astype(np.int64).sum())
        distinct = int((used > 0).sum())
        for t in range(spec.first_month, spec.last_month + 1):
            can = eligible[:, s] & (assignment[:, t] < 0)
            if spec.max_months_per_person is not None:
                can &= used < spec.max_months_per_person
            idx = np.nonzero(can)[0]
            if not len(idx):
                continue
            idx = idx[np.lexsort((cost[idx, s, t], -priority[idx].astype(np.float64)))]
            price = cost[idx, s, t].astype(np.int64)
            new = used[idx] == 0
            left = np.inf if spec.budget is None else float(spec.budget - spent)
            room = np.inf if spec.quota_persons is None else float(spec.quota_persons - distinct)
            # The longest prefix that fits, then the stragglers that still fit one by one.
            fits = (np.cumsum(price) <= left) & (np.cumsum(new) <= room)
            k = int(np.argmin(fits)) if not fits.all() else len(idx)
            take = list(range(k))
            left -= float(price[:k].sum())
            room -= float(new[:k].sum())
            rest = np.arange(k, len(idx))
            while len(rest):
                ok = (price[rest] <= left) & (~new[rest] | (room >= 1))
                if not ok.any():
                    break
                j = int(rest[np.argmax(ok)])
                take.append(j)
                left -= float(price[j])
                room -= float(new[j])
                rest = rest[rest > j]
            if not take:
                continue
            chosen = idx[np.array(take, dtype=np.int64)]
            assignment[chosen, t] = s
            spent += int(price[np.array(take)].sum())
            distinct += int((used[chosen] == 0).sum())
            used[chosen] += 1
            added += len(chosen)
    return added


def _reasons(assignment: np.ndarray, eligible: np.ndarray, run: np.ndarray) -> np.ndarray:
    """The reason code of every uncovered person-month (0 where covered)."""
    uncovered = assignment < 0
    any_eligible = eligible.any(axis=1)
    running_eligible = eligible.astype(np.uint8) @ run.astype(np.uint8) > 0  # [persons, months]
    reasons = np.where(running_eligible, CAPACITY, NO_SOURCE_IN_MONTH).astype(np.int8)
    reasons[~any_eligible] = NOT_ELIGIBLE
    reasons[~uncovered] = COVERED
    return reasons
