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

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import LinearConstraint, linprog, milp

SOURCE_KINDS = ("dbhcht", "apbd", "apbn", "csr", "other")

# Reason codes of an uncovered person-month (stored as int8 in Plan.reasons; 0 means covered).
COVERED = 0
NOT_ELIGIBLE = 1
NO_SOURCE_IN_MONTH = 2
CAPACITY = 3
REASON_CODES: tuple[str, ...] = ("", "NOT_ELIGIBLE", "NO_SOURCE_IN_MONTH", "CAPACITY")

# Which limit of a source stops it from covering a person in a month (Plan.capacity_details).
LIMIT_QUOTA = "QUOTA"
LIMIT_BUDGET = "BUDGET"
LIMIT_MONTHS = "MONTHS_PER_PERSON"

UNCOVERED = -1

# The exact person-level second stage for levels 4-5 (gaps, enrolments) runs when the person-level
# model has at most this many binaries (eligible person x source x paying month): a few hundred
# persons, six sources, twelve months. It is given at most CONTINUITY_SECONDS.
EXACT_CONTINUITY_UP_TO = 25_000
CONTINUITY_SECONDS = 20.0


class PlannerError(Exception):
    """Bad planner input (shapes, months, limits) or an internal inconsistency."""


@dataclass(frozen=True)
class SourceSpec:
    """A funding source as the planner sees it: its period and its capacity limits (None = no limit)."""

    key: str
    name: str
    kind: str  # one of SOURCE_KINDS
    first_month: int  # index into the plan's months, inclusive
    last_month: int  # index into the plan's months, inclusive
    quota_persons: int | None = None  # distinct persons the source may cover over the whole plan
    budget: int | None = None  # Rupiah over the whole period
    max_months_per_person: int | None = None  # e.g. a sponsor paying 3 months

    def runs_in(self, month: int) -> bool:
        """Whether the source pays premiums in month index ``month``."""
        return self.first_month <= month <= self.last_month

    @property
    def person_limited(self) -> bool:
        """Whether the source limits persons (a quota or months per person), not only money."""
        return self.quota_persons is not None or self.max_months_per_person is not None


class Objective(NamedTuple):
    """The lexicographic objective of a plan, level by level (see docs/planner.md).

    Compare plans with ``key()``: a larger key is a better plan.
    """

    covered: int  # 1. covered person-months (maximised)
    priority: int  # 2. sum of covered months x the person's priority level (maximised)
    narrowness: int  # 3. sum of covered months x the paying source's narrowness weight (maximised)
    gaps: int  # 4. uncovered stretches between two covered months of a person (minimised)
    enrolments: int  # 5. source periods: maximal runs of months one source pays for a person (minimised)

    def key(self) -> tuple[int, int, int, int, int]:
        """The tuple to maximise lexicographically."""
        return (self.covered, self.priority, self.narrowness, -self.gaps, -self.enrolments)


def priority_levels(priority: np.ndarray) -> np.ndarray:
    """Dense ranks of the priority values: 1 for the lowest distinct value, L for the highest."""
    _, inverse = np.unique(np.asarray(priority), return_inverse=True)
    return (inverse.reshape(-1) + 1).astype(np.int64)


def source_order(eligible: np.ndarray, cost: np.ndarray, sources: Sequence[SourceSpec]) -> list[int]:
    """Sources from the narrowest to the most flexible: fewest eligible persons, then cheapest, then key."""
    counts = eligible.sum(axis=0)
    mean_cost = []
    for s, spec in enumerate(sources):
        sel = eligible[:, s]
        months = slice(spec.first_month, spec.last_month + 1)
        mean_cost.append(float(cost[sel, s, months].mean()) if sel.any() else 0.0)
    return sorted(range(len(sources)), key=lambda s: (int(counts[s]), mean_cost[s], sources[s].key))


