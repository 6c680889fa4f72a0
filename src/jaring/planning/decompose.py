"""The lexicographic solve by groups, and its decomposition of class-level counts into cohorts."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .lp import _Classes, _continuity_bounds, _Group, _Model, _round_and_fill
from .specs import UNCOVERED, PlannerError, SourceSpec


def _lex_solve(
    classes: _Classes,
    sources: Sequence[SourceSpec],
    weights: np.ndarray,
    n_t: int,
    time_limit: float,
    small_model: int,
    info: dict[str, Any],
) -> tuple[list[_Group], np.ndarray, list[float]]:
    """Solve the lexicographic problem on the class level; return the groups and their counts."""
    m = _Model()
    groups: list[_Group] = []
    limited = [s for s, spec in enumerate(sources) if spec.person_limited]
    n_c, n_s = classes.mask.shape
    obj_cover: list[tuple[int, float]] = []
    obj_prio: list[tuple[int, float]] = []
    obj_narrow: list[tuple[int, float]] = []
    obj_gaps: list[tuple[int, float]] = []
    obj_enrol: list[tuple[int, float]] = []
    budget_terms: dict[int, list[tuple[int, float]]] = {s: [] for s in range(n_s)}
    quota_terms: dict[int, list[tuple[int, float]]] = {s: [] for s in range(n_s)}
    for c in range(n_c):
        n = int(classes.count[c])
        elig = [s for s in range(n_s) if classes.mask[c, s]]
        lim = [s for s in elig if s in limited]
        free = [s for s in elig if s not in limited]
        if not elig:
            continue
        members: list[int] = []
        subsets = [sub for k in range(len(lim) + 1) for sub in itertools.combinations(lim, k)]
        for sub in subsets:
            allowed = sorted((*sub, *free))
            if not allowed:
                continue
            w = m.var(n)
            members.append(w)
            z: dict[tuple[int, int], int] = {}
            for s in allowed:
                spec = sources[s]
                for t in range(spec.first_month, spec.last_month + 1):
                    v = m.var(n)
                    z[(s, t)] = v
                    obj_cover.append((v, 1.0))
                    obj_prio.append((v, float(classes.level[c])))
                    obj_narrow.append((v, float(weights[s])))
                    budget_terms[s].append((v, float(classes.cost[c, s, t])))
                spec_m = spec.max_months_per_person
                if spec_m is not None and spec_m < spec.last_month - spec.first_month + 1:
                    terms = [(z[(s, t)], 1.0) for t in range(spec.first_month, spec.last_month + 1)]
                    m.row([*terms, (w, -float(spec_m))], -np.inf, 0.0)
                if s in sub:
                    quota_terms[s].append((w, 1.0))
            # At most one source per person and month.
            for t in range(n_t):
                terms = [(z[(s, t)], 1.0) for s in allowed if (s, t) in z]
                if terms:
                    m.row([*terms, (w, -1.0)], -np.inf, 0.0)
            groups.append(_Group(cls=c, subset=sub, w=w, z=z))
        m.row([(w, 1.0) for w in members], 0.0, float(n))
    for s, spec in enumerate(sources):
        if spec.quota_persons is not None and quota_terms[s]:
            m.row(quota_terms[s], -np.inf, float(spec.quota_persons))
        if spec.budget is not None and budget_terms[s]:
            m.row(budget_terms[s], -np.inf, float(spec.budget))
    values: list[float] = []
    if not m.lb:
        return groups, np.zeros(0), values
    deadline = time.perf_counter() + time_limit
    cost_of = {v: c_ for terms in budget_terms.values() for v, c_ in terms}
    prio_of = dict(obj_prio)
    narrow_of = dict(obj_narrow)
    by_priority = sorted(prio_of, key=lambda v: (-prio_of[v], -narrow_of[v], cost_of.get(v, 0.0), v))
    by_cost = sorted(prio_of, key=lambda v: (cost_of.get(v, 0.0), -prio_of[v], -narrow_of[v], v))
    exact_path = len(m.lb) <= small_model
    info["path"] = "milp" if exact_path else "lp"
    info["proven"] = []
    info["bounds"] = []
    x = np.zeros(len(m.lb))
    for level in range(5 if exact_path else 3):
        if level == 3:
            obj_gaps, obj_enrol = _continuity_bounds(m, groups, classes, n_t)
            x = m.settle_continuous(np.concatenate([x, np.zeros(len(m.lb) - len(x))]))
        terms = [obj_cover, obj_prio, obj_narrow, obj_gaps, obj_enrol][level]
        sense = 1 if level < 3 else -1
        vec = np.zeros(len(m.lb))
        for v, c_ in terms:
            vec[v] += c_
        if not vec.any():
            values.append(0.0)
            info["proven"].append(True)
            info["bounds"].append(0.0)
            continue
        ok = False
        if exact_path:
            exact, ok = m.try_milp(vec, sense, deadline - time.perf_counter())
            if exact is not None:
                sol = m.settle_continuous(np.round(exact))
                if m.feasible(sol):
                    x = sol
            info["bounds"].append(float(np.round(vec @ x)) if ok else None)
        else:
            x_lp = m.solve_lp(vec, sense)
            bound = float(vec @ x_lp)
            info["bounds"].append(bound)
            # The integer programme restricted to the LP optimum's neighbourhood (each variable between
            # the floor and the ceiling of its LP value): tiny, since almost every LP value is integral.
            integer = np.array(m.integer, dtype=bool)
            # It also contains the incumbent (which meets the earlier levels), so it is never empty.
            lo = np.where(integer, np.minimum(np.floor(x_lp + 1e-6), x), 0.0)
            hi = np.where(integer, np.maximum(np.ceil(x_lp - 1e-6), x), np.array(m.ub))
            # A node limit, so the plan does not depend on the load; the time cap is a safety net.
            near, _ = m.try_milp(
                vec, sense, min(3.0, max(1.0, deadline - time.perf_counter())), (lo, hi), node_limit=20
            )
            for start in [np.round(near)] if near is not None else [x_lp]:
                # Coverage first fills the cheapest person-months; later levels the highest priority.
                for order in [by_cost, by_priority] if level == 0 else [by_priority]:
                    cand = _round_and_fill(m, start, groups, order, fill=True)
                    if cand is not None and float(vec @ cand) >= float(vec @ x):
                        x = cand
            # An integer point at the floor of the LP bound is optimal.
            ok = float(vec @ x) >= np.floor(bound + 1e-6) - 1e-6
        info["proven"].append(bool(ok))
        best = float(np.round(vec @ x))
        values.append(best)
        idx = np.nonzero(vec)[0]
        # Keep this level's (integral) value while optimising the next ones: half a unit of slack.
        if sense == 1:
            m.row([(int(i), float(vec[i])) for i in idx], best - 0.5, np.inf)
        else:
            m.row([(int(i), float(vec[i])) for i in idx], -np.inf, best + 0.5)
    return groups, np.round(x).astype(np.int64), values


@dataclass
class _Cohort:
    """Persons of one group with the same history so far (interchangeable)."""

    count: int
    hist: list[int]
    used: dict[int, int]

    def split(self, k: int) -> _Cohort:
        """Detach k persons into a new cohort with the same history."""
        self.count -= k
        return _Cohort(count=k, hist=list(self.hist), used=dict(self.used))


def _decompose_group(
    w: int, demand: dict[tuple[int, int], int], sources: Sequence[SourceSpec], weights: np.ndarray, n_t: int
) -> list[_Cohort]:
    """Month-by-month schedules for w interchangeable persons meeting the per-(source, month) demand.

    Greedy with the continuity preferences of objective levels 4 and 5: the same source keeps its
    persons, persons-limited sources choose first among those with the most months left, a source that
    needs persons takes first those just released by another source (a handover, no gap), then persons
    never covered, and persons in a gap only last.
    """
    cohorts = [_Cohort(count=w, hist=[], used={})]
    limits = {s: spec.max_months_per_person for s, spec in enumerate(sources)}
    srcs = sorted({s for s, _ in demand}, key=lambda s: (-weights[s], s))
    limited = [s for s in srcs if sources[s].person_limited]
    unlimited = [s for s in srcs if not sources[s].person_limited]

    def left(co: _Cohort, s: int) -> int:
        cap = limits[s]
        return n_t if cap is None else cap - co.used.get(s, 0)

    def last(co: _Cohort) -> int:
        return co.hist[-1] if co.hist else UNCOVERED

    for t in range(n_t):
        need = {s: demand.get((s, t), 0) for s in srcs}
        taken: list[tuple[_Cohort, int]] = []
        free = list(cohorts)

        def take(
            s: int,
            pool: list[_Cohort],
            need: dict[int, int],
            free: list[_Cohort],
            taken: list[Any],
            all_: list[_Cohort],
        ) -> None:
            pool = sorted((co for co in pool if left(co, s) > 0), key=lambda co: -left(co, s))
            for co in pool:
                if need[s] == 0:
                    break
                k = min(co.count, need[s])
                if k == co.count:
                    part = co
                    free.remove(co)
                else:
                    part = co.split(k)
                    all_.append(part)
                taken.append((part, s))
                need[s] -= k

        def pools(later: list[int], free: list[_Cohort]) -> list[list[_Cohort]]:
            # Persons whose source may still keep them this month are taken from only when necessary.
            released = [co for co in free if last(co) >= 0 and last(co) not in later]
            fresh = [co for co in free if not any(h >= 0 for h in co.hist)]
            kept = [co for co in free if last(co) in later]
            gap = [co for co in free if last(co) < 0 and any(h >= 0 for h in co.hist)]
            return [released, fresh, kept, gap]

        for kind, later in ((limited, unlimited), (unlimited, [])):
            for s in kind:
                take(s, [co for co in free if last(co) == s], need, free, taken, cohorts)
            for s in kind:
                for pool in pools(later, free):
                    take(s, pool, need, free, taken, cohorts)
        if any(need.values()):
            raise PlannerError("internal: could not hand out a group's coverage")
        assigned = {id(co): s for co, s in taken}
        for co in cohorts:
            s = assigned.get(id(co), UNCOVERED)
            co.hist.append(s)
            if s >= 0:
                co.used[s] = co.used.get(s, 0) + 1
        # Merge cohorts with identical state so their number stays small.
        merged: dict[tuple[Any, ...], _Cohort] = {}
        for co in cohorts:
            if co.count == 0:
                continue
            key = (tuple(co.hist), tuple(sorted(co.used.items())))
            if key in merged:
                merged[key].count += co.count
            else:
                merged[key] = co
        cohorts = list(merged.values())
    return cohorts


def _group_lower_bounds(demand: dict[tuple[int, int], int], w: int, n_t: int) -> tuple[int, int]:
    """Lower bounds on a group's gaps and enrolments for given per-(source, month) counts."""
    srcs = sorted({s for s, _ in demand})
    cover = [sum(demand.get((s, t), 0) for s in srcs) for t in range(n_t)]
    blocks = sum(max(0, cover[t] - (cover[t - 1] if t else 0)) for t in range(n_t))
    enrol = 0
    for s in srcs:
        prev = 0
        for t in range(n_t):
            cur = demand.get((s, t), 0)
            enrol += max(0, cur - prev)
            prev = cur
    return max(0, blocks - w), enrol


