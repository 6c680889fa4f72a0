"""REST endpoints of agreements (mounted under /api/v1/agreements)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from jaring.accounts.scope import scope_for
from jaring.agreements import services

router = Router(tags=["agreements"])


class PartyOut(Schema):
    organisation: str = Field(..., description="The organisation's slug.")
    name: str = Field(..., description="The organisation's name.")
    role: str = Field(..., description="provider, user or supervisor.")


class AgreementOut(Schema):
    """A data-sharing agreement as its current version."""

    id: int
    number: str = Field(..., description="The agreement's number (unique).")
    title: str
    kind: str = Field(..., description="mou, pks or sponsor.")
    version: int = Field(..., description="Current version; every amendment adds one.")
    status: str = Field(..., description="Stored status: draft, active, suspended, expired or revoked.")
    effective_status: str = Field(
        ..., description="The status today (an active agreement past its end is expired)."
    )
    valid_from: dt.date
    valid_to: dt.date
    purposes: list[str] = Field(..., description="Permitted purposes (code list).")
    forbidden_uses: list[str] = Field(..., description="Forbidden uses; always includes commercial.")
    field_groups: list[str] = Field(..., description="Field groups in scope.")
    areas: list[str] = Field(..., description="Kemendagri codes covered.")
    aggregates_only: bool
    min_cell: int = Field(..., description="Counts below this are suppressed.")
    document_sha256: str = Field(..., description="SHA-256 of the signed document, if uploaded.")
    parties: list[PartyOut]


class AgreementDecisionOut(Schema):
    """Whether the caller may read an area's person data for a purpose, and under which agreement."""

    allowed: bool
    agreement_id: int | None = Field(None, description="The agreement it is allowed under.")
    version: int | None = Field(None, description="That agreement's version.")
    field_groups: list[str] = Field(..., description="The field groups granted (others are left out).")
    as_provider: bool = Field(..., description="True when the caller is the data provider itself.")
    reasons: list[str] = Field(..., description="Why not, in the request's language.")


class AgreementCheckQuery(Schema):
    area: str = Field(..., description="Kemendagri code of the area read.")
    purpose: str = Field(..., description="Purpose code.")
    fields: str = Field("", description="Comma-separated field groups asked for.")


@router.get("/", response=list[AgreementOut], summary="Agreements the caller may read")
def list_agreements(request: HttpRequest) -> list[dict[str, Any]]:
    qs = services.visible_to(scope_for(request.user)).prefetch_related("parties__organisation")
    return [services.agreement_out(a) for a in qs]


@router.get("/check", response=AgreementDecisionOut, summary="The agreement decision for a read")
def check(request: HttpRequest, q: Query[AgreementCheckQuery]) -> dict[str, Any]:
    groups = [g for g in q.fields.split(",") if g]
    d = services.decide_for(request.user, area_code=q.area, purpose=q.purpose, field_groups=groups)
    lang = get_language() or "id"
    return {
        "allowed": d.allowed,
        "agreement_id": d.agreement_id,
        "version": d.version,
        "field_groups": sorted(d.field_groups),
        "as_provider": d.as_provider,
        "reasons": [r.text(lang) for r in d.reasons],
    }


@router.get("/{agreement_id}", response=AgreementOut, summary="One agreement")
def get_agreement(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    found = services.visible_to(scope_for(request.user)).filter(pk=agreement_id).first()
    if found is None:
        raise Http404
    return services.agreement_out(found)
