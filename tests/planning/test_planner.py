"""The coverage planner (a pure library): optimality against the exact MILP, fairness, reasons, scenario."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from jaring.planning import planner
from jaring.planning.milp import random_instance, solve_exact
from jaring.planning.planner import (
    CAPACITY,
    LIMIT_BUDGET,
    LIMIT_MONTHS,
    LIMIT_QUOTA,
    NO_SOURCE_IN_MONTH,
    NOT_ELIGIBLE,
    Criterion,
    PlannerError,
    SourceSpec,
    check_feasible,
    plan,
)

SEEDS = range(40)


def _exact(inst: dict[str, Any]) -> tuple[planner.Objective, np.ndarray]:
    return solve_exact(
        priority=inst["priority"],
        eligible=inst["eligible"],
        cost=inst["cost"],
        sources=inst["sources"],
        n_months=len(inst["months"]),
    )


def _source(key: str, kind: str, first: int, last: int, **limits: Any) -> SourceSpec:
    return SourceSpec(key=key, name=key.upper(), kind=kind, first_month=first, last_month=last, **limits)


@pytest.fixture(scope="module")
def solved() -> list[tuple[dict[str, Any], planner.Plan, planner.Objective, np.ndarray]]:
    """Random instances with the planner's plan and the exact MILP's optimum (computed once)."""
    out = []
    for seed in SEEDS:
        inst: Any = random_instance(seed, max_persons=80)
        out.append((inst, plan(**inst), *_exact(inst)))
    return out


def test_coverage_priority_and_narrowness_equal_the_milp_optimum_on_random_instances(solved: Any) -> None:
    for inst, p, best, _ in solved:
        got = p.objective()
        assert (got.covered, got.priority, got.narrowness) == (
            best.covered,
            best.priority,
            best.narrowness,
        ), inst


def test_the_whole_objective_equals_the_milp_optimum_on_every_random_instance(solved: Any) -> None:
    for inst, p, best, _ in solved:
        assert p.objective() == best, inst  # all five levels, gaps and enrolments included
        assert p.stats["continuity"] in ("bound", "milp")  # levels 4-5 proven, not just matched
        assert p.stats["proven"] == [True] * 5


def test_a_gap_is_never_returned_where_the_milp_shows_a_gap_free_plan_of_equal_value(solved: Any) -> None:
    gap_free = 0
    for _inst, p, best, _ in solved:
        if best.gaps == 0:
            gap_free += 1
            assert p.objective().gaps == 0 and p.objective()[:3] == best[:3]
    assert gap_free >= len(solved) // 2  # the check is not vacuous


def test_the_exact_continuity_stage_fixes_what_the_schedules_miss(solved: Any) -> None:
    # Both proofs of levels 4-5 occur: schedules at the class-level bounds, and the person-level MILP.
    assert {p.stats["continuity"] for _inst, p, _best, _ in solved} == {"bound", "milp"}
    inst: Any = random_instance(143)  # schedules alone: 7 gaps where a gap-free plan exists
    alone = plan(**inst, exact_continuity_up_to=0)
    exact = plan(**inst)
    best = _exact(inst)[0]
    assert alone.stats["continuity"] == "heuristic" and alone.stats["proven"][3:] == [False, False]
    assert alone.objective()[:3] == exact.objective()[:3] == best[:3]
    assert alone.objective().key() <= exact.objective().key()
    assert exact.objective() == best and best.gaps == 0


def test_schedules_that_reach_the_class_level_bounds_are_proven_optimal(solved: Any) -> None:
    # Without the person-level stage, a plan is claimed optimal on levels 4-5 only at the bounds.
    stages = []
    for inst, _p, best, _ in solved[:12]:
        p = plan(**inst, exact_continuity_up_to=0)
        stages.append(p.stats["continuity"])
        assert p.objective()[:3] == best[:3]
        if p.stats["continuity"] == "bound":
            assert p.objective() == best and p.stats["proven"] == [True] * 5
        else:
            assert p.stats["continuity"] == "heuristic" and p.stats["proven"][3:] == [False, False]
    assert "bound" in stages


def test_a_few_hundred_persons_reach_the_milp_optimum_on_all_five_levels() -> None:
    # Seeds drawing 150-220 persons, 1-3 sources, 3-10 months (the exact MILP takes a few seconds).
    for seed in (1002, 1004, 1006):
        inst: Any = random_instance(seed, max_persons=300, max_sources=6, max_months=12)
        p = plan(**inst)
        assert len(inst["person_ids"]) >= 150
        assert p.objective() == _exact(inst)[0], seed
        assert not p.waste().any()


def test_the_milp_solutions_are_feasible_and_score_what_they_claim(solved: Any) -> None:
    for inst, _p, best, assignment in solved:
        assert check_feasible(assignment, inst["eligible"], inst["cost"], inst["sources"]) == []
        assert (
            planner.evaluate(assignment, inst["priority"], inst["eligible"], inst["cost"], inst["sources"])
            == best
        )


def test_no_person_month_is_wasted_and_every_uncovered_one_has_a_reason(solved: Any) -> None:
    for inst, p, _best, _ in solved:
        assert not p.waste().any()
        assert p.stats["path"] == "milp" and p.stats["waste_filled"] == 0  # the exact solve left none
        uncovered = p.assignment < 0
        assert ((p.reasons > 0) == uncovered).all()
        assert (p.reasons[~inst["eligible"].any(axis=1)] == NOT_ELIGIBLE)[
            uncovered[~inst["eligible"].any(axis=1)]
        ].all()
        for i, t in zip(*np.nonzero(p.reasons == CAPACITY), strict=True):
            details = p.capacity_details(int(i), int(t))
            assert details and all(d["limits"] for d in details), (i, t, details)
        for i, t in zip(*np.nonzero(p.reasons == NO_SOURCE_IN_MONTH), strict=True):
            assert inst["eligible"][i].any() and p.capacity_details(int(i), int(t)) == []


def test_the_lp_path_gives_feasible_waste_free_plans_and_says_whether_they_are_proven(solved: Any) -> None:
    for inst, _p, best, _ in solved[:15]:
        p = plan(**inst, exact_up_to=0)
        got = p.objective()
        assert p.stats["path"] == "lp"
        assert not p.waste().any()
        assert got.key() <= best.key()
        for level, proven in enumerate(p.stats["proven"]):
            if proven:
                assert got[level] == best[level] or any(got[k] != best[k] for k in range(level)), (
                    "a level claimed proven must be optimal once the earlier levels are"
                )


def test_a_gap_is_never_left_where_the_same_person_could_be_covered_continuously() -> None:
    # Source A pays July-August, B from September: the same two persons continue, no gap.
    inst: Any = {
        "person_ids": np.array([1, 2, 3, 4]),
        "priority": np.array([1, 1, 1, 1]),
        "eligible": np.array([[True, True]] * 4),
        "cost": np.full((4, 2, 4), 16_800),
        "sources": [
            _source("a", "csr", 0, 1, quota_persons=2),
            _source("b", "apbd", 2, 3, budget=2 * 2 * 16_800),
        ],
        "months": ["2025-07", "2025-08", "2025-09", "2025-10"],
    }
    p = plan(**inst)
    assert p.objective().gaps == 0
    covered = np.nonzero((p.assignment >= 0).any(axis=1))[0]
    assert len(covered) == 2  # the two persons keep coverage (fewest enrolments), nobody starts late
    assert (p.assignment[covered] >= 0).all()
    assert p.objective() == _exact(inst)[0]


def test_higher_priority_persons_are_covered_first_when_the_budget_binds() -> None:
    n = 10
    inst: Any = {
        "person_ids": np.arange(n) + 100,
        "priority": np.arange(n),  # person 109 first
        "eligible": np.ones((n, 1), dtype=bool),
        "cost": np.full((n, 1, 2), 16_800),
        "sources": [_source("apbd", "apbd", 0, 1, budget=4 * 2 * 16_800)],
        "months": ["2025-09", "2025-10"],
    }
    p = plan(**inst)
    assert sorted(p.person_ids[(p.assignment >= 0).all(axis=1)].tolist()) == [106, 107, 108, 109]
    assert p.summary()["sources"][0]["priority_cutoff"] == 6.0
    limits = p.capacity_details(0, 0)
    assert limits == [{"source": "apbd", "limits": [LIMIT_BUDGET], "priority_cutoff": 6.0}]


def test_a_budget_is_spent_on_the_most_person_months_even_when_premiums_differ() -> None:
    # 36,800 + 16,800 + 16,800 fits Rp70,400; the knapsack optimum covers the two cheap ones and one dear.
    inst: Any = {
        "person_ids": np.array([1, 2, 3, 4]),
        "priority": np.array([3, 2, 1, 0]),
        "eligible": np.ones((4, 1), dtype=bool),
        "cost": np.array([36_800, 36_800, 16_800, 16_800]).reshape(4, 1, 1),
        "sources": [_source("apbd", "apbd", 0, 0, budget=70_400)],
        "months": ["2025-09"],
    }
    p = plan(**inst)
    assert p.objective().covered == 3
    assert p.assignment[:, 0].tolist() == [0, -1, 0, 0]  # of the two dear ones, the higher priority


def test_the_narrow_source_pays_before_the_flexible_one() -> None:
    # Both could pay for the tobacco workers; DBHCHT (narrower) does, APBD's money is left for others.
    eligible = np.array([[True, True], [True, True], [False, True]])
    inst: Any = {
        "person_ids": np.array([1, 2, 3]),
        "priority": np.array([0, 0, 0]),
        "eligible": eligible,
        "cost": np.full((3, 2, 1), 16_800),
        "sources": [_source("dbhcht", "dbhcht", 0, 0, quota_persons=5), _source("apbd", "apbd", 0, 0)],
        "months": ["2025-09"],
    }
    p = plan(**inst)
    assert p.assignment[:, 0].tolist() == [0, 0, 1]
    assert planner.source_order(eligible, inst["cost"], inst["sources"]) == [0, 1]


def test_months_per_person_and_quota_limits_are_named_as_reasons() -> None:
    inst: Any = {
        "person_ids": np.array([1, 2, 3]),
        "priority": np.array([2, 1, 0]),
        "eligible": np.ones((3, 1), dtype=bool),
        "cost": np.full((3, 1, 4), 16_800),
        "sources": [_source("csr", "csr", 0, 3, quota_persons=2, max_months_per_person=3)],
        "months": ["2025-07", "2025-08", "2025-09", "2025-10"],
    }
    p = plan(**inst)
    assert p.objective().covered == 6
    i_limited = int(np.nonzero((p.assignment >= 0).sum(axis=1) == 3)[0][0])
    t_free = int(np.nonzero(p.assignment[i_limited] < 0)[0][0])
    assert p.capacity_details(i_limited, t_free)[0]["limits"] == [LIMIT_MONTHS]
    assert p.capacity_details(2, 0)[0]["limits"] == [LIMIT_QUOTA]


def _scenario() -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A small synthetic Gresik: 30 tobacco workers (DBHCHT quota 20), 60 Leran workers (CSR for 50),
    10 ojek drivers and 5 BPBD volunteers; July-December 2025; APBD from September."""
    groups = [("tobacco", 30, False), ("fisherman", 55, True), ("ojek", 10, False), ("bpbd", 5, False)]
    occ = np.concatenate([[g] * n for g, n, _ in groups])
    leran = np.concatenate([[lr] * n for _, n, lr in groups])
    leran[25:30] = True  # five Leran tobacco workers
    n = len(occ)
    rng = np.random.default_rng(2025)
    priority = rng.integers(0, 8, size=n)
    tobacco = occ == "tobacco"
    eligible = np.stack([tobacco, leran & ~tobacco, np.ones(n, dtype=bool)], axis=1)
    months = ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]
    # Besides DBHCHT's 20: 30 persons in September (the CSR still pays for 50), 80 from October.
    apbd_budget = (30 + 3 * 80) * 16_800
    sources = [
        _source("dbhcht", "dbhcht", 0, 5, quota_persons=20),
        _source("csr", "csr", 0, 2, quota_persons=50, max_months_per_person=3, budget=2_520_000),
        _source("apbd", "apbd", 2, 5, budget=apbd_budget),
    ]
    inst = {
        "person_ids": np.arange(n) + 1,
        "priority": priority,
        "eligible": eligible,
        "cost": np.full((n, 3, 6), 16_800),
        "sources": sources,
        "months": months,
    }
    return inst, {"occ": occ, "leran": leran}


