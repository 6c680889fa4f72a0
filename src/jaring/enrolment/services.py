"""Enrolment batches from an approved plan, the collective-registration export and the change log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jaring.accounts.models import Role
from jaring.accounts.scope import scope_for
from jaring.enrolment.lib.mapping import DEFAULT_COLUMNS
from jaring.enrolment.models import (
    OPEN_STATUSES,
    BatchStatus,
    Enrolment,
    EnrolmentBatch,
    EnrolmentChange,
    EnrolmentStatus,
    RegistrationMapping,
)
from jaring.programmes import services as programme_services
from jaring.programmes.models import FundingSource, Programme
from jaring.registry.models import Person

# Roles that enrol persons, import BPJS's answers and issue bills (Disnaker runs the programme).
EDIT_ROLES = {Role.PROGRAMME_OFFICER, Role.DATA_STEWARD}


class EnrolmentError(ValueError):
    """A request that cannot be carried out, in both languages."""

    def __init__(self, code: str, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.code, self.message_id, self.message_en = code, message_id, message_en


def can_edit(user: Any) -> bool:
    """Whether ``user`` may enrol, import answers, issue bills and import statements."""
    scope = scope_for(user)
    return scope.is_superuser or (scope.role in EDIT_ROLES and scope.area_code is not None)


def check_can_edit(user: Any, programme: Programme) -> None:
    """PermissionDenied unless ``user`` may act on this programme's enrolment and bills."""
    scope = scope_for(user)
    if not can_edit(user) or not scope.covers_area(programme.area):
        raise PermissionDenied(
            "Your role cannot enrol or bill / peran Anda tidak dapat mendaftarkan atau menagih"
        )


def month_of(value: str | dt.date) -> dt.date:
    """``2025-07`` as its first day, or EnrolmentError."""
    from jaring.planning.premiums import PremiumError, parse_month

    try:
        return parse_month(value)
    except PremiumError as exc:
        raise EnrolmentError("bad_month", exc.message_id, exc.message_en) from exc


def programme_by_slug(slug: str) -> Programme:
    programme = Programme.objects.select_related("area").filter(slug=slug).first()
    if programme is None:
        raise EnrolmentError("no_programme", f"program '{slug}' tidak ada", f"no programme '{slug}'")
    return programme


def source_for(programme: Programme, payer: str) -> FundingSource:
    """The programme's source a ``--payer`` names: its slug, or its kind when only one source has it."""
    sources = list(programme.sources.select_related("payer"))
    by_slug = [s for s in sources if s.slug == payer]
    by_kind = [s for s in sources if s.kind == payer]
    if by_slug:
        return by_slug[0]
    if len(by_kind) == 1:
        return by_kind[0]
    names = ", ".join(f"{s.slug} ({s.kind})" for s in sources)
    if by_kind:
        raise EnrolmentError(
            "ambiguous_payer",
            f"beberapa sumber berjenis '{payer}': sebut slug-nya ({names})",
            f"several sources of kind '{payer}': name its slug ({names})",
        )
    raise EnrolmentError(
        "no_payer", f"program ini tidak punya pembayar '{payer}' ({names})", f"no payer '{payer}' ({names})"
    )


def approved_plan(programme: Programme) -> Any:
    """The programme's newest approved plan version, or EnrolmentError."""
    plan = programme_services.approved_plans(programme).first()
    if plan is None:
        raise EnrolmentError(
            "no_approved_plan",
            "program ini belum punya rencana yang disetujui",
            "this programme has no approved plan yet",
        )
    return plan


# --- change log ---------------------------------------------------------------------------------------


