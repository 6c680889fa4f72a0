"""`jaring review`: steps from the command line and the round quality report."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jaring.collection.models import Round
from jaring.imports.models import Batch, ReviewStatus


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("review", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_submit_and_approve_from_the_command_line(leran_batch: Batch) -> None:
    run("submit", str(leran_batch.pk), "--user", "operator.leran")
    run("approve", str(leran_batch.pk), "--user", "bps.reviewer")
    assert Batch.objects.get(pk=leran_batch.pk).review_status == ReviewStatus.APPROVED
    status = json.loads(run("status", str(leran_batch.pk), "--json"))
    assert [e["action"] for e in status["events"]] == ["submit", "start", "approve"]
    assert "approve" in run("status", str(leran_batch.pk))


def test_a_refused_step_is_a_command_error(leran_batch: Batch) -> None:
    with pytest.raises(CommandError, match="not possible"):
        run("approve", str(leran_batch.pk), "--user", "bps.reviewer")
    with pytest.raises(CommandError):
        run("return", str(leran_batch.pk), "--user", "nobody")


def test_return_with_a_comment(leran_batch: Batch) -> None:
    run("submit", str(leran_batch.pk), "--user", "operator.leran")
    run("return", str(leran_batch.pk), "--user", "bps.reviewer", "--comment", "Alamat kosong")
    assert Batch.objects.get(pk=leran_batch.pk).review_status == ReviewStatus.RETURNED


def test_round_quality_as_json_and_xlsx(leran_batch: Batch, world: Any, tmp_path: Path) -> None:
    r = Round.objects.create(
        slug="r1",
        name="Round 1",
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 7, 1),
        organisation=world.organisations["pemkab-gresik"],
    )
    Batch.objects.filter(pk=leran_batch.pk).update(round=r)
    body = json.loads(run("quality", "--round", "r1", "--json", "--xlsx", str(tmp_path / "q.xlsx")))
    assert body["villages"][0]["village_code"] == "35.25.10.2010"
    assert body["villages"][0]["values"]["persons"] == 5
    assert (tmp_path / "q.xlsx").read_bytes()[:2] == b"PK"