def narrowness_weights(eligible: np.ndarray, cost: np.ndarray, sources: Sequence[SourceSpec]) -> np.ndarray:
    """Weight of each source in objective level 3: S for the narrowest source down to 1 for the widest."""
    order = source_order(eligible, cost, sources)
    weights = np.zeros(len(sources), dtype=np.int64)
    for rank, s in enumerate(order):
        weights[s] = len(sources) - rank
    return weights


def running_matrix(sources: Sequence[SourceSpec], n_months: int) -> np.ndarray:
    """Bool [sources, months]: whether each source pays in each month."""
    run = np.zeros((len(sources), n_months), dtype=bool)
    for s, spec in enumerate(sources):
        run[s, spec.first_month : spec.last_month + 1] = True
    return run


def evaluate(
    assignment: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    cost: np.ndarray,
    sources: Sequence[SourceSpec],
) -> Objective:
    """The objective of any assignment [persons, months] (source index or -1), by the definitions above."""
    a = np.asarray(assignment)
    covered_mask = a >= 0
    months_covered = covered_mask.sum(axis=1)
    levels = priority_levels(priority)
    weights = narrowness_weights(eligible, cost, sources)
    narrow = int(weights[a[covered_mask]].sum()) if covered_mask.any() else 0
    # A gap starts where a person is uncovered after a covered month and covered again later.
    prev = np.concatenate([np.full((a.shape[0], 1), UNCOVERED, dtype=a.dtype), a[:, :-1]], axis=1)
    block_starts = covered_mask & (prev < 0)
    gaps = int((block_starts.sum(axis=1) - (months_covered > 0)).sum())
    enrolments = int((covered_mask & (a != prev)).sum())
    return Objective(
        covered=int(months_covered.sum()),
        priority=int((months_covered * levels).sum()),
        narrowness=narrow,
        gaps=gaps,
        enrolments=enrolments,
    )


def check_feasible(
    assignment: np.ndarray, eligible: np.ndarray, cost: np.ndarray, sources: Sequence[SourceSpec]
) -> list[str]:
    """Every limit an assignment breaks, in words (an empty list for a feasible plan)."""
    a = np.asarray(assignment)
    problems: list[str] = []
    run = running_matrix(sources, a.shape[1])
    persons, months = np.nonzero(a >= 0)
    src = a[persons, months]
    if (~eligible[persons, src]).any():
        problems.append("a person is paid by a source they are not eligible for")
    if (~run[src, months]).any():
        problems.append("a source pays in a month outside its period")
    for s, spec in enumerate(sources):
        mine = a == s
        per_person = mine.sum(axis=1)
        if spec.quota_persons is not None and int((per_person > 0).sum()) > spec.quota_persons:
            problems.append(f"{spec.key}: quota exceeded")
        if (
            spec.max_months_per_person is not None
            and int(per_person.max(initial=0)) > spec.max_months_per_person
        ):
            problems.append(f"{spec.key}: months per person exceeded")
        p, t = np.nonzero(mine)
        if spec.budget is not None and int(cost[p, s, t].astype(np.int64).sum()) > spec.budget:
            problems.append(f"{spec.key}: budget exceeded")
    return problems


# --------------------------------------------------------------------------------------------------
# Priority


@dataclass(frozen=True)
class Criterion:
    """One priority criterion: points for a person attribute.

    With ``at_most`` or ``at_least`` the person gets ``points`` when the value is within the bound
    (``monthly_income <= 1_000_000``); otherwise ``points`` per unit of the value, counted up to ``cap``
    units (``dependants``, up to 4). Booleans count as 0/1; unknown values as 0.
    """

    column: str
    points: int
    at_most: float | None = None
    at_least: float | None = None
    cap: float | None = None


# Lower income, more dependants, a disability, older age: each earns points (configurable per programme).
DEFAULT_PRIORITY: tuple[Criterion, ...] = (
    Criterion("monthly_income", 3, at_most=1_000_000),
    Criterion("monthly_income", 2, at_most=2_000_000),
    Criterion("monthly_income", 1, at_most=3_000_000),
    Criterion("dependants", 1, cap=4),
    Criterion("has_disability", 3),
    Criterion("age", 2, at_least=55),
)


