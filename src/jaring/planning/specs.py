"""The planner's inputs and measures: source specs, reason and limit codes, the objective, priority."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import polars as pl

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
