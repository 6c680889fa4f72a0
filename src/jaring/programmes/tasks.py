"""Background jobs of programmes (django-tasks; the database queue in production): big plans.

The services never import this module (it imports them): views and the API queue a job here.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from jaring.programmes import services
from jaring.programmes.models import PlanJob, PlanJobStatus, PlanKind, Programme


@task()
def compute_plan_task(job_id: int) -> str:
    """Compute and store the plan (or what-if) a PlanJob asks for."""
    job = PlanJob.objects.filter(pk=job_id).select_related("programme", "created_by").first()
    if job is None or job.status != PlanJobStatus.QUEUED:
        return "skipped"
    return services.run_plan_job(job).status


def start_plan_job(
    programme: Programme, *, actor: Any, overrides: dict[str, Any] | None = None, label: str = ""
) -> Any:
    """Queue a plan (or, with ``overrides``, a what-if) computation; return the job (refreshed).

    A what-if's changes are checked first, so a bad one is refused at once (WhatIfError)."""
    services.check_can_edit(actor, programme)
    if overrides:
        services.source_copies(programme, overrides)
    job = PlanJob.objects.create(
        programme=programme,
        kind=PlanKind.WHAT_IF if overrides else PlanKind.DRAFT,
        overrides=overrides or {},
        label=label,
        message_id="menunggu giliran",
        message_en="queued",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    compute_plan_task.enqueue(job.pk)
    job.refresh_from_db()
    return job
