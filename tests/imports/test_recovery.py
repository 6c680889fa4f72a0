"""Batches a dead process left validating or committing: found, resumed, or finished by `import resume`."""

from __future__ import annotations

import json
import socket
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jaring.imports.models import Batch, BatchStatus
from jaring.imports.recovery import ResumeError, recover_stale_batches, resume_batch, stale_batches
from jaring.imports.services import run_import
from jaring.registry.models import Person
from tests.imports.conftest import good_rows, write_csv

pytestmark = pytest.mark.django_db


def _dead_worker() -> str:
    """A "host:pid" lease of a process on this host that has exited."""
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


def _left_by_a_dead_process(batch: Batch, status: str) -> Batch:
    Batch.objects.filter(pk=batch.pk).update(status=status, worker=_dead_worker())
    batch.refresh_from_db()
    return batch


def test_a_batch_a_killed_process_left_committing_is_found_and_committed_on_worker_start(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(5)), village=world.leran, user=leran_operator, commit=False
    )
    batch.committed_by = leran_operator
    batch.save()
    _left_by_a_dead_process(batch, BatchStatus.COMMITTING)
    assert [b.pk for b in stale_batches()] == [batch.pk]
    (done,) = recover_stale_batches()  # the test settings run the queued commit inline
    assert (done.batch, done.was, done.action) == (batch.pk, "committing", "resumed")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.rows_committed == 5
    assert batch.committed_by == leran_operator and Person.objects.count() == 5
    assert stale_batches() == []


def test_a_batch_left_validating_is_validated_again_and_one_whose_file_is_gone_is_marked_failed(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    kept = run_import(
        write_csv(var_dir / "a.csv", good_rows(4)), village=world.leran, user=leran_operator, commit=False
    )
    gone = run_import(
        write_csv(var_dir / "b.csv", good_rows(4, start=10)),
        village=world.leran,
        user=leran_operator,
        commit=False,
    )
    _left_by_a_dead_process(kept, BatchStatus.VALIDATING)
    _left_by_a_dead_process(gone, BatchStatus.VALIDATING)
    Path(gone.file.path).unlink()
    actions = {d.batch: d.action for d in recover_stale_batches()}
    assert actions == {kept.pk: "resumed", gone.pk: "failed"}
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.status == BatchStatus.VALIDATED and kept.rows_valid == 4
    assert gone.status == BatchStatus.FAILED
    assert Person.objects.count() == 0  # validation never commits


def test_a_batch_whose_process_is_alive_is_not_taken_over_unless_forced(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(3)), village=world.leran, user=leran_operator, commit=False
    )
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMMITTING, worker="elsewhere:1")
    batch.refresh_from_db()
    batch.heartbeat_at = batch.updated_at
    assert stale_batches() == []
    with pytest.raises(ResumeError, match="live process"):
        resume_batch(batch)
    assert resume_batch(batch, leran_operator, force=True).status == BatchStatus.COMMITTED
    assert Person.objects.count() == 3


def test_import_resume_commits_a_validated_batch_and_says_so_in_json(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(6)), village=world.leran, user=leran_operator, commit=False
    )
    out = StringIO()
    call_command("import", "resume", str(batch.pk), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["status"] == "committed" and summary["rows_committed"] == 6
    # Again: the work is done, nothing is added.
    out = StringIO()
    call_command("import", "resume", str(batch.pk), "--json", stdout=out)
    assert json.loads(out.getvalue())["rows_committed"] == 6 and Person.objects.count() == 6
    with pytest.raises(CommandError, match="Tidak ada batch"):
        call_command("import", "resume", "999999")
