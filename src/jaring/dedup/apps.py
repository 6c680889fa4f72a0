from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _run_abandoned(sender: Any, task_path: str, args: list[Any], **kwargs: Any) -> None:
    """A dedup run whose worker died is marked failed (its pairs are saved in one transaction)."""
    if not task_path.endswith("dedup.tasks.run_dedup_task") or not args:
        return
    from django.utils import timezone

    from jaring.core.jobs import ABANDONED_EN
    from jaring.dedup.models import DedupRun, RunStatus

    DedupRun.objects.filter(pk=args[0], status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, error_message=ABANDONED_EN, finished_at=timezone.now()
    )


def _batches_with_open_conflicts() -> Any:
    """Batches whose upload the conflict pages still read (the incoming row of an open NIK conflict)."""
    from jaring.dedup.models import ConflictStatus, NikConflict

    return NikConflict.objects.filter(status=ConflictStatus.OPEN).values("batch_id")


class DedupConfig(AppConfig):
    name = "jaring.dedup"
    label = "dedup"
    verbose_name = _("Deduplication")

    def ready(self) -> None:
        from jaring.core.jobs import job_abandoned

        job_abandoned.connect(_run_abandoned, dispatch_uid="dedup-run-abandoned")
        from jaring.imports.retention import KEEPERS

        if _batches_with_open_conflicts not in KEEPERS:
            KEEPERS.append(_batches_with_open_conflicts)
