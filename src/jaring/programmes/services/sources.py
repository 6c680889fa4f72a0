"""Programmes and funding sources: who may read and edit them, the change log, field updates, summaries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone

from jaring.accounts.models import Role
from jaring.accounts.scope import Scope, scope_for
from jaring.programmes.models import (
    FundingSource,
    Programme,
    ProgrammeChange,
)
from jaring.programmes.rulecheck import check_rule

from .frames import person_frame, programme_persons

# Roles that may create and change programmes and sources (within their area).
EDIT_ROLES = {Role.PROGRAMME_OFFICER, Role.DATA_STEWARD}


# Roles that may read programmes and sources (definitions hold no personal data; sponsors see them and
# counts, never persons). Village operators see only their village's aggregates (the plan pages).
READ_ROLES = {*EDIT_ROLES, Role.BPS_REVIEWER, Role.AUDITOR, Role.SPONSOR}


def can_read(scope: Scope) -> bool:
    """Whether this user may see programmes and their sources."""
    return scope.is_superuser or (scope.role in READ_ROLES and scope.area_code is not None)


def can_edit(scope: Scope) -> bool:
    """Whether this user may create and change programmes and sources (within the area)."""
    return scope.is_superuser or (scope.role in EDIT_ROLES and scope.area_code is not None)


def programmes_for(user: Any) -> QuerySet[Programme]:
    """Programmes this user may see: those of a regency inside (or containing) the user's scope."""
    scope = scope_for(user)
    if not can_read(scope):
        return Programme.objects.none()
    return Programme.objects.filter(area__in=scope.areas()).select_related("area")


def sources_for(user: Any) -> QuerySet[FundingSource]:
    """Funding sources of the programmes this user may see."""
    return FundingSource.objects.filter(programme__in=programmes_for(user)).select_related(
        "programme", "payer"
    )


def check_can_edit(user: Any, programme: Programme | None = None, area: Any = None) -> None:
    """Raise PermissionDenied unless ``user`` may edit programmes of this programme's (or area's) regency."""
    scope = scope_for(user)
    target = programme.area if programme is not None else area
    if not can_edit(scope):
        raise PermissionDenied("Your role cannot edit programmes / peran Anda tidak dapat mengubah program")
    if target is not None and not scope.covers_area(target):
        raise PermissionDenied("Outside your area / di luar wilayah Anda")


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's fields as a JSON-ready dict (foreign keys as ids, many-to-many as sorted ids)."""
    data = model_to_dict(obj)
    for f in obj._meta.many_to_many:
        data[f.name] = sorted(getattr(v, "pk", v) for v in data.get(f.name, []))
    data["id"] = obj.pk
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


def _programme_id(obj: models.Model) -> int | None:
    if isinstance(obj, Programme):
        return obj.pk
    return getattr(obj, "programme_id", None)


def log_change(
    obj: models.Model, action: str, *, actor: Any, via: str, before: dict[str, Any] | None
) -> ProgrammeChange:
    """Record one change of a programme-app object."""
    return ProgrammeChange.objects.create(
        model=obj._meta.model_name or "",
        object_id=obj.pk,
        programme_id=_programme_id(obj),
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        via=via,
        before=before,
        after=snapshot(obj) if action != "delete" else None,
    )


def save_logged(obj: models.Model, *, actor: Any, via: str, before: dict[str, Any] | None = None) -> None:
    """Validate (full_clean) and save ``obj`` with a create/update entry in the change log, atomically."""
    obj.full_clean()
    creating = obj.pk is None
    with transaction.atomic():
        if hasattr(obj, "updated_at"):
            obj.updated_at = timezone.now()
        obj.save()
        log_change(obj, "create" if creating else "update", actor=actor, via=via, before=before)


def delete_logged(obj: models.Model, *, actor: Any, via: str) -> None:
    """Delete ``obj`` with a delete entry (its last image) in the change log."""
    with transaction.atomic():
        before = snapshot(obj)
        pk = obj.pk
        log_change(obj, "delete", actor=actor, via=via, before=before)
        obj.delete()
        obj.pk = pk


def changes_of(programme: Programme) -> QuerySet[ProgrammeChange]:
    """The change log of a programme and its sources, newest first."""
    return ProgrammeChange.objects.filter(programme_id=programme.pk).select_related("actor")


def update_fields(obj: models.Model, data: dict[str, Any], *, actor: Any, via: str) -> models.Model:
    """Apply ``data`` to ``obj`` and save it through the change log (ValidationError on bad values)."""
    before = snapshot(obj)
    for key, value in data.items():
        setattr(obj, key, value)
    save_logged(obj, actor=actor, via=via, before=before)
    return obj


def validation_messages(exc: ValidationError) -> list[dict[str, str]]:
    """A ValidationError as the API's field errors."""
    out: list[dict[str, str]] = []
    for field_name, messages in exc.message_dict.items():
        for message in messages:
            out.append({"field": field_name, "code": "invalid", "message": str(message)})
    return out


def source_summary(source: FundingSource, user: Any, language: str = "en") -> dict[str, Any]:
    """Aggregates of a source's rule over the approved persons of its programme in the user's scope:
    how many pass, and how many fail at each top-level clause with the commonest reasons."""
    frame = person_frame(programme_persons(source.programme, user), source.programme.first_month)
    checked = check_rule(source.rule)
    if checked.error is not None or checked.rule is None:
        return {"ok": False, "error": checked.error.as_dict() if checked.error else None}
    result = checked.rule.evaluate(frame, source_name=source.name)
    reason = "reason_id" if language.startswith("id") else "reason_en"
    failed = result.filter(~pl.col("passes"))
    clauses = []
    for clause in checked.rule.clauses:
        mine = failed.filter(pl.col("failed_clause") == clause.index)
        top = mine.group_by(reason).len().sort(["len", reason], descending=[True, False]).head(5)
        clauses.append(
            {
                "index": clause.index,
                "text": clause.text,
                "failed": mine.height,
                "reasons": [{"reason": r, "persons": n} for r, n in top.iter_rows()],
            }
        )
    return {
        "ok": True,
        "error": None,
        "total": frame.height,
        "eligible": int(result["passes"].sum()) if frame.height else 0,
        "clauses": clauses,
    }
