"""REST endpoints of enrolment (mounted under /api/v1/enrolment)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from jaring.core.lib.spreadsheet import XLSX_MIME
from jaring.enrolment import answers, services
from jaring.enrolment.services import EnrolmentError

router = Router(tags=["enrolment"])


class EnrolmentBatchIn(Schema):
    programme: str
    payer: str
    month: str


class EnrolmentBatchOut(Schema):
    reference: str
    programme: str
    payer: str
    payer_kind: str
    start_month: str
    plan_version: int | None
    status: str
    persons: int
    statuses: dict[str, int]


class AnswerOut(Schema):
    applied: bool
    already_imported: bool = False
    rows: int = 0
    registered: int = 0
    rejected: int = 0
    already_member: int = 0
    changed: int = 0
    unchanged: int = 0


class AnswerRefusedOut(Schema):
    detail: str
    code: str
    problems: list[dict[str, Any]]
    unmatched: list[dict[str, Any]] = []
    conflicting: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []


def error(exc: EnrolmentError) -> dict[str, Any]:
    return {"detail": f"{exc.message_id} / {exc.message_en}", "code": exc.code, "problems": []}


@router.get("/batches", response=list[EnrolmentBatchOut])
def list_batches(request: HttpRequest, programme: str | None = None) -> Any:
    """Enrolment batches of the programmes the caller may see."""
    qs = services.batches_for(request.user).select_related("plan")
    if programme:
        qs = qs.filter(programme__slug=programme)
    return [services.batch_json(b) for b in qs]


@router.post("/batches", response={201: EnrolmentBatchOut, 422: AnswerRefusedOut})
def create_batch(request: HttpRequest, data: EnrolmentBatchIn) -> Any:
    """The batch of a payer's starters in a month, from the approved plan (created once)."""
    try:
        programme = services.programme_by_slug(data.programme)
        source = services.source_for(programme, data.payer)
        batch = services.create_batch(
            programme, source, services.month_of(data.month), actor=request.user, via="api"
        )
    except EnrolmentError as exc:
        return Status(422, error(exc))
    return Status(201, services.batch_json(batch))


@router.get("/batches/{reference}/file")
def batch_file(request: HttpRequest, reference: str, format: str = "xlsx") -> HttpResponse:
    """The collective-registration file (xlsx or csv); its pending persons become sent."""
    batch = services.batches_for(request.user).filter(reference=reference).first()
    if batch is None or format not in ("xlsx", "csv"):
        raise Http404("Not found / tidak ditemukan")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{batch.reference}.{format}"
        services.export_batch(batch, out, actor=request.user, via="api")
        body = out.read_bytes()
    kind = "text/csv" if format == "csv" else XLSX_MIME
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.{format}"'
    return response


@router.post("/answers", response={200: AnswerOut, 422: AnswerRefusedOut})
def import_answer(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Import BPJS's answer file: every row applied, or none (the problems listed)."""
    suffix = Path(file.name or "answer.csv").suffix or ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            return answers.import_answer(Path(tmp.name), actor=request.user, via="api")
        except answers.AnswerRefused as exc:
            report = exc.report()
            detail = "answer file refused whole, nothing written / berkas jawaban ditolak seluruhnya"
            return Status(422, {"detail": detail, "code": "refused", **report})
