from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _plan_abandoned(sender: Any, task_path: str, args: list[Any], **kwargs: Any) -> None:
    """A plan job whose worker died is marked failed, with the message in both languages."""
    if not task_path.endswith("programmes.tasks.compute_plan_task") or not args:
        return
    from django.utils import timezone

    from jaring.core.jobs import ABANDONED_EN, ABANDONED_ID
    from jaring.programmes.models import PlanJob, PlanJobStatus

    PlanJob.objects.filter(pk=args[0], status__in=[PlanJobStatus.QUEUED, PlanJobStatus.RUNNING]).update(
        status=PlanJobStatus.FAILED,
        message_en=ABANDONED_EN,
        message_id=ABANDONED_ID,
        finished_at=timezone.now(),
    )


class ProgrammesConfig(AppConfig):
    name = "jaring.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from jaring.core.jobs import job_abandoned
        from jaring.programmes import services
        from jaring.registry.hooks import register_person_detail_flag

        job_abandoned.connect(_plan_abandoned, dispatch_uid="programmes-plan-abandoned")
        # The person page links to the person's coverage for those who may read programmes.
        register_person_detail_flag("can_see_coverage", services.can_read)
