"""Demo stage of review: the demo batches are submitted and approved by BPS, except one district batch
that BPS returns with a comment and a row comment, so the flow is visible. Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jaring.core.world import LERAN
from jaring.imports.models import Batch, BatchStatus, ReviewStatus
from jaring.review import services
from jaring.review.models import ReviewAction, RowComment

REVIEWER = "bps.reviewer"
RETURN_COMMENT = (
    "SINTETIS: beberapa nomor HP dan alamat kosong; mohon dilengkapi lalu ajukan ulang. "
    "(Some phone numbers and addresses are empty; please complete them and resubmit.)"
)
ROW_COMMENT = "SINTETIS: nomor HP kosong / phone number missing"


def _returned_batch(files: list[Any]) -> Batch | None:
    """The district batch BPS returns: the last district file's (a fixed choice, so reruns agree)."""
    district = [f.batch for f in files if f.batch is not None and f.area_code != LERAN]
    return district[-1] if district else None


def seed_demo(report: Any, say: Callable[[str], None]) -> dict[str, Any]:
    """Submit every committed demo batch, approve them as the BPS reviewer, return one; changes nothing
    when run again (batches already past a step stay where they are)."""
    users = report.world.users
    reviewer = users[REVIEWER]
    to_return = _returned_batch(report.files)
    counts = {"submitted": 0, "approved": 0, "returned": 0, "unchanged": 0}
    for f in report.files:
        if f.batch is None:
            continue
        batch = Batch.objects.select_related("village").get(pk=f.batch.pk)
        if batch.status != BatchStatus.COMMITTED:
            continue
        if batch.review_status != ReviewStatus.NOT_SUBMITTED:
            counts["unchanged"] += 1
            continue
        services.transition(batch, ReviewAction.SUBMIT, users[f.username], via="demo")
        services.transition(batch, ReviewAction.START, reviewer, via="demo")
        counts["submitted"] += 1
        if to_return is not None and batch.pk == to_return.pk:
            first = batch.persons.order_by("source_row").first()
            if first is not None and not RowComment.objects.filter(batch=batch).exists():
                services.add_row_comment(
                    batch, reviewer, text=ROW_COMMENT, person_id=first.pk, column="No HP"
                )
            services.transition(batch, ReviewAction.RETURN, reviewer, comment=RETURN_COMMENT, via="demo")
            counts["returned"] += 1
        else:
            services.transition(batch, ReviewAction.APPROVE, reviewer, via="demo")
            counts["approved"] += 1
    approved = Batch.objects.filter(
        pk__in=[f.batch.pk for f in report.files if f.batch is not None], review_status=ReviewStatus.APPROVED
    ).count()
    say(
        f"BPS review: {counts['approved']} batches approved, {counts['returned']} returned with comments"
        f" ({approved} approved in all, {counts['unchanged']} already reviewed)"
    )
    return counts | {
        "approved_total": approved,
        "returned_batch": to_return.pk if to_return is not None else None,
    }
