"""REST endpoints for import batches (mounted at /api/v1/batches in jaring.api)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from jaring.accounts.scope import scope_for
from jaring.core.lib.spreadsheet import XLSX_MIME
from jaring.imports.models import Batch, BatchStatus, Severity
from jaring.imports.rounds import rules as round_rules
from jaring.imports.services import batch_for, create_batch
from jaring.imports.tasks import start_commit, start_validation

router = Router(tags=["batches"])
MAX_LIMIT = 500


class BatchOut(Schema):
    """An import batch: one file for one area, with its status and counts."""

    id: int
    status: str = Field(..., description="uploaded, validating, validated, committing, committed or failed.")
    village_code: str = Field(..., description="The area the file was imported for.")
    filename: str
    file_size: int
    content_hash: str = Field(..., description="SHA-256 of the file.")
    sheet: str
    is_synthetic: bool
    progress: float = Field(..., description="0–1 while the job runs.")
    progress_message: str
    error_code: str
    error_message: str
    round: str | None = Field(None, description="Slug of the collection round, if the batch belongs to one.")
    rows_total: int
    rows_valid: int
    rows_with_errors: int
    rows_with_warnings: int
    rows_committed: int
    created_at: dt.datetime
    created_by: str | None
    validated_at: dt.datetime | None
    committed_at: dt.datetime | None


class BatchPage(Schema):
    items: list[BatchOut]
    count: int
    limit: int
    offset: int


class IssueOut(Schema):
    """One problem of one row (row 0: the whole file), with the file's column header."""

    row: int
    column: str
    code: str
    severity: str
    message_id: str
    message_en: str
    value: str


class IssuePage(Schema):
    items: list[IssueOut]
    count: int
    limit: int
    offset: int


class Error(Schema):
    detail: str
    code: str = ""


def batch_out(b: Batch) -> dict[str, Any]:
    """A batch as the API returns it."""
    data = {
        f: getattr(b, f) for f in BatchOut.model_fields if f not in ("village_code", "created_by", "round")
    }
    data["round"] = b.round.slug if b.round_id and b.round else None
    data["village_code"] = b.village.code
    data["created_by"] = b.created_by.get_username() if b.created_by else None
    return data


def _get_batch(request: HttpRequest, batch_id: int) -> Batch:
    # Outside the scope is a 404: the caller must not learn that the batch exists.
    batch = batch_for(request.user, batch_id)
    if batch is None:
        raise Http404("Not found / tidak ditemukan")
    return batch


@router.get("", response=BatchPage, summary="List import batches in your scope")
def list_batches(
    request: HttpRequest,
    status: str = Query("", max_length=12, description="Only batches with this status."),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """Batches of the areas you may see, newest first."""
    qs = scope_for(request.user).batches().select_related("village", "created_by", "round")
    if status:
        qs = qs.filter(status=status)
    return {
        "items": [batch_out(b) for b in qs[offset : offset + limit]],
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@router.get(
    "/template",
    response={200: None},
    summary="The import template (XLSX)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "An XLSX workbook: the headers, one synthetic example row and a notes sheet.",
                "content": {XLSX_MIME: {}},
            }
        }
    },
)
def import_template(request: HttpRequest) -> HttpResponse:
    """The spreadsheet template for an import: sheet Data (the recognised headers, the required ones
    highlighted, and one SINTETIS example row to delete) and a notes sheet on every column."""
    from jaring.imports.template import template_xlsx

    response = HttpResponse(template_xlsx(), content_type=XLSX_MIME)
    response["Content-Disposition"] = 'attachment; filename="jaring-import-template.xlsx"'
    return response


@router.post(
    "",
    response={201: BatchOut, 403: Error, 422: Error},
    summary="Upload a spreadsheet (CSV or XLSX) and validate it",
)
def upload_batch(
    request: HttpRequest,
    file: File[UploadedFile],
    village: Form[str],
    sheet: Form[str] = "",
    round: Form[str] = "",
) -> Any:
    """Store the file as a new batch and validate it in the background; poll GET /batches/{id}."""
    from jaring.geo.models import Area

    scope = scope_for(request.user)
    village, sheet = village.strip()[:13], sheet.strip()[:100]
    area = scope.areas().filter(code=village).first() if village else None
    if area is None:
        raise HttpError(422, f"Unknown area code {village!r} / kode wilayah tidak dikenal")
    scope.check_can_edit_in(area)
    assert isinstance(area, Area)
    round_ = None
    if round.strip():
        round_ = round_rules().rounds_for(scope).filter(slug=round.strip()[:80]).first()
        if round_ is None:
            raise HttpError(422, f"Unknown round {round!r} / putaran tidak dikenal")
        if not round_rules().covers(round_, area):
            raise HttpError(422, "The area is not a target of the round / wilayah bukan sasaran putaran")
    batch = create_batch(
        file, village=area, user=request.user, filename=file.name, sheet=sheet or None, round=round_
    )
    batch = start_validation(batch)
    return Status(201, batch_out(batch))


@router.get("/{int:batch_id}", response={200: BatchOut, 404: Error}, summary="Get a batch")
def get_batch(request: HttpRequest, batch_id: int) -> Any:
    """One batch in your scope, with its status and progress."""
    return batch_out(_get_batch(request, batch_id))


@router.get("/{int:batch_id}/issues", response={200: IssuePage, 404: Error}, summary="Issues of a batch")
def list_issues(
    request: HttpRequest,
    batch_id: int,
    severity: str = Query("", max_length=7, description="error, warning or notice."),
    code: str = Query("", max_length=40),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> Any:
    """Row-level issues (row numbers as in the spreadsheet; row 0 is the whole file)."""
    batch = _get_batch(request, batch_id)
    qs = batch.issues.all()
    if severity in Severity.values:
        qs = qs.filter(severity=severity)
    elif severity:
        qs = qs.none()
    if code:
        qs = qs.filter(code=code)
    items = [
        {f: getattr(i, f) for f in IssueOut.model_fields}
        for i in qs.order_by("row", "id")[offset : offset + limit]
    ]
    return {"items": items, "count": qs.count(), "limit": limit, "offset": offset}


@router.post(
    "/{int:batch_id}/commit",
    response={200: BatchOut, 403: Error, 404: Error, 409: Error},
    summary="Commit a validated batch",
)
def commit(request: HttpRequest, batch_id: int) -> Any:
    """Write the batch's valid rows (in the background); rows with errors stay out."""
    batch = _get_batch(request, batch_id)
    scope_for(request.user).check_can_edit_in(batch.village)
    if batch.status not in {BatchStatus.VALIDATED, BatchStatus.COMMITTING}:
        return Status(
            409,
            {
                "detail": f"Batch is {batch.status}, not validated / batch belum tervalidasi",
                "code": "not_validated",
            },
        )
    return batch_out(start_commit(batch, request.user))
