"""REST endpoints of collection (mounted under /api/v1/rounds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from jaring.accounts.scope import scope_for
from jaring.collection import services
from jaring.collection.models import Round

router = Router(tags=["collection"])
MAX_LIMIT = 500


class RoundOut(Schema):
    """A collection round: one census campaign, run by an organisation and supervised by BPS."""

    slug: str
    name: str
    period_start: dt.date
    period_end: dt.date
    questionnaire_version: str
    organisation: str = Field(..., description="The organisation that runs the round.")
    supervisor: str | None = Field(None, description="The supervising organisation (BPS), if any.")
    target_villages: int = Field(..., description="Number of target villages (whole round).")
    batches: int = Field(..., description="Number of batches attached to the round.")


class RoundPage(Schema):
    items: list[RoundOut]
    count: int
    limit: int
    offset: int


class VillageProgressOut(Schema):
    """One target village of a round: what it submitted and where its review stands."""

    village_code: str
    village_name: str
    district_code: str | None
    district_name: str | None
    batches: int = Field(..., description="Batches of the round holding this village's rows.")
    rows_submitted: int = Field(
        ..., description="Rows of its own files plus rows committed from wider files."
    )
    rows_with_errors: int
    rows_with_warnings: int
    persons: int = Field(..., description="Persons registered in the village through the round.")
    review_status: str = Field(
        ..., description="Review status of the latest batch, or no_submission (not_submitted … approved)."
    )
    last_activity: dt.datetime | None
    batch_ids: list[int]


class ProgressSummary(Schema):
    targets: int
    villages_submitted: int
    villages_approved: int
    rows_submitted: int
    rows_with_errors: int
    persons: int


class VillageProgressPage(Schema):
    summary: ProgressSummary = Field(..., description="Totals over the filtered villages.")
    items: list[VillageProgressOut]
    count: int
    limit: int
    offset: int


class RoundError(Schema):
    detail: str


def _get_round(request: HttpRequest, slug: str) -> Round:
    round_ = services.rounds_for(scope_for(request.user)).filter(slug=slug).first()
    if round_ is None:
        raise Http404("Not found / tidak ditemukan")
    return round_


@router.get("", response=RoundPage, summary="List collection rounds")
def list_rounds(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """Rounds with a target village in your scope, newest period first."""
    qs = services.rounds_for(scope_for(request.user))
    return {
        "items": [services.round_out(r) for r in services.with_counts(qs)[offset : offset + limit]],
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@router.get("/{slug}", response={200: RoundOut, 404: RoundError}, summary="Get a collection round")
def get_round(request: HttpRequest, slug: str) -> Any:
    """One round in your scope."""
    return services.round_out(_get_round(request, slug))


@router.get(
    "/{slug}/villages",
    response={200: VillageProgressPage, 404: RoundError},
    summary="Per-village progress of a round",
)
def round_villages(
    request: HttpRequest,
    slug: str,
    district: str = Query("", max_length=8, description="Only villages of this district code."),
    review_status: str = Query("", max_length=16, description="Only this review status (or no_submission)."),
    no_submission: bool = Query(False, description="Only target villages without any batch."),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> Any:
    """Target villages in your scope with rows submitted, issues, review status and last activity."""
    round_ = _get_round(request, slug)
    filters = services.ProgressFilters(
        district=district, review_status=review_status, no_submission=no_submission
    )
    table = services.village_progress(round_, scope_for(request.user), filters)
    items = table.slice(offset, limit).drop("village_id").to_dicts()
    return {
        "summary": services.round_summary(table),
        "items": items,
        "count": table.height,
        "limit": limit,
        "offset": offset,
    }
