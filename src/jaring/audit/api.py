"""REST endpoint of the audit trail (under /api/v1/audit): the same listing as the page, as JSON."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jaring.accounts.scope import scope_for
from jaring.audit import services

router = Router(tags=["audit"])
MAX_LIMIT = 500


class AuditEntryOut(Schema):
    """One change of any log."""

    kind: str = Field(..., description="person, programme, round, review or dedup.")
    at: dt.datetime
    actor: str
    action: str
    object: str = Field(..., description="The changed object, in words (NIK and name, batch, programme…).")
    object_url: str = Field("", description="The object's page, when it has one.")
    summary: str = Field("", description="What changed (field names, status move, comment).")


class AuditPage(Schema):
    items: list[AuditEntryOut]
    count: int
    limit: int
    offset: int


class AuditQuery(Schema):
    kind: str = Field("", description="Only this log: person, programme, round, review or dedup.")
    user: str = Field("", description="Only changes by this login name.")
    date_from: dt.date | None = Field(None, description="From this day (inclusive).")
    date_to: dt.date | None = Field(None, description="Up to this day (inclusive).")
    person: str = Field("", description="Only changes of the person with this NIK.")
    batch: int | None = Field(None, description="Only changes of this import batch.")
    programme: str = Field("", description="Only changes of the programme with this slug.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


@router.get("/", response=AuditPage, summary="Audit trail: every change in your scope, newest first")
def audit_trail(request: HttpRequest, q: Query[AuditQuery]) -> dict[str, object]:
    scope = scope_for(request.user)
    if not services.can_read_audit(scope):
        raise PermissionDenied("Hanya auditor dan pengelola data / Only auditors and data stewards")
    filters = services.AuditFilters(
        kind=q.kind,
        user=q.user,
        date_from=q.date_from,
        date_to=q.date_to,
        person=q.person,
        batch=q.batch,
        programme=q.programme,
    )
    log = services.AuditLog(scope, filters)
    items = [
        {
            "kind": e.kind,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "object": e.object_label,
            "object_url": e.object_url,
            "summary": e.summary,
        }
        for e in log[q.offset : q.offset + q.limit]
    ]
    return {"items": items, "count": log.count(), "limit": q.limit, "offset": q.offset}
