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

    monkeypatch.setattr("jaring.dedup.services.linkage", lambda: SimpleNamespace(find_duplicates=broken))
    out = demo.seed_demo(SimpleNamespace(world=world), lambda _m: None)
    assert out["failed"] is True and DedupRun.objects.get().status == "failed"