def priority_score(
    frame: pl.DataFrame,
    weights: Sequence[Criterion | Mapping[str, Any]] | Mapping[str, int] = DEFAULT_PRIORITY,
) -> np.ndarray:
    """Integer priority points per row of a person frame (higher = served first), vectorised in polars.

    ``weights`` is a sequence of Criterion (or of dicts with its fields, as a programme stores them),
    or a plain mapping column -> points per unit; an empty sequence means DEFAULT_PRIORITY.
    Integer points keep the number of distinct priorities, hence of planner classes, small.
    """
    criteria = (
        [Criterion(col, int(pts)) for col, pts in weights.items()]
        if isinstance(weights, Mapping)
        else [Criterion(**w) if isinstance(w, Mapping) else w for w in weights]
    ) or list(DEFAULT_PRIORITY)
    exprs: list[pl.Expr] = []
    for k, cr in enumerate(criteria):
        if cr.column not in frame.columns:
            raise PlannerError(f"priority: unknown column {cr.column!r}")
        col = pl.col(cr.column)
        if frame.schema[cr.column] == pl.Boolean:
            col = col.cast(pl.Int64)
        if cr.at_most is not None or cr.at_least is not None:
            cond = pl.lit(True)
            if cr.at_most is not None:
                cond = cond & (col <= cr.at_most)
            if cr.at_least is not None:
                cond = cond & (col >= cr.at_least)
            term = pl.when(cond.fill_null(False)).then(pl.lit(cr.points)).otherwise(pl.lit(0))
        else:
            units = col.cast(pl.Float64).fill_null(0.0)
            if cr.cap is not None:
                units = units.clip(upper_bound=cr.cap)
            term = (units * cr.points).round(0).cast(pl.Int64)
        exprs.append(term.cast(pl.Int64).alias(f"_p{k}"))
    if not exprs:
        return np.zeros(frame.height, dtype=np.int64)
    return frame.select(pl.sum_horizontal(exprs).alias("p"))["p"].to_numpy().astype(np.int64)


# --------------------------------------------------------------------------------------------------
# The plan


