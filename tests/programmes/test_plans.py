"""Stored plans: arrays kept exactly, approval numbers and locks versions, every step logged."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jaring.programmes import services
from jaring.programmes.models import Plan, ProgrammeChange
from tests.programmes.factories import make_programme


def arrays(n: int = 5, t: int = 6) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    return {
        "person_ids": np.arange(100, 100 + n),
        "assignment": rng.integers(-1, 3, size=(n, t)).astype(np.int8),
        "reasons": rng.integers(0, 4, size=(n, t)).astype(np.int8),
        "months": [f"2025-{m:02d}" for m in range(7, 7 + t)],
        "sources": [{"key": "dbhcht"}, {"key": "csr"}, {"key": "apbd"}],
    }


def test_a_stored_plan_gives_its_arrays_back(world: Any, programme_officer: Any) -> None:
    data = arrays()
    plan = services.store_plan(make_programme(world), actor=programme_officer, summary={"x": 1}, **data)
    back = services.plan_arrays(Plan.objects.get(pk=plan.pk))
    for key in ("person_ids", "assignment", "reasons"):
        assert np.array_equal(back[key], data[key])
    assert plan.persons == 5 and plan.created_by == programme_officer
    with pytest.raises(ValueError):
        services.store_plan(plan.programme, **(data | {"months": ["2025-07"]}))


def test_approval_numbers_versions_locks_them_and_is_logged(world: Any, programme_officer: Any) -> None:
    programme = make_programme(world)
    first = services.store_plan(programme, actor=programme_officer, **arrays())
    second = services.store_plan(programme, actor=programme_officer, **arrays())
    assert services.approve_plan(first, actor=programme_officer).version == 1
    assert services.approve_plan(second, actor=programme_officer).version == 2
    with pytest.raises(services.PlanLocked):
        services.approve_plan(first, actor=programme_officer)
    with pytest.raises(services.PlanLocked):
        services.delete_plan(Plan.objects.get(pk=first.pk), actor=programme_officer)
    assert [p.version for p in services.approved_plans(programme)] == [2, 1]
    approvals = ProgrammeChange.objects.filter(model="plan", action="approve")
    assert approvals.count() == 2 and all(a.actor == programme_officer for a in approvals)


def test_a_what_if_is_never_approved_and_can_be_deleted(world: Any, programme_officer: Any) -> None:
    programme = make_programme(world)
    base = services.store_plan(programme, **arrays())
    what_if = services.store_plan(
        programme, kind="what_if", base=base, overrides={"apbd": {"budget_rupiah": 1}}, **arrays()
    )
    with pytest.raises(PermissionDenied, match="what-if"):
        services.approve_plan(what_if, actor=programme_officer)
    services.delete_plan(what_if, actor=programme_officer)
    assert not Plan.objects.filter(pk=what_if.pk).exists()
    assert ProgrammeChange.objects.filter(model="plan", action="delete").count() == 1


def test_priority_criteria_are_checked(world: Any) -> None:
    programme = make_programme(world)
    programme.priority_criteria = [{"column": "monthly_income", "points": 3, "at_most": 1_000_000}]
    programme.full_clean()
    for bad in (
        {"x": 1},
        [{"column": "nik", "points": 1}],
        [{"column": "age", "points": "a lot"}],
        [{"column": "age", "points": 1, "at_least": "55"}],
        [{"column": "age", "points": 1, "weight": 2}],
    ):
        programme.priority_criteria = bad
        with pytest.raises(ValidationError) as info:
            programme.full_clean()
        assert "priority_criteria" in info.value.message_dict