def test_the_reference_scenario_comes_out_right() -> None:
    inst, facts = _scenario()
    p = plan(**inst)
    a = p.assignment
    occ = facts["occ"]
    summary = {s["key"]: s for s in p.summary()["sources"]}
    # DBHCHT covers tobacco workers only, up to its quota, all six months.
    dbhcht = (a == 0).any(axis=1)
    assert dbhcht.sum() == 20 and set(occ[dbhcht]) == {"tobacco"}
    assert (a[dbhcht] == 0).all()
    # the highest-priority tobacco workers
    tob = np.nonzero(occ == "tobacco")[0]
    assert inst["priority"][dbhcht].min() >= inst["priority"][tob[~dbhcht[tob]]].max()
    # fishermen, ojek drivers and BPBD volunteers are not eligible for DBHCHT
    for who in ("fisherman", "ojek", "bpbd"):
        i = int(np.nonzero(occ == who)[0][0])
        assert "dbhcht" not in [d["source"] for d in p.capacity_details(i, 0)]
        assert not inst["eligible"][i, 0]
    # The CSR pays for 50 Leran workers, July-September, Rp16,800 a month: Rp2,520,000 in all.
    csr = (a == 1).any(axis=1)
    assert csr.sum() == 50 and facts["leran"][csr].all()
    assert (a[csr][:, :3] == 1).all()
    assert summary["csr"]["cost"] == 2_520_000
    # APBD covers the rest from September - the CSR's 50 from October, handed over with no gap.
    assert (a[csr][:, 3:] == 2).all()
    rest = ~dbhcht & ~csr
    assert (a[rest][:, 2:] == 2).all() and (a[rest][:, :2] == -1).all()
    assert summary["apbd"]["cost"] <= inst["sources"][2].budget
    assert summary["apbd"]["remaining_budget"] == 0
    assert p.objective().gaps == 0
    # Before September the rest have a reason: capacity (CSR quota) in Leran, no source elsewhere.
    for i in np.nonzero(rest)[0]:
        # Leran fishermen beyond the CSR's 50 and tobacco workers beyond DBHCHT's quota: capacity.
        expected = CAPACITY if occ[i] in ("fisherman", "tobacco") else NO_SOURCE_IN_MONTH
        assert p.reasons[i, 0] == expected
    assert p.objective() == _exact(inst)[0]