@dataclass
class Plan:
    """The planner's answer: a source (or none, with a reason) for every person and month."""

    person_ids: np.ndarray
    months: list[str]
    sources: list[SourceSpec]
    assignment: np.ndarray  # int8 [persons, months]: source index, -1 = uncovered
    reasons: np.ndarray  # int8 [persons, months]: index into REASON_CODES, 0 = covered
    priority: np.ndarray
    eligible: np.ndarray
    cost: np.ndarray
    stats: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def objective(self) -> Objective:
        """The lexicographic objective of this plan (see Objective)."""
        return evaluate(self.assignment, self.priority, self.eligible, self.cost, self.sources)

    def _source_usage(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per source: persons per month [S,T], cost per month [S,T], distinct persons [S]."""
        n_s, n_t = len(self.sources), len(self.months)
        persons = np.zeros((n_s, n_t), dtype=np.int64)
        spent = np.zeros((n_s, n_t), dtype=np.int64)
        distinct = np.zeros(n_s, dtype=np.int64)
        for t in range(n_t):
            col = self.assignment[:, t]
            idx = np.nonzero(col >= 0)[0]
            src = col[idx].astype(np.int64)
            persons[:, t] = np.bincount(src, minlength=n_s)
            spent[:, t] = (
                np.bincount(src, weights=self.cost[idx, src, t], minlength=n_s).round().astype(np.int64)
            )
        for s in range(n_s):
            distinct[s] = int((self.assignment == s).any(axis=1).sum())
        return persons, spent, distinct

    def summary(self) -> dict[str, Any]:
        """Persons and cost per source per month, totals, remaining capacity, and uncovered counts."""
        persons, spent, distinct = self._source_usage()
        out_sources = []
        for s, spec in enumerate(self.sources):
            total_cost = int(spent[s].sum())
            out_sources.append(
                {
                    "key": spec.key,
                    "name": spec.name,
                    "kind": spec.kind,
                    "months": {
                        m: {"persons": int(persons[s, t]), "cost": int(spent[s, t])}
                        for t, m in enumerate(self.months)
                    },
                    "persons": int(distinct[s]),
                    "person_months": int(persons[s].sum()),
                    "cost": total_cost,
                    "remaining_quota": None
                    if spec.quota_persons is None
                    else spec.quota_persons - int(distinct[s]),
                    "remaining_budget": None if spec.budget is None else spec.budget - total_cost,
                    "priority_cutoff": self.cutoff(s),
                }
            )
        uncovered_persons: dict[str, int] = {}
        uncovered_months: dict[str, int] = {}
        for code in (NOT_ELIGIBLE, NO_SOURCE_IN_MONTH, CAPACITY):
            hit = self.reasons == code
            uncovered_months[REASON_CODES[code]] = int(hit.sum())
            uncovered_persons[REASON_CODES[code]] = int(hit.any(axis=1).sum())
        return {
            "months": list(self.months),
            "sources": out_sources,
            "persons": len(self.person_ids),
            "covered_persons": int((self.assignment >= 0).any(axis=1).sum()),
            "covered_person_months": int(persons.sum()),
            "cost": int(spent.sum()),
            "uncovered_persons": uncovered_persons,
            "uncovered_person_months": uncovered_months,
        }

    def cutoff(self, source: int) -> float | None:
        """The priority cut-off of a source: the lowest priority among the persons it pays for."""
        paid = (self.assignment == source).any(axis=1)
        return float(self.priority[paid].min()) if paid.any() else None

    def _usage(self) -> list[dict[str, Any]]:
        """Per source (computed once): months used per person, distinct persons, money left, cut-off."""
        cached = self._cache.get("usage")
        if cached is not None:
            return list(cached)
        out = []
        for s, spec in enumerate(self.sources):
            mine = self.assignment == s
            used = mine.sum(axis=1)
            p, t = np.nonzero(mine)
            spent = int(self.cost[p, s, t].astype(np.int64).sum())
            paid = used > 0
            out.append(
                {
                    "used": used,
                    "quota_full": spec.quota_persons is not None and int(paid.sum()) >= spec.quota_persons,
                    "left": None if spec.budget is None else spec.budget - spent,
                    "cutoff": float(self.priority[paid].min()) if paid.any() else None,
                }
            )
        self._cache["usage"] = out
        return out

    def capacity_details(self, person: int, month: int) -> list[dict[str, Any]]:
        """For an uncovered person-month: each eligible source paying that month, the limits that stop
        it from also paying for this person, and its priority cut-off."""
        details = []
        for s, spec in enumerate(self.sources):
            if self.eligible[person, s] and spec.runs_in(month):
                limits = self._blocking_limits(person, month, s)
                details.append(
                    {"source": spec.key, "limits": limits, "priority_cutoff": self._usage()[s]["cutoff"]}
                )
        return details

    def _blocking_limits(self, person: int, month: int, s: int) -> list[str]:
        """The limits of source ``s`` that stop it from also paying for ``person`` in ``month``."""
        spec = self.sources[s]
        u = self._usage()[s]
        limits = []
        if u["quota_full"] and u["used"][person] == 0:
            limits.append(LIMIT_QUOTA)
        if spec.max_months_per_person is not None and int(u["used"][person]) >= spec.max_months_per_person:
            limits.append(LIMIT_MONTHS)
        if u["left"] is not None and u["left"] < int(self.cost[person, s, month]):
            limits.append(LIMIT_BUDGET)
        return limits

    def capacity_frame(self) -> pl.DataFrame:
        """Every CAPACITY person-month x eligible source paying that month, vectorised: person_id, month,
        source, quota / budget / months_per_person (whether that limit stops it), priority_cutoff."""
        frames = []
        for s, spec in enumerate(self.sources):
            u = self._usage()[s]
            hit = (self.reasons == CAPACITY) & self.eligible[:, s : s + 1]
            hit[:, : spec.first_month] = False
            hit[:, spec.last_month + 1 :] = False
            p, t = np.nonzero(hit)
            months_cap = spec.max_months_per_person
            frames.append(
                pl.DataFrame(
                    {
                        "person_id": self.person_ids[p],
                        "month": np.array(self.months, dtype=object)[t].astype(str),
                        "source": np.full(len(p), spec.key),
                        "quota": np.full(len(p), bool(u["quota_full"])) & (u["used"][p] == 0),
                        "budget": np.zeros(len(p), dtype=bool)
                        if u["left"] is None
                        else self.cost[p, s, t] > u["left"],
                        "months_per_person": np.zeros(len(p), dtype=bool)
                        if months_cap is None
                        else u["used"][p] >= months_cap,
                        "priority_cutoff": np.full(len(p), np.nan if u["cutoff"] is None else u["cutoff"]),
                    }
                )
            )
        if not frames:
            return pl.DataFrame()
        return pl.concat(frames).sort("person_id", "month", "source")

    def waste(self) -> np.ndarray:
        """Bool [persons, months]: uncovered person-months an eligible running source could still pay."""
        n_p, n_t = self.assignment.shape
        wasted = np.zeros((n_p, n_t), dtype=bool)
        uncovered = self.assignment < 0
        for s, spec in enumerate(self.sources):
            mine = self.assignment == s
            used = mine.sum(axis=1)
            open_ = self.eligible[:, s].copy()
            if spec.quota_persons is not None and int((used > 0).sum()) >= spec.quota_persons:
                open_ &= used > 0
            if spec.max_months_per_person is not None:
                open_ &= used < spec.max_months_per_person
            for t in range(spec.first_month, spec.last_month + 1):
                can = open_ & uncovered[:, t]
                if spec.budget is not None:
                    p, tt = np.nonzero(mine)
                    left = spec.budget - int(self.cost[p, s, tt].astype(np.int64).sum())
                    can &= self.cost[:, s, t] <= left
                wasted[:, t] |= can
        return wasted

    def to_frame(self) -> pl.DataFrame:
        """A long frame: person_id, month, source (key or null), reason (code or null)."""
        n_p, n_t = self.assignment.shape
        flat = self.assignment.reshape(-1).astype(np.int64)
        reason = self.reasons.reshape(-1).astype(np.int64)
        frame = pl.DataFrame(
            {
                "person_id": np.repeat(self.person_ids, n_t),
                "month": np.tile(np.arange(n_t), n_p),
                "s": flat,
                "r": reason,
            }
        )
        month_names = pl.Series("month", self.months, dtype=pl.Utf8)
        source_keys = pl.Series("source", [s.key for s in self.sources], dtype=pl.Utf8)
        reason_names = pl.Series("reason", list(REASON_CODES), dtype=pl.Utf8)
        return frame.select(
            "person_id",
            month_names.gather(frame["month"]).alias("month")
            if n_p
            else pl.lit(None, pl.Utf8).alias("month"),
            pl.when(pl.col("s") >= 0).then(pl.col("s")).otherwise(None).alias("s"),
            pl.when(pl.col("r") > 0).then(pl.col("r")).otherwise(None).alias("r"),
        ).select(
            "person_id",
            "month",
            pl.col("s").map_batches(lambda c: source_keys.gather(c), return_dtype=pl.Utf8).alias("source")
            if len(source_keys)
            else pl.lit(None, pl.Utf8).alias("source"),
            pl.col("r").map_batches(lambda c: reason_names.gather(c), return_dtype=pl.Utf8).alias("reason"),
        )


# --------------------------------------------------------------------------------------------------
# Input checks and classes


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


# --------------------------------------------------------------------------------------------------
# The class-level integer programme


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


# --------------------------------------------------------------------------------------------------
# From class-level counts to person-level schedules


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


# --------------------------------------------------------------------------------------------------
# The entry point


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
    from .milp import exact_continuity, person_model_size

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
