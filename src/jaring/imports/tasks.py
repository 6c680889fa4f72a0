"""Background jobs of the import pipeline (django-tasks; the database queue in production)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from jaring.imports.lib.messages import progress_text
from jaring.imports.models import Batch, BatchStatus
from jaring.imports.services import commit_batch, validate_batch


@task()
def validate_batch_task(batch_id: int) -> str:
    """Validate an uploaded batch."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status in {BatchStatus.COMMITTED, BatchStatus.COMMITTING}:
        return "skipped"
    return validate_batch(batch).status


@task()
def commit_batch_task(batch_id: int, user_id: int | None) -> str:
    """Commit a validated batch as ``user_id``."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status not in {BatchStatus.VALIDATED, BatchStatus.COMMITTING}:
        return "skipped"
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return commit_batch(batch, user).status


def start_validation(batch: Batch) -> Batch:
    """Queue the validation of ``batch`` (inline under the test settings); return it refreshed."""
    if batch.status == BatchStatus.UPLOADED:
        validate_batch_task.enqueue(batch.pk)
        batch.refresh_from_db()
    return batch


def start_commit(batch: Batch, user: object) -> Batch:
    """Queue the commit of ``batch``; return it refreshed."""
    batch.progress, batch.progress_message = 0.0, progress_text("queued_commit")
    batch.save(update_fields=["progress", "progress_message"])
    commit_batch_task.enqueue(batch.pk, getattr(user, "pk", None))
    batch.refresh_from_db()
    return batch
