"""Background jobs of dedup (django-tasks; the database queue in production, inline in tests)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from jaring.dedup.models import DedupRun, RunStatus
from jaring.dedup.services import create_run, run_dedup
from jaring.geo.models import Area


@task()
def run_dedup_task(run_id: int) -> str:
    """Run a queued deduplication run."""
    run = DedupRun.objects.filter(pk=run_id).first()
    if run is None or run.status != RunStatus.QUEUED:
        return "skipped"  # a second worker picking up the same run finds it taken
    try:
        run_dedup(run)
    except Exception:  # noqa: BLE001 — job runner: run_dedup recorded the fault (status, message) on the run
        return RunStatus.FAILED
    return RunStatus.DONE


def start_run(*, area: Area | None, threshold: float, user: Any) -> DedupRun:
    """Queue a run (inline under the test settings); return it refreshed."""
    run = create_run(area=area, threshold=threshold, user=user)
    run_dedup_task.enqueue(run.pk)
    run.refresh_from_db()
    return run
