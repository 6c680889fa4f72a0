"""The demo stage of dedup: conflicts and one run, and a second demo adds nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from jaring.dedup import demo
from jaring.dedup.models import CandidatePair, DedupRun, NikConflict
from tests.dedup.test_conflicts import conflicts  # noqa: F401 - the fixture


def test_the_demo_stage_fills_the_queue_once(world, twins, conflicts, fake_engine) -> None:  # noqa: F811
    report = SimpleNamespace(world=world)
    said: list[str] = []
    first = demo.seed_demo(report, said.append)
    assert first["conflicts"] == 2 and first["pairs"] >= 1 and first["records"] >= 3
    state = (DedupRun.objects.count(), CandidatePair.objects.count(), NikConflict.objects.count())
    pair_ids = sorted(CandidatePair.objects.values_list("pk", flat=True))
    second = demo.seed_demo(report, said.append)
    assert second["conflicts_added"] == 0 and second["run"] == first["run"]
    assert (DedupRun.objects.count(), CandidatePair.objects.count(), NikConflict.objects.count()) == state
    assert sorted(CandidatePair.objects.values_list("pk", flat=True)) == pair_ids
    assert any("already ran" in line for line in said)


def test_a_failing_engine_does_not_stop_the_demo(world, twins, monkeypatch: Any) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise ValueError("math domain error")

    monkeypatch.setattr("jaring.dedup.services.runs.linkage", lambda: SimpleNamespace(find_duplicates=broken))
    out = demo.seed_demo(SimpleNamespace(world=world), lambda _m: None)
    assert out["failed"] is True and DedupRun.objects.get().status == "failed"


def test_second_registrations_are_synthetic_copies_under_a_mistyped_nik_made_once(
    world, twins, leran_twins, monkeypatch: Any
) -> None:
    from jaring.registry.models import ChangeAction, Person, PersonChange

    # Four persons with a phone (the twins, and Leran's two men given one); every second is copied.
    for i, p in enumerate(leran_twins):
        Person.objects.filter(pk=p.pk).update(phone=f"+62813000000{i}")
    monkeypatch.setattr(demo, "SECOND_REGISTRATION_EVERY", 2)
    before = {p.nik: p for p in Person.objects.all()}
    assert demo.add_second_registrations(world.regency) == 2
    copies = Person.objects.exclude(nik__in=list(before))
    assert copies.count() == 2
    for copy in copies:
        assert copy.is_synthetic
        # Its source: one serial digit off, same birth date, KK and village, the name spelt otherwise.
        assert any(
            n[:-1] == copy.nik[:-1]
            and p.birth_date == copy.birth_date
            and p.kk == copy.kk
            and p.village_id == copy.village_id
            and p.full_name != copy.full_name
            for n, p in before.items()
        )
    assert PersonChange.objects.filter(action=ChangeAction.CREATE, request_id=demo.DEMO_REQUEST).count() == 2
    assert demo.add_second_registrations(world.regency) == 0
    assert Person.objects.count() == len(before) + 2
