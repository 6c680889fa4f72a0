"""REST endpoints of programmes (mounted under /api/v1/programmes)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Status

from jaring.accounts.models import Organisation
from jaring.accounts.scope import scope_for
from jaring.core.lib.spreadsheet import XLSX_MIME
from jaring.geo.models import Area, AreaLevel
from jaring.planning.premiums import PAYER_KINDS, PremiumError, parse_month
from jaring.planning.rules import RuleError
from jaring.programmes import services
from jaring.programmes.models import FundingSource, Programme, month_label
from jaring.programmes.schemas import (
    MONTH_PATTERN,
    ComparisonOut,
    CoverageOut,
    EligibilityOut,
    FundingSourceIn,
    FundingSourceOut,
    FundingSourcePatch,
    PlanApproveIn,
    PlanOut,
    PremiumOut,
    ProgrammeChangeOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
    RuleCheckIn,
    RuleCheckOut,
    WhatIfIn,
)
from jaring.registry.schemas import ErrorOut

router = Router(tags=["programmes"])

NOT_FOUND = "Not found / tidak ditemukan"


def programme_out(p: Programme) -> dict[str, Any]:
    """A programme as the API returns it."""
    return {
        "slug": p.slug,
        "name": p.name,
        "area_code": p.area.code,
        "area_name": p.area.name,
        "first_month": month_label(p.first_month),
        "last_month": month_label(p.last_month),
        "includes_jht": p.includes_jht,
        "declared_income": p.declared_income,
        "priority_criteria": p.priority_criteria or [],
        "notes": p.notes,
        "source_count": p.n_sources if hasattr(p, "n_sources") else p.sources.count(),
        "updated_at": p.updated_at,
    }


def source_out(s: FundingSource) -> dict[str, Any]:
    """A funding source as the API returns it."""
    return {
        "slug": s.slug,
        "programme": s.programme.slug,
        "name": s.name,
        "kind": s.kind,
        "payer": s.payer.slug if s.payer else None,
        "payer_name": s.payer.name if s.payer else None,
        "rule": s.rule,
        "first_month": month_label(s.first_month),
        "last_month": month_label(s.last_month),
        "quota_persons": s.quota_persons,
        "budget_rupiah": s.budget_rupiah,
        "max_months_per_person": s.max_months_per_person,
        "legal_basis": s.legal_basis,
        "notes": s.notes,
        "updated_at": s.updated_at,
    }


def _invalid(errors: list[dict[str, str]]) -> Status:
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    out = [
        {"field": e["field"], "code": e["code"], "message_id": e["message"], "message_en": e["message"]}
        for e in errors
    ]
    return Status(422, {"detail": detail, "code": "invalid", "errors": out})


def _get_programme(request: HttpRequest, slug: str) -> Programme:
    if "\x00" in slug:  # PostgreSQL refuses NUL in a query; no slug holds one anyway
        raise Http404(NOT_FOUND)
    found = services.programmes_for(request.user).filter(slug=slug).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _get_source(request: HttpRequest, slug: str, source_slug: str) -> FundingSource:
    if "\x00" in slug + source_slug:
        raise Http404(NOT_FOUND)
    found = services.sources_for(request.user).filter(programme__slug=slug, slug=source_slug).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _payer(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise ValidationError({"payer": f"Unknown organisation {slug!r} / organisasi {slug!r} tidak dikenal"})
    return org


def _save(obj: Any, request: HttpRequest, before: dict[str, Any] | None = None) -> Status | None:
    """Save through the change log; a (status, body) pair for invalid input, None when saved."""
    try:
        with transaction.atomic():
            services.save_logged(obj, actor=request.user, via="api", before=before)
    except ValidationError as exc:
        return _invalid(services.validation_messages(exc))
    except IntegrityError:
        return _invalid(
            [{"field": "slug", "code": "duplicate", "message": "Slug already used / slug sudah dipakai"}]
        )
    return None


# --- fixed paths first (before /{slug}) ---------------------------------------------------------------


@router.post(
    "/rules/check",
    response={200: RuleCheckOut, 404: ErrorOut},
    summary="Check an eligibility rule",
    url_name="programmes_rule_check",
)
def check_rule(request: HttpRequest, payload: RuleCheckIn) -> Any:
    """Whether a rule can be saved (else the error and its column), and how many approved persons pass it."""
    programme = _get_programme(request, payload.programme) if payload.programme else None
    return services.rule_summary(payload.rule, user=request.user, programme=programme)


@router.get("/premium", response={200: PremiumOut, 422: ErrorOut}, summary="Compute a BPU contribution")
def get_premium(
    request: HttpRequest,
    month: str = Query(..., pattern=MONTH_PATTERN, description="Contribution month, YYYY-MM."),
    payer: str = Query(..., max_length=10, description="Payer kind: dbhcht, apbd, apbn, csr or other."),
    income: int | None = Query(None, ge=0, le=10**12, description="Declared monthly income (Rp)."),
    occupation: str | None = Query(None, max_length=60, description="Occupation category slug."),
    jht: bool = Query(False, description="Include the optional JHT."),
) -> Any:
    """JKK, JKM and JHT of one person-month from the stored (effective-dated) rates, and the rule used."""
    if payer not in PAYER_KINDS:
        detail = f"Unknown payer kind {payer!r} / jenis pembayar {payer!r} tidak dikenal"
        return Status(422, {"detail": detail, "code": "bad_payer"})
    try:
        b = services.premium(income, month, payer, occupation or None, jht=jht)
    except PremiumError as exc:
        body = {"detail": f"{exc.message_id} / {exc.message_en}", "code": exc.code}
        return Status(422, body | {"message_id": exc.message_id, "message_en": exc.message_en})
    return {
        **b.as_dict(),
        "declared_income": b.declared_income,
        "discount": b.discount,
        "verified": b.verified,
    }


# --- programmes ---------------------------------------------------------------------------------------


@router.get("", response=list[ProgrammeOut], summary="List programmes")
def list_programmes(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Part of the slug or name."),
    limit: int = Query(100, ge=1, le=500, description="Page size."),
    offset: int = Query(0, ge=0, le=1_000_000, description="Rows to skip."),
) -> list[dict[str, Any]]:
    """Programmes you may see (staff of the regency, sponsors); empty for village operators."""
    qs = services.programmes_for(request.user)
    q = q.replace("\x00", "")
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(slug__icontains=q)
    qs = qs.annotate(n_sources=Count("sources", distinct=True))  # one query, not one per programme
    return [programme_out(p) for p in qs.order_by("-first_month", "slug")[offset : offset + limit]]


@router.post("", response={201: ProgrammeOut, 403: ErrorOut, 422: ErrorOut}, summary="Create a programme")
def create_programme(request: HttpRequest, payload: ProgrammeIn) -> Any:
    """A new programme for a regency of your scope (programme officers and data stewards)."""
    area = Area.objects.filter(code=payload.area_code, level=AreaLevel.REGENCY).first()
    if area is None:
        return _invalid(
            [
                {
                    "field": "area_code",
                    "code": "unknown",
                    "message": "Unknown regency / kabupaten tidak dikenal",
                }
            ]
        )
    services.check_can_edit(request.user, area=area)
    data = payload.dict()
    data.pop("area_code")
    data["first_month"] = parse_month(data["first_month"])
    data["last_month"] = parse_month(data["last_month"])
    programme = Programme(area=area, **data)
    failed = _save(programme, request)
    if failed:
        return failed
    return Status(201, programme_out(programme))


@router.get("/{slug}", response={200: ProgrammeOut, 404: ErrorOut}, summary="Get a programme")
def get_programme(request: HttpRequest, slug: str) -> Any:
    """One programme you may see."""
    return programme_out(_get_programme(request, slug))


@router.patch(
    "/{slug}",
    response={200: ProgrammeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a programme",
)
def update_programme(request: HttpRequest, slug: str, payload: ProgrammePatch) -> Any:
    """Change the fields sent (programme officers and data stewards); every change enters the change log."""
    programme = _get_programme(request, slug)
    services.check_can_edit(request.user, programme)
    before = services.snapshot(programme)
    for key, value in payload.dict(exclude_unset=True).items():
        if value is None and key != "declared_income":  # null clears only the declared income
            continue
        if key in ("first_month", "last_month"):
            value = parse_month(value)
        setattr(programme, key, value)
    failed = _save(programme, request, before)
    if failed:
        return failed
    return programme_out(programme)


@router.get(
    "/{slug}/changes",
    response={200: list[ProgrammeChangeOut], 404: ErrorOut},
    summary="A programme's change log",
)
def programme_changes(request: HttpRequest, slug: str, limit: int = Query(100, ge=1, le=500)) -> Any:
    """Changes to the programme and its sources, newest first (not for sponsors)."""
    programme = _get_programme(request, slug)
    if not scope_for(request.user).can_read_changelog:
        raise PermissionDenied("Your role cannot read the change log / peran Anda tidak dapat membaca log")
    out = []
    for c in services.changes_of(programme)[:limit]:
        changes = {k: [b, a] for k, b, a in c.changed_fields()}
        actor = c.actor.get_username() if c.actor else None
        out.append(
            {"id": c.pk, "model": c.model, "object_id": c.object_id, "action": c.action, "at": c.at}
            | {"actor": actor, "via": c.via, "changes": changes}
        )
    return out


# --- sources ------------------------------------------------------------------------------------------


@router.get(
    "/{slug}/sources",
    response={200: list[FundingSourceOut], 404: ErrorOut},
    summary="List a programme's sources",
)
def list_sources(request: HttpRequest, slug: str) -> Any:
    """The funding sources of a programme."""
    programme = _get_programme(request, slug)
    return [source_out(s) for s in programme.sources.select_related("payer", "programme")]


@router.post(
    "/{slug}/sources",
    response={201: FundingSourceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a funding source",
)
def create_source(request: HttpRequest, slug: str, payload: FundingSourceIn) -> Any:
    """A new funding source; its rule is checked (an error names the column)."""
    programme = _get_programme(request, slug)
    services.check_can_edit(request.user, programme)
    data = payload.dict()
    try:
        data["payer"] = _payer(data.get("payer"))
    except ValidationError as exc:
        return _invalid(services.validation_messages(exc))
    data["first_month"] = parse_month(data["first_month"])
    data["last_month"] = parse_month(data["last_month"])
    source = FundingSource(programme=programme, **data)
    if programme.sources.filter(slug=source.slug).exists():
        return _invalid(
            [{"field": "slug", "code": "duplicate", "message": "Slug already used / slug sudah dipakai"}]
        )
    failed = _save(source, request)
    if failed:
        return failed
    return Status(201, source_out(source))


@router.get(
    "/{slug}/sources/{source_slug}",
    response={200: FundingSourceOut, 404: ErrorOut},
    summary="Get a funding source",
)
def get_source(request: HttpRequest, slug: str, source_slug: str) -> Any:
    """One funding source."""
    return source_out(_get_source(request, slug, source_slug))


@router.patch(
    "/{slug}/sources/{source_slug}",
    response={200: FundingSourceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a funding source",
)
def update_source(request: HttpRequest, slug: str, source_slug: str, payload: FundingSourcePatch) -> Any:
    """Change the fields sent; null clears a capacity (quota, budget, months per person)."""
    source = _get_source(request, slug, source_slug)
    services.check_can_edit(request.user, source.programme)
    before = services.snapshot(source)
    clearable = {"quota_persons", "budget_rupiah", "max_months_per_person"}
    for key, value in payload.dict(exclude_unset=True).items():
        if value is None and key not in clearable:
            continue
        if key == "payer":
            try:
                value = _payer(value)
            except ValidationError as exc:
                return _invalid(services.validation_messages(exc))
        elif key in ("first_month", "last_month"):
            value = parse_month(value)
        setattr(source, key, value)
    failed = _save(source, request, before)
    if failed:
        return failed
    return source_out(source)


@router.get(
    "/{slug}/sources/{source_slug}/eligibility",
    response={200: EligibilityOut, 404: ErrorOut},
    summary="Who passes a source's rule (counts)",
)
def source_eligibility(
    request: HttpRequest,
    slug: str,
    source_slug: str,
    lang: str = Query("en", pattern="^(en|id)$", description="Language of the reasons: en or id."),
) -> Any:
    """How many approved persons of the programme in your scope pass the source's rule, and where the
    others fail (the first failing clause, the commonest reasons). Aggregates only: sponsors may call it."""
    source = _get_source(request, slug, source_slug)
    summary = services.source_summary(source, request.user, language=lang)
    return {"clauses": [], "total": None, "eligible": None} | summary


# --- plans ------------------------------------------------------------------------------------------

XLSX = XLSX_MIME


def plan_out(plan: Any) -> dict[str, Any]:
    """A stored plan as the API returns it (aggregates only)."""
    s = plan.summary or {}
    return {
        "id": plan.pk,
        "programme": plan.programme.slug,
        "kind": plan.kind,
        "version": plan.version,
        "is_locked": plan.is_locked,
        "label": plan.label,
        "base": plan.base_id,
        "overrides": plan.overrides or {},
        "months": list(plan.months),
        "persons": plan.persons,
        "covered_persons": s.get("covered_persons", 0),
        "covered_person_months": s.get("covered_person_months", 0),
        "cost": s.get("cost", 0),
        "sources": s.get("sources", []),
        "uncovered_persons": s.get("uncovered_persons", {}),
        "uncovered_person_months": s.get("uncovered_person_months", {}),
        "seconds": plan.seconds,
        "created_at": plan.created_at,
        "created_by": plan.created_by.username if plan.created_by else None,
        "approved_at": plan.approved_at,
        "approved_by": plan.approved_by.username if plan.approved_by else None,
    }


def _plan(programme: Programme, plan_id: int | None) -> Any:
    """A plan of the programme by id, or the current plan; 404 when there is none."""
    plan = (
        programme.plans.filter(pk=plan_id).first()
        if plan_id is not None
        else services.current_plan(programme)
    )
    if plan is None:
        raise Http404("No plan yet / belum ada rencana")
    return plan


def _refused(exc: Exception, code: str) -> Status:
    message = str(exc)
    mid, _sep, men = message.partition(" / ")
    return Status(422, {"detail": message, "code": code, "message_id": mid, "message_en": men or mid})


@router.get("/{slug}/plans", response={200: list[PlanOut], 404: ErrorOut}, summary="List a programme's plans")
def list_plans(
    request: HttpRequest,
    slug: str,
    kind: str = Query("", pattern="^(|draft|approved|what_if)$", description="Only this kind."),
    limit: int = Query(50, ge=1, le=200, description="Page size."),
    offset: int = Query(0, ge=0, le=1_000_000, description="Rows to skip."),
) -> Any:
    """The programme's plans, newest first: approved versions, drafts and what-ifs (aggregates only)."""
    programme = _get_programme(request, slug)
    qs = programme.plans.select_related("programme", "created_by", "approved_by")
    if kind:
        qs = qs.filter(kind=kind)
    return [plan_out(p) for p in qs.order_by("-created_at", "-id")[offset : offset + limit]]