def log(obj: Any, action: str, *, actor: Any, via: str, before: Any = None, after: Any = None) -> None:
    """One change-log entry for an enrolment-app object."""
    EnrolmentChange.objects.create(
        model=obj._meta.model_name,
        object_id=obj.pk,
        person_id=getattr(obj, "person_id", None),
        action=action,
        actor=_user(actor),
        via=via,
        before=before,
        after=after,
    )


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def log_statuses(rows: list[tuple[Enrolment, dict[str, Any]]], *, actor: Any, via: str, action: str) -> None:
    """Bulk change-log entries for many enrolments (before image given, after read off the object)."""
    at = timezone.now()
    EnrolmentChange.objects.bulk_create(
        [
            EnrolmentChange(
                model="enrolment",
                object_id=e.pk,
                person_id=e.person_id,
                action=action,
                actor=_user(actor),
                via=via,
                at=at,
                before=before,
                after=enrolment_image(e),
            )
            for e, before in rows
        ],
        batch_size=2000,
    )


def enrolment_image(e: Enrolment) -> dict[str, Any]:
    return {
        "status": e.status,
        "kpj": e.kpj,
        "start_date": e.start_date.isoformat() if e.start_date else None,
        "reason": e.reason,
        "ended_month": e.ended_month.isoformat() if e.ended_month else None,
        "end_reason": e.end_reason,
    }


def chunked_in(qs: QuerySet[Any], field: str, values: list[Any], flat: str, step: int = 10_000) -> set[Any]:
    """``qs.filter(<field>__in=values).values_list(flat)`` in slices (SQLite limits a query's variables)."""
    out: set[Any] = set()
    for start in range(0, len(values), step):
        part = values[start : start + step]
        out.update(qs.filter(**{f"{field}__in": part}).values_list(flat, flat=True))
    return out


# --- batches ------------------------------------------------------------------------------------------


def starters(plan: Any, source: FundingSource, month: dt.date) -> list[int]:
    """Person ids whose first covered month of the plan is ``month``, paid then by ``source``."""
    import numpy as np

    arrays = programme_services.plan_arrays(plan)
    label = f"{month:%Y-%m}"
    if label not in plan.months:
        return []
    t = plan.months.index(label)
    keys = [s["key"] for s in plan.sources]
    if source.slug not in keys:
        return []
    s = keys.index(source.slug)
    assignment = arrays["assignment"]
    covered_before = (assignment[:, :t] >= 0).any(axis=1) if t else np.zeros(len(assignment), dtype=bool)
    hit = (assignment[:, t] == s) & ~covered_before
    return [int(x) for x in arrays["person_ids"][hit]]


def batch_reference(source: FundingSource, month: dt.date) -> str:
    return f"ENR-{source.programme.slug}-{source.slug}-{month:%Y%m}".upper()


def create_batch(
    programme: Programme, source: FundingSource, month: dt.date, *, actor: Any, via: str
) -> EnrolmentBatch:
    """The batch of ``source`` starting in ``month`` (created once from the approved plan; idempotent).

    It lists the plan's starters who are not yet members or already in an open enrolment of the
    programme (pending, sent, registered or already a member)."""
    check_can_edit(actor, programme)
    existing = EnrolmentBatch.objects.filter(source=source, start_month=month).first()
    if existing is not None:
        return existing
    plan = approved_plan(programme)
    ids = starters(plan, source, month)
    taken = chunked_in(
        Enrolment.objects.filter(programme=programme, status__in=OPEN_STATUSES), "person_id", ids, "person_id"
    )
    members = chunked_in(Person.objects.filter(bpjs_status="active"), "pk", ids, "pk")
    chosen = [i for i in ids if i not in taken and i not in members]
    if not chosen:
        raise EnrolmentError(
            "nobody_starts",
            f"tidak ada orang yang mulai dengan {source.name} pada {month:%Y-%m} dan belum menjadi peserta",
            f"nobody starts with {source.name} in {month:%Y-%m} who is not yet a member",
        )
    with transaction.atomic():
        batch = EnrolmentBatch.objects.create(
            programme=programme,
            plan=plan,
            source=source,
            start_month=month,
            reference=batch_reference(source, month),
            persons=len(chosen),
            created_by=_user(actor),
        )
        Enrolment.objects.bulk_create(
            [Enrolment(batch=batch, programme=programme, person_id=i) for i in chosen], batch_size=2000
        )
        log(
            batch,
            "create",
            actor=actor,
            via=via,
            after={"reference": batch.reference, "persons": len(chosen)},
        )
    return batch