def test_the_plan_as_a_long_frame() -> None:
    inst, _ = _scenario()
    frame = plan(**inst).to_frame()
    assert frame.columns == ["person_id", "month", "source", "reason"]
    assert frame.height == len(inst["person_ids"]) * 6
    first = frame.filter(pl.col("month") == "2025-07")
    assert set(first["source"].drop_nulls()) == {"dbhcht", "csr"}
    assert set(first["reason"].drop_nulls()) == {"CAPACITY", "NO_SOURCE_IN_MONTH"}
    assert frame.filter(pl.col("source").is_null() == pl.col("reason").is_null()).height == 0


def test_the_capacity_frame_lists_what_capacity_details_says() -> None:
    inst, _ = _scenario()
    p = plan(**inst)
    frame = p.capacity_frame()
    assert frame.height > 0
    for row in frame.head(40).iter_rows(named=True):
        i = int(np.nonzero(p.person_ids == row["person_id"])[0][0])
        t = p.months.index(row["month"])
        detail = next(d for d in p.capacity_details(i, t) if d["source"] == row["source"])
        named = [k for k, flag in ((LIMIT_QUOTA, row["quota"]), (LIMIT_BUDGET, row["budget"])) if flag]
        named += [LIMIT_MONTHS] if row["months_per_person"] else []
        assert sorted(named) == sorted(detail["limits"]) and named
        assert row["priority_cutoff"] == detail["priority_cutoff"]
    # every CAPACITY person-month appears, once per eligible source paying that month
    expected = sum(
        len(p.capacity_details(int(i), int(t)))
        for i, t in zip(*np.nonzero(p.reasons == CAPACITY), strict=True)
    )
    assert frame.height == expected


