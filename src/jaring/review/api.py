"""REST endpoints of review (under /api/v1/review): queue, review state, actions, comments, quality."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jaring.accounts.scope import scope_for
from jaring.collection.models import Round
from jaring.imports.api import Error
from jaring.imports.models import Batch
from jaring.review import quality as q
from jaring.review import services
from jaring.review.models import ReviewAction, RowComment

router = Router(tags=["review"])
MAX_LIMIT = 500


class ReviewBatchOut(Schema):
    """A committed batch as the review sees it."""

    id: int
    filename: str
    village_code: str = Field(..., description="The area the batch was imported for.")
    village_name: str
    round: str | None = Field(None, description="Slug of the collection round, if any.")
    review_status: str = Field(
        ..., description="not_submitted, submitted, in_review, returned, resubmitted or approved."
    )
    rows_committed: int
    is_synthetic: bool
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ReviewBatchPage(Schema):
    items: list[ReviewBatchOut]
    count: int
    limit: int
    offset: int


class ReviewEventOut(Schema):
    """One step of a batch's review."""

    action: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    comment: str
    via: str


class QualityBreachOut(Schema):
    """One indicator past its threshold, in words."""

    indicator: str
    column: str
    value: float
    limit: float
    comparison: str = Field(..., description="min (must be at least) or max (must be at most).")
    message: str


class QualityOut(Schema):
    """Indicator values (shares 0–1 or null, and counts) and the thresholds they breach."""

    values: dict[str, Any]
    breaches: list[QualityBreachOut]


class ReviewStateOut(Schema):
    """A batch's review state: the batch, what you may do now, its quality and its history."""

    batch: ReviewBatchOut
    allowed_actions: list[str]
    quality: QualityOut
    events: list[ReviewEventOut]
    open_comments: int


class ReviewActionIn(Schema):
    comment: str = Field("", max_length=5000, description="Why; required to return without row comments.")


class RowCommentIn(Schema):
    row: int | None = Field(None, ge=2, le=10_000_000, description="Spreadsheet row (header = 1).")
    person_id: int | None = Field(None, ge=1, le=2**62)
    column: str = Field("", max_length=100)
    text: str = Field(..., min_length=1, max_length=5000)


class RowCommentOut(Schema):
    """A comment on one row (and person) of a batch."""

    id: int
    batch_id: int
    row: int | None
    person_id: int | None
    column: str
    text: str
    author: str | None
    at: dt.datetime
    resolved: bool
    resolved_by: str | None
    resolved_at: dt.datetime | None


class RowCommentPage(Schema):
    items: list[RowCommentOut]
    count: int


class RowCommentResolveIn(Schema):
    resolved: bool = True


class VillageQualityOut(Schema):
    village_code: str
    village_name: str
    quality: QualityOut


class BatchQualityOut(Schema):
    batch_id: int
    filename: str
    review_status: str
    quality: QualityOut


class RoundQualityOut(Schema):
    """A round's quality: per village, per batch and for the whole round (your scope's committed batches)."""

    round: str
    name: str
    batches: int
    villages: list[VillageQualityOut]
    per_batch: list[BatchQualityOut]
    total: QualityOut


def _user_name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def batch_out(b: Batch) -> dict[str, Any]:
    """A batch as the review API returns it."""
    return {
        "id": b.pk,
        "filename": b.filename,
        "village_code": b.village.code,
        "village_name": b.village.name,
        "round": b.round.slug if b.round_id and b.round else None,
        "review_status": b.review_status,
        "rows_committed": b.rows_committed,
        "is_synthetic": b.is_synthetic,
        "created_by": _user_name(b.created_by),
        "created_at": b.created_at,
        "updated_at": b.updated_at,
    }


def comment_out(c: RowComment) -> dict[str, Any]:
    """A row comment as the API returns it."""
    return {
        "id": c.pk,
        "batch_id": c.batch_id,
        "row": c.row,
        "person_id": c.person_id,
        "column": c.column,
        "text": c.text,
        "author": _user_name(c.author),
        "at": c.at,
        "resolved": c.resolved,
        "resolved_by": _user_name(c.resolved_by),
        "resolved_at": c.resolved_at,
    }


def _get_batch(request: HttpRequest, batch_id: int) -> Batch:
    # Outside the scope or not committed: 404, so existence does not leak.
    batch = services.review_batches(request.user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404("Not found / tidak ditemukan")
    return batch


def _state(batch: Batch, user: Any) -> dict[str, Any]:
    return {
        "batch": batch_out(batch),
        "allowed_actions": services.allowed_actions(batch, user),
        "quality": q.quality_json(q.batch_quality(batch)),
        "events": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": _user_name(e.actor),
                "at": e.at,
                "comment": e.comment,
                "via": e.via,
            }
            for e in services.events(batch)
        ],
        "open_comments": batch.row_comments.filter(resolved=False).count(),
    }


