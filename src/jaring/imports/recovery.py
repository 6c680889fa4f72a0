"""Batches left validating or committing by a dead process: find them, resume them or mark them failed.

A process that validates or commits a batch holds its lease (``Batch.worker`` = "host:pid",
``Batch.heartbeat_at`` renewed at every progress step). The lease is stale when its process is gone
(same host, pid not alive) or its heartbeat is older than ``JARING_IMPORT_LEASE_SECONDS``. A commit
runs in one transaction, so a dead committer left nothing behind: the batch is committed again. A dead
validator left only issues, which validation replaces: the batch is validated again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jaring.imports.models import Batch, BatchStatus

log = logging.getLogger(__name__)

IN_FLIGHT = (BatchStatus.VALIDATING, BatchStatus.COMMITTING)


class ResumeError(Exception):
    """The batch cannot be resumed (bilingual message)."""

    def __init__(self, code: str, en: str, id_: str) -> None:
        super().__init__(f"{en} / {id_}")
        self.code = code


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lease_is_stale(batch: Batch, now: dt.datetime | None = None) -> bool:
    """True when the process holding ``batch``'s lease is gone or silent for longer than the lease."""
    if batch.status not in IN_FLIGHT:
        return False
    host, _, pid = (batch.worker or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid)):
        return True
    now = now or timezone.now()
    beat = batch.heartbeat_at or batch.updated_at
    return beat is None or (now - beat).total_seconds() > settings.JARING_IMPORT_LEASE_SECONDS


def stale_batches() -> list[Batch]:
    """Batches validating or committing whose lease holder is gone."""
    return [b for b in Batch.objects.filter(status__in=IN_FLIGHT).order_by("pk") if lease_is_stale(b)]


@dataclass
class Recovered:
    batch: int
    was: str
    action: str  # "resumed" (queued or run), "failed"


def _release(batch: Batch, *, force: bool = False) -> str:
    """Take a stale batch back to the state its next step starts from; return that step's name."""
    with transaction.atomic():
        current = Batch.objects.select_for_update().get(pk=batch.pk)
        if current.status not in IN_FLIGHT or not (force or lease_is_stale(current)):
            return "busy"
        if not current.file or not Path(current.file.path).exists():
            from jaring.imports.services import _fail

            _fail(current, "file_unreadable", detail="the stored file is gone after an interrupted run")
            return "failed"
        step = "commit" if current.status == BatchStatus.COMMITTING else "validate"
        current.status = BatchStatus.VALIDATED if step == "commit" else BatchStatus.UPLOADED
        current.worker, current.heartbeat_at = "", None
        current.save(update_fields=["status", "worker", "heartbeat_at", "updated_at"])
        batch.refresh_from_db()
        return step


def recover_stale_batches(*, enqueue: bool = True) -> list[Recovered]:
    """Resume (queue again) or fail every batch a dead process left; called when a worker starts."""
    from jaring.imports.tasks import commit_batch_task, validate_batch_task

    done = []
    for batch in stale_batches():
        was = batch.status
        step = _release(batch)
        if step == "busy":
            continue
        if step == "failed":
            done.append(Recovered(batch.pk, was, "failed"))
            continue
        if enqueue:
            if step == "commit":
                commit_batch_task.enqueue(batch.pk, batch.committed_by_id)
            else:
                validate_batch_task.enqueue(batch.pk)
        log.warning("batch %s was left %s by a dead process: %s again", batch.pk, was, step)
        done.append(Recovered(batch.pk, was, "resumed"))
    return done


def resume_batch(batch: Batch, user: Any = None, *, force: bool = False, progress: Any = None) -> Batch:
    """Finish ``batch``: validate it if it has not been, then commit it (``jaring import resume``)."""
    from jaring.imports.services import commit_batch, validate_batch

    if batch.status == BatchStatus.COMMITTED:
        return batch
    if batch.status == BatchStatus.FAILED:
        raise ResumeError(
            "batch_failed",
            f"Batch {batch.pk} failed ({batch.error_code}); import the file again.",
            f"Batch {batch.pk} gagal ({batch.error_code}); impor ulang berkasnya.",
        )
    if batch.status in IN_FLIGHT:
        if not force and not lease_is_stale(batch):
            raise ResumeError(
                "batch_busy",
                f"Batch {batch.pk} is {batch.status} by a live process ({batch.worker}); use --force if "
                "that process is gone.",
                f"Batch {batch.pk} sedang {batch.status} oleh proses yang masih hidup ({batch.worker}); "
                "pakai --force bila proses itu sudah tidak ada.",
            )
        if _release(batch, force=force) == "failed":
            batch.refresh_from_db()
            return batch
    user = user if user is not None else batch.committed_by or batch.created_by
    if batch.status == BatchStatus.UPLOADED:
        batch = validate_batch(batch, progress)
    if batch.status == BatchStatus.VALIDATED:
        batch = commit_batch(batch, user, progress)
    return batch