def test_sources_may_be_given_as_dicts() -> None:
    inst: Any = random_instance(5)
    as_dicts = [vars(s) for s in inst["sources"]]
    assert (plan(**{**inst, "sources": as_dicts}).assignment == plan(**inst).assignment).all()


def test_the_plan_is_deterministic() -> None:
    inst: Any = random_instance(7, max_persons=80)
    assert (plan(**inst).assignment == plan(**inst).assignment).all()


def test_priority_points_follow_the_criteria() -> None:
    frame = pl.DataFrame(
        {
            "monthly_income": [800_000, 1_500_000, None],
            "dependants": [6, 1, 0],
            "has_disability": [False, True, None],
            "age": [30, 60, 40],
        }
    )
    assert planner.priority_score(frame).tolist() == [3 + 2 + 1 + 4, 2 + 1 + 1 + 3 + 2, 0]
    custom = [{"column": "dependants", "points": 2, "cap": 2}, Criterion("age", 5, at_least=55)]
    assert planner.priority_score(frame, custom).tolist() == [4, 2 + 5, 0]
    assert planner.priority_score(frame, {"dependants": 1}).tolist() == [6, 1, 0]
    with pytest.raises(PlannerError):
        planner.priority_score(frame, [Criterion("salary", 1)])


def test_bad_input_is_refused_with_a_clear_error() -> None:
    inst: Any = random_instance(1)
    with pytest.raises(PlannerError, match="eligible"):
        plan(**{**inst, "eligible": inst["eligible"][:, :0]})
    with pytest.raises(PlannerError, match="outside the plan"):
        plan(**{**inst, "sources": [_source("x", "apbd", 0, 99), *inst["sources"][1:]]})
    with pytest.raises(PlannerError, match="unknown kind"):
        plan(**{**inst, "sources": [_source("x", "bank", 0, 0), *inst["sources"][1:]]})


def test_nobody_and_no_source_give_an_empty_plan() -> None:
    p = plan(
        person_ids=np.zeros(0, dtype=np.int64),
        priority=np.zeros(0),
        eligible=np.zeros((0, 1), dtype=bool),
        cost=np.zeros((0, 1, 2), dtype=np.int64),
        sources=[_source("a", "apbd", 0, 1)],
        months=["2025-07", "2025-08"],
    )
    assert p.assignment.shape == (0, 2) and p.summary()["covered_person_months"] == 0
