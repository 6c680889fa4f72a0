"""A plan as the planner returns it: assignment, summary, reasons and capacity details (frames out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from .specs import (
    CAPACITY,
    LIMIT_BUDGET,
    LIMIT_MONTHS,
    LIMIT_QUOTA,
    NO_SOURCE_IN_MONTH,
    NOT_ELIGIBLE,
    REASON_CODES,
    Objective,
    SourceSpec,
    evaluate,
)


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
