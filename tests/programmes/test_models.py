"""Programmes and funding sources: validation, the change log and the registry's person frame."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jaring.imports.models import Batch, ReviewStatus
from jaring.programmes import services
from jaring.programmes.models import FundingSource, ProgrammeChange
from tests.programmes.factories import make_programme, make_source
from tests.registry.factories import make_person


def test_saving_a_source_with_a_bad_rule_is_refused_with_the_position(world: Any) -> None:
    programme = make_programme(world)
    source = FundingSource(
        programme=programme,
        slug="x",
        name="X",
        kind="csr",
        rule="age >= 18 and job == 'x'",
        first_month=dt.date(2025, 7, 1),
        last_month=dt.date(2025, 9, 1),
    )
    with pytest.raises(ValidationError) as info:
        source.full_clean()
    message = info.value.message_dict["rule"][0]
    assert "kolom 15" in message and "column 15" in message and "job" in message


def test_an_unknown_occupation_slug_is_refused(world: Any) -> None:
    source = make_source(make_programme(world))
    source.rule = 'occupation in ["tobacco_farmer", "nelayan"]'
    with pytest.raises(ValidationError) as info:
        source.full_clean()
    assert "'nelayan'" in info.value.message_dict["rule"][0]


def test_a_source_must_lie_within_the_programme_and_months_are_first_days(world: Any) -> None:
    programme = make_programme(world)
    source = FundingSource(
        programme=programme,
        slug="late",
        name="Late",
        kind="apbd",
        first_month=dt.date(2025, 9, 15),
        last_month=dt.date(2026, 3, 1),
    )
    with pytest.raises(ValidationError) as info:
        source.full_clean()
    assert "first_month" in info.value.message_dict
    source.last_month = dt.date(2025, 12, 31)
    source.full_clean()
    source.save()
    assert (source.first_month, source.last_month) == (dt.date(2025, 9, 1), dt.date(2025, 12, 1))
    assert [m.month for m in source.months()] == [9, 10, 11, 12]


def test_every_change_is_logged_with_who_and_before_after(world: Any, programme_officer: Any) -> None:
    programme = make_programme(world)
    source = FundingSource(
        programme=programme,
        slug="csr",
        name="CSR",
        kind="csr",
        first_month=dt.date(2025, 7, 1),
        last_month=dt.date(2025, 9, 1),
        quota_persons=50,
    )
    services.save_logged(source, actor=programme_officer, via="web")
    services.update_fields(source, {"quota_persons": 40}, actor=programme_officer, via="api")
    services.delete_logged(source, actor=programme_officer, via="web")
    log = list(ProgrammeChange.objects.filter(model="fundingsource").order_by("id"))
    assert [c.action for c in log] == ["create", "update", "delete"]
    assert all(c.actor == programme_officer and c.programme_id == programme.pk for c in log)
    changed = {f for f, _b, _a in log[1].changed_fields()}
    assert ("quota_persons", 50, 40) in log[1].changed_fields()
    assert changed == {"quota_persons", "updated_at"}
    assert log[2].before["quota_persons"] == 40 and log[2].after is None
    assert [c.action for c in services.changes_of(programme)] == ["delete", "update", "create"]


def test_the_person_frame_holds_approved_persons_only_with_their_age_on_the_day(world: Any) -> None:
    programme = make_programme(world)
    approved = Batch.objects.create(
        village=world.leran, filename="a.csv", content_hash="a" * 64, review_status=ReviewStatus.APPROVED
    )
    pending = Batch.objects.create(village=world.leran, filename="b.csv", content_hash="b" * 64)
    from jaring.registry.models import OccupationCategory

    farmer = OccupationCategory.objects.get(slug="tobacco_farmer")
    make_person(
        world.leran, "Siti", sex="P", batch=approved, occupation=farmer, birth_date=dt.date(2000, 8, 1)
    )
    make_person(world.gumeno, "Budi", batch=pending, occupation=farmer)
    frame = services.person_frame(services.programme_persons(programme), programme.first_month)
    assert frame.height == 1
    assert frame["age"].to_list() == [24] and frame["occupation"].to_list() == ["tobacco_farmer"]
    assert frame["village"].to_list() == ["35.25.10.2010"] and frame["district"].to_list() == ["35.25.10"]


def test_programmes_are_read_by_staff_and_edited_by_officers_only(
    world: Any, programme_officer: Any, sponsor: Any, leran_operator: Any, auditor: Any
) -> None:
    programme = make_programme(world)
    assert list(services.programmes_for(auditor)) == [programme]
    assert list(services.programmes_for(sponsor)) == [programme]
    assert list(services.programmes_for(leran_operator)) == []
    services.check_can_edit(programme_officer, programme)
    for user in (sponsor, auditor, leran_operator):
        with pytest.raises(PermissionDenied):
            services.check_can_edit(user, programme)


def test_planner_inputs_hold_eligibility_and_the_discounted_cost_per_person_month(world: Any) -> None:
    from jaring.registry.models import OccupationCategory

    programme = make_programme(world, first_month=dt.date(2026, 1, 1), last_month=dt.date(2026, 6, 1))
    make_source(programme, "csr", name="CSR", kind="csr", rule="")
    make_source(
        programme, "apbd", name="APBD", kind="apbd", rule="age >= 18", first_month=dt.date(2026, 3, 1)
    )
    batch = Batch.objects.create(
        village=world.leran, filename="a.csv", content_hash="a" * 64, review_status=ReviewStatus.APPROVED
    )
    ojek = OccupationCategory.objects.get(slug="ojek_driver")
    fisher = OccupationCategory.objects.get(slug="fisherman")
    a = make_person(world.leran, "Ojek", batch=batch, occupation=ojek)
    b = make_person(world.leran, "Muda", batch=batch, occupation=fisher, birth_date=dt.date(2010, 1, 1))
    inputs = services.planner_inputs(programme)
    assert inputs.months == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert [s["key"] for s in inputs.sources] == ["csr", "apbd"]
    assert inputs.sources[1]["first_month"] == 2 and inputs.sources[1]["last_month"] == 5
    assert list(inputs.person_ids) == sorted([a.pk, b.pk])
    row = {pid: i for i, pid in enumerate(inputs.person_ids)}
    assert inputs.eligible[row[a.pk]].tolist() == [True, True]
    assert inputs.eligible[row[b.pk]].tolist() == [True, False]
    # The ojek driver's CSR premium is halved from January 2026, the fisherman's from April; APBD never.
    assert inputs.cost[row[a.pk], 0].tolist() == [8400] * 6
    assert inputs.cost[row[b.pk], 0].tolist() == [16800] * 3 + [8400] * 3
    assert inputs.cost[:, 1].tolist() == [[16800] * 6] * 2
    reasons = inputs.reasons([row[b.pk]])
    assert reasons["apbd"].filter(pl.col("id") == b.pk)["reason_en"].item() == "age 16 is below 18 (APBD)"
    assert reasons["csr"]["reason_en"].to_list() == [None]
    assert all(r.height == 0 for r in inputs.reasons().values())  # everyone is eligible somewhere


def test_a_programme_declared_income_prices_everyone_at_that_bracket(world: Any) -> None:
    programme = make_programme(world, declared_income=1_000_000)
    make_source(programme, "apbd", name="APBD", kind="apbd", rule="")
    batch = Batch.objects.create(
        village=world.leran, filename="a.csv", content_hash="a" * 64, review_status=ReviewStatus.APPROVED
    )
    make_person(world.leran, "Kaya", batch=batch, monthly_income=5_000_000)
    assert services.planner_inputs(programme).cost[0, 0].tolist() == [16_800] * 6
    programme.declared_income = None
    programme.save()
    # Rp5,000,000 falls in the bracket up to Rp5,100,000: JKK Rp51,000.
    assert services.planner_inputs(programme).cost[0, 0].tolist() == [51_000 + 6_800] * 6


def test_the_person_frame_matches_the_orm_rows_on_every_database(world: Any) -> None:
    from jaring.planning.rules import frame_from_rows
    from jaring.registry.models import OccupationCategory, Person

    batch = Batch.objects.create(
        village=world.leran, filename="a.csv", content_hash="a" * 64, review_status=ReviewStatus.APPROVED
    )
    fisher = OccupationCategory.objects.get(slug="fisherman")
    make_person(
        world.leran,
        'Siti, "Ibu"',
        sex="P",
        batch=batch,
        occupation=fisher,
        monthly_income=1_250_000,
        dependants=3,
        has_disability=True,
        employment_status="employee",
        kbji_code="6221",
    )
    make_person(
        world.gumeno, "Tanpa Data", batch=batch, birth_date=None, nik="3525100101859999", bpjs_status="active"
    )
    on = dt.date(2025, 7, 1)
    frame = services.person_frame(Person.objects.all(), on)
    rows = list(Person.objects.order_by("id").values_list(*services.FRAME_COLUMNS))
    assert frame.equals(frame_from_rows(rows, on))
    assert frame["has_disability"].to_list() == [True, False]
    assert frame["age"].to_list() == [40, None] and frame["is_informal"].to_list() == [False, None]
    assert services.person_frame(Person.objects.none(), on).height == 0