def default_mapping() -> RegistrationMapping:
    """The default registration mapping (seeded by migration; recreated if an admin deleted it)."""
    mapping = RegistrationMapping.objects.filter(is_default=True).first()
    if mapping is None:
        mapping, _ = RegistrationMapping.objects.get_or_create(
            slug="permenaker-5-2021",
            defaults={"name": "Permenaker 5/2021 (default)", "columns": DEFAULT_COLUMNS, "is_default": True},
        )
    return mapping


def registration_frame(batch: EnrolmentBatch, mapping: RegistrationMapping | None = None) -> pl.DataFrame:
    """The batch's persons as the registration file's columns (all text; NIK never a number)."""
    mapping = mapping or default_mapping()
    programme = batch.programme
    rows = list(
        Enrolment.objects.filter(batch=batch)
        .order_by("person__nik")
        .values_list(
            "person__nik",
            "person__full_name",
            "person__birth_date",
            "person__sex",
            "person__address",
            "person__phone",
            "person__occupation__name",
            "person__village__name",
            "person__monthly_income",
        )
    )
    programmes = "JKK, JKM" + (", JHT" if programme.includes_jht else "")
    values: dict[str, list[str]] = {f: [] for f in ("nik", "full_name", "birth_date", "sex", "address")}
    values.update({f: [] for f in ("phone", "occupation", "work_location", "declared_income")})
    for nik, name, born, sex, address, phone, occupation, village, income in rows:
        values["nik"].append(nik)
        values["full_name"].append(name)
        values["birth_date"].append(born.isoformat() if born else "")
        values["sex"].append(sex)
        values["address"].append(address)
        values["phone"].append(phone)
        values["occupation"].append(occupation or "")
        values["work_location"].append(village or "")
        declared = programme.declared_income if programme.declared_income is not None else income
        values["declared_income"].append("" if declared is None else str(declared))
    n = len(rows)
    values["batch_reference"] = [batch.reference] * n
    values["programmes"] = [programmes] * n
    values["start_month"] = [f"{batch.start_month:%Y-%m}"] * n
    values["payer"] = [batch.source.payer.name if batch.source.payer else batch.source.name] * n
    return pl.DataFrame(
        {c["header"]: pl.Series(c["header"], values[c["field"]], dtype=pl.String) for c in mapping.columns}
    )


def export_batch(
    batch: EnrolmentBatch, out: Path, *, actor: Any, via: str, mapping: RegistrationMapping | None = None
) -> dict[str, Any]:
    """Write the collective-registration file (XLSX or CSV by ``out``'s name); pending persons → sent."""
    check_can_edit(actor, batch.programme)
    frame = registration_frame(batch, mapping)
    name = out.name.lower()
    if name.endswith(".xlsx"):
        from jaring.core.lib.spreadsheet import neutralise_frame

        neutralise_frame(frame).write_excel(out, worksheet="pendaftaran", autofit=True)
    elif name.endswith(".csv"):
        frame.write_csv(out)
    else:
        raise EnrolmentError(
            "bad_out", "berkas keluaran harus .xlsx atau .csv", "the output file must be .xlsx or .csv"
        )
    with transaction.atomic():
        pending = list(
            Enrolment.objects.select_for_update().filter(batch=batch, status=EnrolmentStatus.PENDING)
        )
        before = [(e, enrolment_image(e)) for e in pending]
        now = timezone.now()
        for e in pending:
            e.status, e.updated_at = EnrolmentStatus.SENT, now
        Enrolment.objects.bulk_update(pending, ["status", "updated_at"], batch_size=2000)
        log_statuses(before, actor=actor, via=via, action="sent")
        if batch.status == BatchStatus.DRAFT:
            batch.status, batch.sent_at = BatchStatus.SENT, now
            batch.save(update_fields=["status", "sent_at"])
            log(batch, "sent", actor=actor, via=via, after={"status": batch.status})
    return {"batch": batch.reference, "persons": frame.height, "sent": len(pending), "file": str(out)}


