"""REST endpoints of bills, payments and the ledger (mounted under /api/v1/payments)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from jaring.enrolment.services import EnrolmentError, month_of, programme_by_slug
from jaring.payments import ledger, services, statements
from jaring.programmes import services as programme_services

router = Router(tags=["payments"])


class BillOut(Schema):
    reference: str | None
    kind: str
    payer: str
    payer_kind: str
    month: str
    persons: int
    amount: int
    paid: int
    status: str
    due_date: str | None
    plan_version: int | None


class MonthIn(Schema):
    programme: str
    month: str


class PaymentProblemOut(Schema):
    detail: str
    code: str
    problems: list[dict[str, Any]] = []


class StatementOut(Schema):
    already_imported: bool
    changed: int
    lines: int
    counts: dict[str, int]
    full: list[dict[str, Any]]
    short: list[dict[str, Any]]
    over: list[dict[str, Any]]
    duplicate: list[dict[str, Any]]
    unknown: list[dict[str, Any]]
    cancelled: list[dict[str, Any]]


class LedgerCheckOut(Schema):
    ok: bool
    problems: list[dict[str, Any]]
    totals: dict[str, int]
    database: str


def _error(exc: EnrolmentError) -> Any:
    return Status(422, {"detail": f"{exc.message_id} / {exc.message_en}", "code": exc.code})


@router.get("/bills", response={200: list[BillOut], 422: PaymentProblemOut})
def list_bills(
    request: HttpRequest, programme: str, payer: str | None = None, month: str | None = None
) -> Any:
    """A programme's bills and notes (totals only), with payer kind, month, persons, amount, status."""
    if not programme_services.programmes_for(request.user).filter(slug=programme).exists():
        return []
    try:
        qs = services.filtered(
            services.bills_for(request.user).filter(programme__slug=programme).select_related("plan"),
            payer,
            month_of(month) if month else None,
        )
    except EnrolmentError as exc:
        return _error(exc)
    return [services.bill_json(b) for b in qs]


@router.post("/bills/issue", response={200: list[BillOut], 422: PaymentProblemOut})
def issue(request: HttpRequest, data: MonthIn) -> Any:
    """Build a month's bills from the approved plan and issue them."""
    try:
        programme = programme_by_slug(data.programme)
        services.check_can_edit(request.user, programme)
        bills = services.issue_bills(programme, month_of(data.month), actor=request.user, via="api")
    except EnrolmentError as exc:
        return _error(exc)
    return [services.bill_json(b) for b in bills]


@router.post("/bills/reconcile", response={200: dict[str, list[Any]], 422: PaymentProblemOut})
def reconcile(request: HttpRequest, data: MonthIn) -> Any:
    """Reconcile every paid bill of a month; the others listed with why not."""
    try:
        programme = programme_by_slug(data.programme)
        return services.reconcile_month(programme, month_of(data.month), actor=request.user, via="api")
    except EnrolmentError as exc:
        return _error(exc)


@router.post("/statements", response={200: StatementOut, 422: PaymentProblemOut})
def import_statement(request: HttpRequest, file: File[UploadedFile], mapping: str | None = None) -> Any:
    """Import a payment statement; a bad line refuses it whole (the lines named)."""
    suffix = Path(file.name or "statement.csv").suffix or ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            return statements.import_statement(Path(tmp.name), actor=request.user, via="api", mapping=mapping)
        except statements.StatementRefused as exc:
            detail = "statement refused whole, nothing written / rekening koran ditolak seluruhnya"
            return Status(422, {"detail": detail, "code": "refused", "problems": exc.problems})


@router.get("/ledger/check", response=LedgerCheckOut)
def ledger_check(request: HttpRequest, programme: str | None = None) -> Any:
    """One payer per person-month; ledger = bills = reconciled payments (programmes the caller sees)."""
    from django.core.exceptions import PermissionDenied

    allowed = programme_services.programmes_for(request.user)
    if not allowed.exists():
        raise PermissionDenied("Forbidden / tidak diizinkan")
    target = allowed.filter(slug=programme).first() if programme else None
    return ledger.check(target)


@router.get("/burndown", response={200: dict[str, Any], 422: PaymentProblemOut})
def burndown(request: HttpRequest, programme: str) -> Any:
    """Planned vs billed vs paid per funding source and month, and quota use."""
    from jaring.payments.burndown import burndown as compute

    found = programme_services.programmes_for(request.user).filter(slug=programme).first()
    if found is None:
        return Status(422, {"detail": "Not found / tidak ditemukan", "code": "not_found"})
    try:
        return compute(found)
    except EnrolmentError as exc:
        return _error(exc)
