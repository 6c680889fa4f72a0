"""Background jobs of programmes (django-tasks; the database queue in production): big plans."""

from __future__ import annotations

from django_tasks import task

from jaring.programmes import services
from jaring.programmes.models import PlanJob, PlanJobStatus


@task()
def compute_plan_task(job_id: int) -> str:
    """Compute and store the plan (or what-if) a PlanJob asks for."""
    job = PlanJob.objects.filter(pk=job_id).select_related("programme", "created_by").first()
    if job is None or job.status != PlanJobStatus.QUEUED:
        return "skipped"
    return services.run_plan_job(job).status
