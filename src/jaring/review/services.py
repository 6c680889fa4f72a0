"""The review flow of a committed batch, enforced in one place: :func:`transition`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jaring.accounts.roles import Action
from jaring.accounts.scope import scope_for
from jaring.imports.models import Batch, BatchStatus, ReviewStatus
from jaring.review.models import ReviewAction, ReviewEvent, RowComment

# Who acts: "editor" = the village operator or data steward whose scope covers the batch's area;
# "reviewer" = a BPS reviewer whose scope (the regency) covers it.
EDITOR, REVIEWER = "editor", "reviewer"

# action -> (statuses it may start from, status it leads to, who may take it)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    ReviewAction.SUBMIT: (frozenset({ReviewStatus.NOT_SUBMITTED}), ReviewStatus.SUBMITTED, EDITOR),
    ReviewAction.START: (
        frozenset({ReviewStatus.SUBMITTED, ReviewStatus.RESUBMITTED}),
        ReviewStatus.IN_REVIEW,
        REVIEWER,
    ),
    ReviewAction.RETURN: (frozenset({ReviewStatus.IN_REVIEW}), ReviewStatus.RETURNED, REVIEWER),
    ReviewAction.APPROVE: (frozenset({ReviewStatus.IN_REVIEW}), ReviewStatus.APPROVED, REVIEWER),
    ReviewAction.RESUBMIT: (frozenset({ReviewStatus.RETURNED}), ReviewStatus.RESUBMITTED, EDITOR),
}
# Statuses a reviewer's queue shows.
PENDING = (ReviewStatus.SUBMITTED, ReviewStatus.RESUBMITTED, ReviewStatus.IN_REVIEW)


class ReviewError(Exception):
    """A refused review step, with its reason in Indonesian and English and the HTTP status it maps to."""

    def __init__(self, code: str, message_id: str, message_en: str, status: int = 409) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.code, self.message_id, self.message_en, self.status = code, message_id, message_en, status

    @property
    def detail(self) -> str:
        return f"{self.message_id} / {self.message_en}"


@dataclass(frozen=True)
class Refusal:
    """Why an action is not possible (``None`` from :func:`refusal` means it is)."""

    code: str
    message_id: str
    message_en: str
    status: int


def is_reviewer(user: Any) -> bool:
    """Whether ``user`` acts as a BPS reviewer (superusers may too)."""
    return scope_for(user).may(Action.REVIEW_STEP)


def is_own_upload(batch: Batch, user: Any) -> bool:
    """Whether ``user`` uploaded or committed the batch (they may not review it)."""
    return user is not None and user.pk in {batch.created_by_id, batch.committed_by_id}


def refusal(batch: Batch, action: str, user: Any) -> Refusal | None:
    """Why ``user`` may not take ``action`` on ``batch`` now, or ``None`` if they may."""
    if action not in TRANSITIONS:
        return Refusal("unknown_action", "Langkah tidak dikenal", "Unknown action", 422)
    sources, _target, who = TRANSITIONS[action]
    scope = scope_for(user)
    if who == EDITOR:
        if not (scope.can_edit and scope.covers_area(batch.village)):
            return Refusal(
                "forbidden",
                "Hanya operator desa atau walidata wilayah batch ini yang dapat mengajukan",
                "Only the village operator or data steward of this batch's area may submit it",
                403,
            )
    else:
        if not (is_reviewer(user) and scope.covers_area(batch.village)):
            return Refusal(
                "forbidden",
                "Hanya pemeriksa BPS di wilayah ini yang dapat memeriksa batch",
                "Only a BPS reviewer of this area may review the batch",
                403,
            )
        if is_own_upload(batch, user):
            return Refusal(
                "own_upload",
                "Anda tidak dapat memeriksa unggahan Anda sendiri",
                "You cannot review your own upload",
                403,
            )
    if batch.status != BatchStatus.COMMITTED:
        return Refusal(
            "not_committed",
            "Hanya batch yang sudah disimpan ke registri yang dapat diajukan",
            "Only a committed batch can go through review",
            409,
        )
    if batch.review_status not in sources:
        label = ReviewStatus(batch.review_status).label
        return Refusal(
            "illegal_transition",
            f"Langkah '{action}' tidak mungkin dari status '{batch.review_status}'",
            f"'{action}' is not possible while the batch is '{label}'",
            409,
        )
    return None


def allowed_actions(batch: Batch, user: Any) -> list[str]:
    """The actions ``user`` may take on ``batch`` now (for buttons and the API)."""
    return [a for a in TRANSITIONS if refusal(batch, a, user) is None]


def transition(batch: Batch, action: str, user: Any, *, comment: str = "", via: str = "web") -> ReviewEvent:
    """Take one review step (locked, atomic) and record it; raise ReviewError when it is not allowed."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = Batch.objects.select_for_update().select_related("village").get(pk=batch.pk)
        reason = refusal(locked, action, user)
        if reason is not None:
            raise ReviewError(reason.code, reason.message_id, reason.message_en, reason.status)
        if (
            action == ReviewAction.RETURN
            and not comment
            and not locked.row_comments.filter(resolved=False).exists()
        ):
            raise ReviewError(
                "comment_required",
                "Batch dikembalikan dengan komentar: tulis alasannya atau komentar baris",
                "A returned batch needs a comment: write the reason or a row comment",
                422,
            )
        source, target = locked.review_status, TRANSITIONS[action][1]
        locked.review_status = target
        locked.save(update_fields=["review_status", "updated_at"])
        event = ReviewEvent.objects.create(
            batch=locked,
            action=action,
            from_status=source,
            to_status=target,
            actor=user,
            at=timezone.now(),
            comment=comment[:5000],
            via=via,
        )
    batch.review_status = locked.review_status
    return event