@router.get("/{slug}/plan", response={200: PlanOut, 404: ErrorOut}, summary="Get the current plan")
def get_plan(
    request: HttpRequest,
    slug: str,
    plan_id: int | None = Query(None, ge=1, le=2**62, description="A plan's id; default: the current plan."),
) -> Any:
    """The plan in force (the latest approved version, else the latest draft), or the plan ``plan_id``:
    per source and month persons and cost, remaining capacity, uncovered persons by reason."""
    return plan_out(_plan(_get_programme(request, slug), plan_id))


@router.post(
    "/{slug}/plan",
    response={201: PlanOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Compute and store a draft plan",
)
def compute_plan(request: HttpRequest, slug: str) -> Any:
    """Compute the programme's plan from its approved persons and sources now, stored as a draft."""
    programme = _get_programme(request, slug)
    try:
        plan = services.compute_and_store(programme, actor=request.user, via="api")
    except (ValueError, RuleError) as exc:
        return _refused(exc, "invalid")
    return Status(201, plan_out(plan))


@router.post(
    "/{slug}/plan/approve",
    response={200: PlanOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Approve a draft plan",
)
def approve_plan(request: HttpRequest, slug: str, payload: PlanApproveIn) -> Any:
    """Approve a draft (default: the latest): it gets the programme's next version number and is locked."""
    from jaring.programmes.models import PlanKind

    programme = _get_programme(request, slug)
    services.check_can_edit(request.user, programme)
    drafts = programme.plans.filter(kind=PlanKind.DRAFT)
    plan = (
        drafts.filter(pk=payload.plan_id).first()
        if payload.plan_id is not None
        else drafts.order_by("-created_at", "-id").first()
    )
    if plan is None:
        raise Http404("No such draft / draf tidak ditemukan")
    try:
        plan = services.approve_plan(plan, actor=request.user, via="api")
    except services.PlanLocked as exc:
        return Status(
            409,
            {
                "detail": str(exc),
                "code": "locked",
                "message_id": exc.message_id,
                "message_en": exc.message_en,
            },
        )
    return plan_out(plan)


def _comparison(request: HttpRequest, what_if: Any, which: str, page: int, per_page: int) -> dict[str, Any]:
    base = what_if.base
    wv = services.view_of(what_if)
    if base is None:
        empty = services.PlanView(
            programme=wv.programme,
            months=wv.months,
            sources=[],
            summary={"sources": [], "covered_persons": 0, "covered_person_months": 0, "cost": 0},
            person_ids=wv.person_ids[:0],
            assignment=wv.assignment[:0],
            reasons=wv.reasons[:0],
        )
        bv = empty
    else:
        bv = services.view_of(base)
    cmp = services.compare_plans(bv, wv)
    listing = services.changes_page(
        cmp.pop("changes"), request.user, which=which, page=page, per_page=per_page
    )
    return cmp | {
        "what_if": plan_out(what_if),
        "base": plan_out(base) if base is not None else None,
        "which": which,
        "total": listing["total"],
        "page": listing["page"],
        "pages": listing["pages"],
        "rows": listing["rows"],
    }


@router.post(
    "/{slug}/what-if",
    response={201: ComparisonOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Compute a what-if and compare it with the current plan",
)
def create_what_if(request: HttpRequest, slug: str, payload: WhatIfIn) -> Any:
    """Try changed quotas, budgets, months or rules of sources (unsaved copies) and compare the result
    with the current plan: persons, person-months and cost per source, who gains or loses coverage."""
    programme = _get_programme(request, slug)
    try:
        what_if = services.run_what_if(
            programme, payload.sources, actor=request.user, via="api", label=payload.label
        )
    except services.WhatIfError as exc:
        return Status(
            422,
            {
                "detail": str(exc),
                "code": "invalid_what_if",
                "message_id": exc.message_id,
                "message_en": exc.message_en,
            },
        )
    return Status(201, _comparison(request, what_if, "all", 1, 50))


@router.get(
    "/{slug}/what-if/{plan_id}",
    response={200: ComparisonOut, 404: ErrorOut},
    summary="A stored what-if compared with its base",
)
def get_what_if(
    request: HttpRequest,
    slug: str,
    plan_id: int,
    which: str = Query("all", pattern="^(all|gains|losses)$", description="all, gains or losses."),
    page: int = Query(1, ge=1, le=1_000_000, description="Page of the list (1-based)."),
    per_page: int = Query(50, ge=1, le=500, description="Rows per page."),
) -> Any:
    """A what-if side by side with the plan it was compared with, and one page of who gains or loses."""
    from jaring.programmes.models import PlanKind

    programme = _get_programme(request, slug)
    what_if = programme.plans.filter(pk=plan_id, kind=PlanKind.WHAT_IF).first() if plan_id < 2**62 else None
    if what_if is None:
        raise Http404(NOT_FOUND)
    return _comparison(request, what_if, which, page, per_page)


@router.get(
    "/{slug}/persons/{nik}/coverage",
    response={200: CoverageOut, 404: ErrorOut},
    summary="A person's coverage timeline with reasons",
)
def person_coverage(
    request: HttpRequest,
    slug: str,
    nik: str,
    plan_id: int | None = Query(None, ge=1, le=2**62, description="A plan's id; default: the current plan."),
) -> Any:
    """Every month of the programme for one person: the paying source and premium, or why none pays
    (each source's failing clause, its months, or the limits reached and the priority cut-off).
    Only for users who may see persons (never sponsors) and within their villages."""
    programme = _get_programme(request, slug)
    person = services.person_in_scope(programme, request.user, nik)
    if person is None:
        raise Http404(NOT_FOUND)
    plan = _plan(programme, plan_id)
    months = services.person_coverage(services.view_of(plan), person)
    if months is None:
        raise Http404("The person is not in this plan / orang ini tidak ada dalam rencana")
    return {
        "programme": programme.slug,
        "plan": plan.pk,
        "version": plan.version,
        "nik": person.nik,
        "name": person.full_name,
        "months": months,
    }


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


FILE_RESPONSE = {"responses": {"200": {"description": "An XLSX workbook.", "content": {XLSX: {}}}}}


@router.get(
    "/{slug}/plan/export",
    response={200: None, 403: ErrorOut, 404: ErrorOut},
    summary="Export the plan (XLSX)",
    openapi_extra=FILE_RESPONSE,
)
def export_plan(
    request: HttpRequest,
    slug: str,
    layout: str = Query("months", pattern="^(months|person_months)$", description="months or person_months."),
    plan_id: int | None = Query(None, ge=1, le=2**62, description="A plan's id; default: the current plan."),
) -> Any:
    """The plan per person (one column per month) or per person-month, with NIK, name and village, for the
    persons of your villages (not for sponsors). Text cells are neutralised against formula injection."""
    programme = _get_programme(request, slug)
    if not scope_for(request.user).can_read_personal_data:
        raise PermissionDenied("Your role does not see persons / peran Anda tidak melihat data orang")
    plan = _plan(programme, plan_id)
    frame = services.export_rows(services.view_of(plan), request.user, layout=layout)
    return _xlsx(services.to_xlsx(frame, "plan"), f"{programme.slug}-plan-{plan.pk}-{layout}.xlsx")


@router.get(
    "/{slug}/plan/reasons",
    response={200: None, 403: ErrorOut, 404: ErrorOut},
    summary="Export the reasons of uncovered person-months (XLSX)",
    openapi_extra=FILE_RESPONSE,
)
def export_reasons(
    request: HttpRequest,
    slug: str,
    lang: str = Query("en", pattern="^(en|id)$", description="Language of the reasons: en or id."),
    plan_id: int | None = Query(None, ge=1, le=2**62, description="A plan's id; default: the current plan."),
) -> Any:
    """Every uncovered person-month of your villages' persons with its reason code and plain-words
    explanation (and each source's failing clause for persons eligible for nothing); not for sponsors."""
    programme = _get_programme(request, slug)
    if not scope_for(request.user).can_read_personal_data:
        raise PermissionDenied("Your role does not see persons / peran Anda tidak melihat data orang")
    plan = _plan(programme, plan_id)
    frame = services.reasons_rows(services.view_of(plan), request.user, language=lang)
    return _xlsx(services.to_xlsx(frame, "reasons"), f"{programme.slug}-reasons-{plan.pk}.xlsx")