def batches_for(user: Any) -> QuerySet[EnrolmentBatch]:
    """Batches of the programmes of a regency inside or around ``user``'s scope (operators included:
    they see their own village's persons in them; sponsors see the counts only)."""
    scope = scope_for(user)
    if not scope.can_see_aggregates:
        return EnrolmentBatch.objects.none()
    return EnrolmentBatch.objects.filter(programme__area__in=scope.areas()).select_related(
        "programme", "source"
    )


def enrolments_for(user: Any, batch: EnrolmentBatch) -> QuerySet[Enrolment]:
    """A batch's persons whose identity ``user`` may read (own village only for an operator)."""
    scope = scope_for(user)
    if not scope.can_read_personal_data:
        return Enrolment.objects.none()
    # The scope as "village id in (areas within it)", not "person in (a subquery joining area codes)":
    # PostgreSQL planned the latter as minutes-long nested loops over a freshly loaded registry.
    return (
        Enrolment.objects.filter(batch=batch)
        .filter(scope._village_q("person__village", by_id=True))
        .select_related("person", "person__village")
    )


def status_counts(batch: EnrolmentBatch) -> dict[str, int]:
    from django.db.models import Count

    counts = dict.fromkeys(EnrolmentStatus.values, 0)
    for row in Enrolment.objects.filter(batch=batch).values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def counts_by_batch(batches: list[EnrolmentBatch]) -> dict[int, dict[str, int]]:
    """Persons per status for many batches in one query (list pages)."""
    from django.db.models import Count

    out = {b.pk: dict.fromkeys(EnrolmentStatus.values, 0) for b in batches}
    rows = Enrolment.objects.filter(batch__in=[b.pk for b in batches]).values("batch_id", "status")
    for row in rows.annotate(n=Count("id")).order_by():
        out[row["batch_id"]][row["status"]] = row["n"]
    return out


def batch_json(batch: EnrolmentBatch) -> dict[str, Any]:
    return {
        "reference": batch.reference,
        "programme": batch.programme.slug,
        "payer": batch.source.slug,
        "payer_kind": batch.source.kind,
        "start_month": f"{batch.start_month:%Y-%m}",
        "plan_version": batch.plan.version,
        "status": batch.status,
        "persons": batch.persons,
        "statuses": status_counts(batch),
    }


def membership_warnings(batch: EnrolmentBatch) -> list[dict[str, Any]]:
    """Membership rules (e.g. JKM's 3 months) a batch runs into: a payer that pays at most that many
    months, and how many of the batch's persons the plan covers for no longer than that in all."""
    import numpy as np

    from jaring.enrolment.models import MembershipRule

    rules = list(MembershipRule.objects.all())
    if not rules:
        return []
    arrays = programme_services.plan_arrays(batch.plan)
    covered = (arrays["assignment"] >= 0).sum(axis=1)
    ids = set(batch.enrolments.values_list("person_id", flat=True))
    mine = covered[np.isin(arrays["person_ids"], list(ids))]
    out = []
    for rule in rules:
        limit = batch.source.max_months_per_person
        short = int((mine <= rule.min_months).sum())
        if (limit is not None and limit <= rule.min_months) or short:
            out.append(
                {
                    "rule": rule.slug,
                    "text_id": rule.text_id,
                    "text_en": rule.text_en,
                    "source": rule.source,
                    "verified": rule.is_verified,
                    "payer_months": limit,
                    "persons_short": short,
                }
            )
    return out