def _cohort_score(cohorts: list[_Cohort]) -> tuple[int, int]:
    """Gaps and enrolments of a list of cohorts."""
    gaps = enrol = 0
    for co in cohorts:
        prev = UNCOVERED
        seen = False
        for h in co.hist:
            if h >= 0 and h != prev:
                enrol += co.count
            if h >= 0 and prev < 0 and seen:
                gaps += co.count
            seen = seen or h >= 0
            prev = h
    return gaps, enrol


def _decompose_exact(
    w: int, demand: dict[tuple[int, int], int], sources: Sequence[SourceSpec], n_t: int, time_limit: float
) -> list[_Cohort]:
    """The group's schedules with the fewest gaps, then enrolments: an integer flow over person states.

    A state after month t is (paying source or none, months used of each months-limited source, whether
    the person was covered before); a person is a path through the months, so the flow's paths are the
    schedules and gaps and enrolments are sums over arcs.
    """
    srcs = sorted({s for s, _ in demand})
    capped = [s for s in srcs if sources[s].max_months_per_person is not None]
    State = tuple[int, tuple[int, ...], bool]
    start: State = (UNCOVERED, tuple(0 for _ in capped), False)
    layers: list[dict[State, int]] = [{start: 0}]
    arcs: list[tuple[int, State, State, int]] = []  # (month, from, to, variable)
    m = _Model()
    for t in range(n_t):
        nxt: dict[State, int] = {}
        for st in layers[-1]:
            _cur, used, seen = st
            options = [UNCOVERED] + [s for s in srcs if (s, t) in demand]
            for s in options:
                if s in capped:
                    k = capped.index(s)
                    if used[k] >= int(sources[s].max_months_per_person or 0):
                        continue
                    new_used = tuple(u + (1 if i == k else 0) for i, u in enumerate(used))
                else:
                    new_used = used
                to: State = (s, new_used, seen or s >= 0)
                nxt.setdefault(to, 0)
                arcs.append((t, st, to, m.var(w)))
        layers.append(nxt)
    # Conservation: what enters a state leaves it the next month.
    into: dict[tuple[int, State], list[int]] = {}
    out: dict[tuple[int, State], list[int]] = {}
    for t, a, b, v in arcs:
        out.setdefault((t, a), []).append(v)
        into.setdefault((t + 1, b), []).append(v)
    m.row([(v, 1.0) for v in out[(0, start)]], float(w), float(w))
    for (t, st), vs in into.items():
        if t < n_t:
            m.row([(v, 1.0) for v in vs] + [(v, -1.0) for v in out.get((t, st), [])], 0.0, 0.0)
    for (s, t), d in demand.items():
        m.row([(v, 1.0) for tt, _a, b, v in arcs if tt == t and b[0] == s], float(d), float(d))
    vec = np.zeros(len(m.lb))
    big = float(w * n_t + 1)
    for _t, a, b, v in arcs:
        if b[0] >= 0 and b[0] != a[0]:
            vec[v] += 1.0
        if b[0] >= 0 and a[0] < 0 and a[2]:
            vec[v] += big
    x = np.round(m.solve(vec, -1, time_limit)).astype(np.int64)
    # Decompose the flow into paths: peel cohorts off month by month.
    flow: dict[tuple[int, State], list[list[int]]] = {}
    for t, a, b, v in arcs:
        if x[v] > 0:
            flow.setdefault((t, a), []).append([int(x[v]), b[0], v])
    cohorts: list[_Cohort] = []

    def walk(t: int, st: State, count: int, hist: list[int]) -> None:
        if t == n_t:
            cohorts.append(_Cohort(count=count, hist=hist, used={}))
            return
        for item in flow.get((t, st), []):
            if count == 0:
                break
            k = min(count, item[0])
            if k == 0:
                continue
            item[0] -= k
            count -= k
            target = next(b for tt, a, b, v in arcs if v == item[2])
            walk(t + 1, target, k, [*hist, item[1]])

    walk(0, start, w, [])
    for co in cohorts:
        for h in co.hist:
            if h >= 0:
                co.used[h] = co.used.get(h, 0) + 1
    return cohorts
