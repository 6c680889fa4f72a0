"""REST endpoints of programmes (mounted under /api/v1/programmes)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from jaring.accounts.models import Organisation
from jaring.accounts.scope import scope_for
from jaring.geo.models import Area, AreaLevel
from jaring.programmes import services
from jaring.programmes.lib.premiums import PAYER_KINDS, PremiumError, parse_month, premium
from jaring.programmes.models import FundingSource, Programme, month_label
from jaring.programmes.schemas import (
    MONTH_PATTERN,
    EligibilityOut,
    FundingSourceIn,
    FundingSourceOut,
    FundingSourcePatch,
    PremiumOut,
    ProgrammeChangeOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
    RuleCheckIn,
    RuleCheckOut,
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
        "source_count": p.sources.count(),
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
        b = premium(income, month, payer, occupation or None, jht=jht)
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