def _refused(exc: services.ReviewError) -> Any:
    return Status(exc.status, {"detail": exc.detail, "code": exc.code})


@router.get("/queue", response=ReviewBatchPage, summary="The review queue")
def review_queue(
    request: HttpRequest,
    status: str = Query("", max_length=16, description="A review status, `all`, or empty (to act on)."),
    village: str = Query("", max_length=13, description="Area code prefix."),
    round: str = Query("", max_length=80, description="Round slug."),
    q: str = Query("", max_length=100, description="Part of the file name."),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """Reviewers: submitted, resubmitted and in-review batches; operators: unsubmitted and returned ones."""
    qs = services.queue(request.user, status=status, village=village, round_slug=round, q=q)
    return {
        "items": [batch_out(b) for b in qs[offset : offset + limit]],
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@router.get(
    "/batches/{int:batch_id}", response={200: ReviewStateOut, 404: Error}, summary="A batch's review state"
)
def review_state(request: HttpRequest, batch_id: int) -> Any:
    """Review status, the actions you may take, quality indicators with breaches, and the history."""
    batch = _get_batch(request, batch_id)
    return _state(batch, request.user)


@router.post(
    "/batches/{int:batch_id}/actions/{action}",
    response={200: ReviewStateOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Take a review step",
)
def review_action(request: HttpRequest, batch_id: int, action: ReviewAction, body: ReviewActionIn) -> Any:
    """submit / resubmit (operator or steward), start / return / approve (BPS reviewer, not the uploader)."""
    batch = _get_batch(request, batch_id)
    try:
        services.transition(batch, action.value, request.user, comment=body.comment, via="api")
    except services.ReviewError as exc:
        return _refused(exc)
    batch.refresh_from_db()
    return _state(batch, request.user)


@router.get(
    "/batches/{int:batch_id}/comments",
    response={200: RowCommentPage, 404: Error},
    summary="Row comments of a batch",
)
def list_comments(request: HttpRequest, batch_id: int, open_only: bool = False) -> Any:
    """Comments on single rows, by row; ``open_only`` leaves out resolved ones."""
    batch = _get_batch(request, batch_id)
    qs = batch.row_comments.select_related("author", "resolved_by").order_by("row", "id")
    if open_only:
        qs = qs.filter(resolved=False)
    return {"items": [comment_out(c) for c in qs], "count": qs.count()}


@router.post(
    "/batches/{int:batch_id}/comments",
    response={201: RowCommentOut, 403: Error, 404: Error, 422: Error},
    summary="Comment on a row",
)
def add_comment(request: HttpRequest, batch_id: int, body: RowCommentIn) -> Any:
    """A comment on one spreadsheet row or one person of the batch."""
    batch = _get_batch(request, batch_id)
    try:
        comment = services.add_row_comment(
            batch, request.user, text=body.text, row=body.row, person_id=body.person_id, column=body.column
        )
    except services.ReviewError as exc:
        return _refused(exc)
    return Status(201, comment_out(comment))


@router.post(
    "/comments/{int:comment_id}/resolve",
    response={200: RowCommentOut, 403: Error, 404: Error},
    summary="Resolve (or reopen) a row comment",
)
def resolve_comment(request: HttpRequest, comment_id: int, body: RowCommentResolveIn) -> Any:
    """Mark a row comment resolved (``resolved: false`` opens it again)."""
    comment = (
        RowComment.objects.select_related("batch__village", "author")
        .filter(pk=comment_id, batch__in=services.review_batches(request.user))
        .first()
    )
    if comment is None:
        raise Http404("Not found / tidak ditemukan")
    try:
        services.resolve_row_comment(comment, request.user, resolved=body.resolved)
    except services.ReviewError as exc:
        return _refused(exc)
    return comment_out(comment)


@router.get(
    "/rounds/{slug}/quality", response={200: RoundQualityOut, 404: Error}, summary="Quality of a round"
)
def round_quality(request: HttpRequest, slug: str) -> Any:
    """Indicators per village and for the whole round, over the committed batches in your scope."""
    round_obj = Round.objects.filter(slug=slug[:80]).first()
    if round_obj is None:
        raise Http404("Not found / tidak ditemukan")
    report = q.round_quality(round_obj, scope_for(request.user).batches())
    return {
        "round": round_obj.slug,
        "name": round_obj.name,
        "batches": report.batches,
        "villages": [
            {"village_code": a.code, "village_name": a.name, "quality": q.quality_json(qual)}
            for a, qual in report.villages
        ],
        "per_batch": [
            {
                "batch_id": b.pk,
                "filename": b.filename,
                "review_status": b.review_status,
                "quality": q.quality_json(qual),
            }
            for b, qual in report.per_batch
        ],
        "total": q.quality_json(report.total),
    }