def can_comment(batch: Batch, user: Any) -> bool:
    """Reviewers of the area and its operators/stewards may write row comments."""
    scope = scope_for(user)
    if not scope.covers_area(batch.village):
        return False
    return is_reviewer(user) or scope.can_edit


def add_row_comment(
    batch: Batch,
    user: Any,
    *,
    text: str,
    row: int | None = None,
    person_id: int | None = None,
    column: str = "",
) -> RowComment:
    """A comment on one spreadsheet row or person of the batch (the person's row is filled in)."""
    if not can_comment(batch, user):
        raise ReviewError(
            "forbidden", "Anda tidak dapat berkomentar di batch ini", "You may not comment on this batch", 403
        )
    text = (text or "").strip()
    if not text:
        raise ReviewError("comment_required", "Komentar kosong", "The comment is empty", 422)
    person = None
    if person_id is not None:
        person = batch.persons.filter(pk=person_id).first()
        if person is None:
            raise ReviewError(
                "person_not_in_batch",
                "Orang ini bukan bagian dari batch",
                "This person is not part of the batch",
                422,
            )
        row = row or person.source_row
    elif row is not None:
        person = batch.persons.filter(source_row=row).first()
    if row is None and person is None:
        raise ReviewError(
            "row_required",
            "Sebutkan baris atau orang",
            "Name the row or the person",
            422,
        )
    if row is not None and not 2 <= row <= max(batch.rows_total + 1, 2):
        raise ReviewError(
            "row_out_of_range",
            f"Baris {row} tidak ada di berkas",
            f"Row {row} is not in the file",
            422,
        )
    return RowComment.objects.create(
        batch=batch,
        row=row,
        person=person,
        column=(column or "")[:100],
        text=text[:5000],
        author=user,
        at=timezone.now(),
    )


def resolve_row_comment(comment: RowComment, user: Any, *, resolved: bool = True) -> RowComment:
    """Mark a row comment resolved (or open again), recording who and when."""
    if not can_comment(comment.batch, user):
        raise ReviewError(
            "forbidden", "Anda tidak dapat mengubah komentar ini", "You may not change this comment", 403
        )
    comment.resolved = resolved
    comment.resolved_by = user if resolved else None
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["resolved", "resolved_by", "resolved_at"])
    return comment


def review_batches(user: Any) -> QuerySet[Batch]:
    """Committed batches in ``user``'s scope (the review queue and lists filter these)."""
    return (
        scope_for(user)
        .batches()
        .filter(status=BatchStatus.COMMITTED)
        .select_related("village", "created_by", "round")
    )


def queue(
    user: Any, *, status: str = "", village: str = "", round_slug: str = "", q: str = ""
) -> QuerySet[Batch]:
    """The review queue: pending batches for reviewers, the user's actionable batches for operators."""
    qs = review_batches(user)
    if status in ReviewStatus.values:
        qs = qs.filter(review_status=status)
    elif status == "all":
        pass
    elif is_reviewer(user):
        qs = qs.filter(review_status__in=PENDING)
    else:
        qs = qs.filter(review_status__in=[ReviewStatus.NOT_SUBMITTED, ReviewStatus.RETURNED])
    if village:
        qs = qs.filter(village__code__startswith=village)
    if round_slug:
        qs = qs.filter(round__slug=round_slug)
    if q:
        qs = qs.filter(filename__icontains=q)
    return qs.order_by("updated_at", "id")


def events(batch: Batch) -> QuerySet[ReviewEvent]:
    """The review history of a batch, oldest first."""
    return batch.review_events.select_related("actor").order_by("at", "id")


def last_return(batch: Batch) -> ReviewEvent | None:
    """The latest 'return' step, whose comment the operator has to address."""
    return batch.review_events.filter(action=ReviewAction.RETURN).order_by("-at", "-id").first()
