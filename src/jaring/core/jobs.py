"""Job leases for django-tasks: worker heartbeats, and jobs left running by a dead worker marked failed.

A worker beats every ``JARING_WORKER_HEARTBEAT_SECONDS``; a running job whose worker has not beaten for
``JARING_WORKER_LEASE_SECONDS`` (or has stopped) is abandoned. A starting worker, and `jaring cleanup`,
mark such jobs failed and send ``job_abandoned`` so each app marks its own record (dedup run, plan job)
failed too, with a message in both languages; the user starts the job again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.dispatch import Signal
from django.utils import timezone

from jaring.core.models import WorkerHeartbeat

log = logging.getLogger("jaring.jobs")

# Sent once per abandoned job with ``task_path`` (dotted name), ``args`` and ``kwargs``.
job_abandoned = Signal()

ABANDONED_EN = "The background worker stopped while this job ran; start it again."
ABANDONED_ID = "Proses latar berhenti saat tugas ini berjalan; jalankan lagi."


class WorkerLost(Exception):
    """Recorded as a job's failure when its worker died without finishing it."""


def lease_seconds() -> int:
    return int(getattr(settings, "JARING_WORKER_LEASE_SECONDS", 60))


def heartbeat_seconds() -> int:
    return int(getattr(settings, "JARING_WORKER_HEARTBEAT_SECONDS", 10))


def register_worker(worker_id: str) -> WorkerHeartbeat:
    """Record a starting worker (its first heartbeat)."""
    now = timezone.now()
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": now,
            "seen_at": now,
            "stopped_at": None,
        },
    )
    return beat


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=timezone.now())


def stop_worker(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def live_workers(now: dt.datetime | None = None) -> list[WorkerHeartbeat]:
    """Workers that beat within the lease and have not stopped."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=lease_seconds())
    return list(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff, stopped_at__isnull=True))


def recover_abandoned(*, except_worker: str | None = None) -> int:
    """Mark failed every running job whose worker is gone; return how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    alive = {w.worker_id for w in live_workers()}
    if except_worker:
        alive.add(except_worker)
    count = 0
    for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        owner = job.worker_ids[-1] if job.worker_ids else None
        if owner in alive:
            continue
        with transaction.atomic():
            locked = DBTaskResult.objects.select_for_update().filter(pk=job.pk, status=job.status).first()
            if locked is None:
                continue
            locked.status = TaskResultStatus.FAILED
            locked.finished_at = timezone.now()
            locked.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
            locked.traceback = f"{ABANDONED_EN} / {ABANDONED_ID} (worker {owner})"
            locked.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            args_kwargs: dict[str, Any] = locked.args_kwargs or {}
            job_abandoned.send(
                sender=WorkerLost,
                task_path=locked.task_path,
                args=list(args_kwargs.get("args", [])),
                kwargs=dict(args_kwargs.get("kwargs", {})),
            )
        log.warning("job %s (%s) of a dead worker %s marked failed", job.pk, job.task_path, owner)
        count += 1
    return count


class Heartbeat(threading.Thread):
    """A daemon thread that keeps a worker's lease fresh."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="jaring-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(heartbeat_seconds()):
            try:
                close_old_connections()
                beat(self.worker_id)
            except Exception:  # a missed beat is retried; the lease is several beats long
                log.exception("heartbeat failed")
        close_old_connections()
