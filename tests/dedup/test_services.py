"""Runs, merges, undo, "different people" memory and their rules (with the fake engine)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from jaring.dedup import services
from jaring.dedup.models import CandidatePair, Decision, PairDecision, PairStatus, RunStatus
from jaring.dedup.records import RECORD_SCHEMA, registry_frame
from jaring.registry.models import ChangeAction, Person, PersonChange
from jaring.registry.services import StaleVersion
from tests.registry.factories import make_person


def _run(user: Any = None, threshold: float = 0.9) -> services.RunOutcome:
    run = services.create_run(area=None, threshold=threshold, user=user)
    return services.run_dedup(run)


def test_the_registry_frame_has_the_engine_schema_and_leaves_merged_persons_out(world, twins) -> None:
    a, b = twins
    other = make_person(world.leran, "Budi Santoso")
    Person.objects.filter(pk=other.pk).update(merged_into=a)
    frame = registry_frame(Person.objects.all())
    assert frame.schema == pl.Schema(RECORD_SCHEMA)
    assert frame.get_column("id").to_list() == sorted([a.pk, b.pk])
    row = frame.filter(pl.col("id") == b.pk).row(0, named=True)
    assert row["village_code"] == world.gumeno.code and row["kk"] == "3525100101019999"
    assert row["birth_date"] == dt.date(1990, 5, 17)
    assert frame.filter(pl.col("id") == a.pk).get_column("kk").to_list() == [None]


def test_a_run_puts_pairs_in_the_queue_with_counts_and_niks(world, twins, fake_engine, data_steward) -> None:
    a, b = twins
    make_person(world.leran, "Budi Santoso")
    outcome = _run(data_steward)
    run = outcome.run
    assert (
        run.status == RunStatus.DONE and run.records == 3 and run.pairs_found == 1 and run.clusters_found == 1
    )
    assert run.created_by == data_steward and run.finished_at is not None and run.progress == 1.0
    assert outcome.as_json()["pairs"] == [{"a": a.nik, "b": b.nik, "probability": 0.97}]
    assert outcome.as_json()["clusters"] == [[a.nik, b.nik]]
    pair = CandidatePair.objects.get()
    assert (pair.person_a_id, pair.person_b_id, pair.status) == (a.pk, b.pk, PairStatus.OPEN)
    assert pair.cluster == 1


def test_a_second_run_replaces_open_pairs_and_keeps_decided_ones(
    world, twins, leran_twins, fake_engine
) -> None:
    _run()
    assert CandidatePair.objects.count() == 2
    decided = CandidatePair.objects.get(person_a=leran_twins[0])
    services.mark_distinct(decided, actor=None)
    _run()
    assert CandidatePair.objects.filter(status=PairStatus.OPEN).count() == 1
    assert CandidatePair.objects.get(pk=decided.pk).status == PairStatus.DISTINCT
    assert CandidatePair.objects.count() == 2


def test_different_people_are_remembered_and_never_proposed_again(
    world, twins, fake_engine, bps_reviewer
) -> None:
    _run()
    pair = CandidatePair.objects.get()
    decision = services.mark_distinct(pair, actor=bps_reviewer)
    assert decision.decided_by == bps_reviewer and decision.decision == Decision.DISTINCT
    CandidatePair.objects.all().delete()  # even without the old pair row, the memory holds
    outcome = _run()
    excluded = fake_engine.calls[-1]["exclude_pairs"]
    assert excluded.rows() == [(twins[0].pk, twins[1].pk)]
    assert outcome.pairs == [] and not CandidatePair.objects.exists()


def test_a_merge_gives_the_survivor_the_chosen_values_and_keeps_the_other_record(
    world, twins, fake_engine, bps_reviewer
) -> None:
    a, b = twins
    _run()
    pair = CandidatePair.objects.get()
    decision = services.merge_pair(
        pair,
        actor=bps_reviewer,
        choices={"nik": "a", "phone": "b", "kk": "b", "full_name": "a"},
        versions=(1, 1),
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.phone == "+6281234500002" and a.kk == "3525100101019999" and a.full_name == "Siti Djuwariyah"
    assert a.village == world.leran and a.version == 2
    assert b.merged_into == a and b.version == 2 and b.phone == "+6281234500002"
    assert set(Person.objects.current()) == {a}
    changes = PersonChange.objects.filter(action=ChangeAction.MERGE)
    assert {c.person_id for c in changes} == {a.pk, b.pk}
    survivor_change = changes.get(person_id=a.pk)
    assert survivor_change.before is not None and survivor_change.after is not None
    assert survivor_change.actor == bps_reviewer
    assert (
        survivor_change.before["phone"] == "+6281234500001"
        and survivor_change.after["phone"] == "+6281234500002"
    )
    assert (changes.get(person_id=b.pk).after or {})["merged_into_id"] == a.pk
    assert decision.survivor_id == a.pk and decision.merged_id == b.pk
    assert CandidatePair.objects.get().status == PairStatus.MERGED


def test_choosing_the_other_nik_makes_the_other_record_survive(world, twins, fake_engine) -> None:
    a, b = twins
    _run()
    services.merge_pair(CandidatePair.objects.get(), actor=None, choices={"nik": "b", "village": "a"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.merged_into == b and b.merged_into is None
    assert b.village == world.leran and b.full_name == "Siti Juwariyah"


def test_undo_restores_both_records_exactly_and_reopens_the_pair(
    world, twins, fake_engine, data_steward
) -> None:
    a, b = twins
    before = {p.pk: p.snapshot() for p in (a, b)}
    _run()
    pair = CandidatePair.objects.get()
    services.merge_pair(pair, actor=data_steward, choices={"phone": "b", "village": "b", "kk": "b"})
    services.undo_decision(pair, actor=data_steward)
    for p in (a, b):
        p.refresh_from_db()
        assert p.snapshot() == before[p.pk]
        assert p.merged_into is None and p.version == 3
    assert CandidatePair.objects.get().status == PairStatus.OPEN
    decision = PairDecision.objects.get()
    assert decision.undone_by == data_steward and decision.undone_at is not None
    assert PersonChange.objects.filter(request_id=f"dedup-undo-{decision.pk}").count() == 2
    # Undone: a new run proposes the pair again, and it can be merged again.
    services.merge_pair(CandidatePair.objects.get(), actor=data_steward)
    assert Person.objects.current().count() == 1


def test_undo_refuses_when_a_record_changed_after_the_merge(world, twins, fake_engine) -> None:
    a, _b = twins
    _run()
    pair = CandidatePair.objects.get()
    services.merge_pair(pair, actor=None)
    Person.objects.filter(pk=a.pk).update(version=7, address="Jl. Baru 1")
    with pytest.raises(StaleVersion):
        services.undo_decision(pair, actor=None)
    assert Person.objects.get(pk=a.pk).address == "Jl. Baru 1"


def test_a_merge_with_a_stale_version_changes_nothing(world, twins, fake_engine) -> None:
    _run()
    pair = CandidatePair.objects.get()
    with pytest.raises(StaleVersion):
        services.merge_pair(pair, actor=None, versions=(1, 5))
    assert Person.objects.current().count() == 2 and not PersonChange.objects.exists()
    assert CandidatePair.objects.get().status == PairStatus.OPEN


def test_a_decided_pair_cannot_be_decided_again(world, twins, fake_engine) -> None:
    _run()
    pair = CandidatePair.objects.get()
    services.mark_distinct(pair, actor=None)
    with pytest.raises(services.DedupError):
        services.merge_pair(pair, actor=None)
    with pytest.raises(services.DedupError):
        services.mark_distinct(pair, actor=None)


def test_village_operators_programme_officers_and_sponsors_do_not_decide(
    world, leran_twins, fake_engine, leran_operator, programme_officer, sponsor, gumeno_operator
) -> None:
    _run()
    pair = CandidatePair.objects.get()
    for user in (leran_operator, programme_officer, sponsor, gumeno_operator):
        with pytest.raises(PermissionDenied):
            services.merge_pair(pair, actor=user)
        with pytest.raises(PermissionDenied):
            services.mark_distinct(pair, actor=user)
    assert CandidatePair.objects.get().status == PairStatus.OPEN


def test_pairs_are_visible_only_when_both_persons_are_in_scope(
    world, twins, leran_twins, fake_engine, leran_operator, bps_reviewer, sponsor
) -> None:
    from jaring.accounts.scope import scope_for

    _run()
    assert services.pairs_for(scope_for(bps_reviewer)).count() == 2
    leran_pairs = services.pairs_for(scope_for(leran_operator))
    assert [p.person_a_id for p in leran_pairs] == [leran_twins[0].pk]
    assert not services.pairs_for(scope_for(sponsor)).exists()


def test_a_failed_engine_marks_the_run_failed(world, twins, monkeypatch) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("out of memory")

    monkeypatch.setattr(
        "jaring.dedup.services.runs.linkage", lambda: type("E", (), {"find_duplicates": broken})
    )
    run = services.create_run(area=None, threshold=0.9, user=None)
    with pytest.raises(RuntimeError):
        services.run_dedup(run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "out of memory" in run.error_message


def test_a_run_over_an_area_compares_only_its_persons(world, twins, leran_twins, fake_engine) -> None:
    run = services.create_run(area=world.leran, threshold=0.9, user=None)
    outcome = services.run_dedup(run)
    assert outcome.records == 3  # Siti of Leran and the two Ahmads; Siti of Gumeno stays out
    assert set(fake_engine.calls[-1]["records"].get_column("village_code")) == {world.leran.code}
