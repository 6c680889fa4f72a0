"""The logic of programmes: permissions, saving with the change log, rules, person frames, premium data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
from jaring.programmes.lib import premiums as prem
from jaring.programmes.lib import rules
from jaring.programmes.models import (
    FundingSource,
    JkkBracket,
    OccupationGroup,
    PremiumDiscount,
    PremiumSchedule,
    Programme,
    ProgrammeChange,
)
from jaring.registry.models import OccupationCategory, Person

# Roles that may create and change programmes and sources (within their area).
EDIT_ROLES = {Role.PROGRAMME_OFFICER, Role.DATA_STEWARD}
# Roles that may read programmes and sources (definitions hold no personal data; sponsors see them and
# counts, never persons). Village operators see only their village's aggregates (the plan pages).
READ_ROLES = {*EDIT_ROLES, Role.BPS_REVIEWER, Role.AUDITOR, Role.SPONSOR}


# --- permissions ------------------------------------------------------------------------------------


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


# --- change log -------------------------------------------------------------------------------------


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


# --- programmes and sources --------------------------------------------------------------------------


def update_fields(obj: models.Model, data: dict[str, Any], *, actor: Any, via: str) -> models.Model:
    """Apply ``data`` to ``obj`` and save it through the change log (ValidationError on bad values)."""
    before = snapshot(obj)
    for key, value in data.items():
        setattr(obj, key, value)
    save_logged(obj, actor=actor, via=via, before=before)
    return obj


# --- rules ------------------------------------------------------------------------------------------


@dataclass
class RuleCheck:
    """The outcome of checking a rule: the parsed rule or the error."""

    rule: rules.Rule | None
    error: rules.RuleError | None


def occupation_slugs() -> set[str]:
    """The slugs of every occupation category (the rule checker's vocabulary)."""
    return set(OccupationCategory.objects.values_list("slug", flat=True))


def check_rule(text: str) -> RuleCheck:
    """Parse a rule and check its occupation slugs against the database."""
    try:
        rule = rules.parse(text)
        rule.check(occupation_slugs())
    except rules.RuleError as exc:
        return RuleCheck(None, exc)
    return RuleCheck(rule, None)


def rule_error(text: str, source_name: str = "") -> rules.RuleError | None:
    """The first problem of a rule, or None when it can be used."""
    return check_rule(text).error


# Columns read from the registry for a person frame (the order rules.frame_from_rows expects).
FRAME_COLUMNS = [
    "id",
    "occupation__slug",
    "birth_date",
    "sex",
    "village__code",
    "monthly_income",
    "dependants",
    "has_disability",
    "is_household_head",
    "employment_status",
    "bpjs_status",
    "kbji_code",
]


def person_frame(queryset: QuerySet[Person], on: dt.date) -> pl.DataFrame:
    """The rule fields of a queryset's persons as a polars frame (age on ``on``), read in one query."""
    from django.db import connections

    values = queryset.order_by("id").values_list(*FRAME_COLUMNS)
    if connections[queryset.db].vendor == "postgresql":
        return _frame_by_copy(values, on)
    rows = list(values)
    if not rows:
        return rules.empty_frame()
    return rules.frame_from_rows(rows, on)


def _frame_by_copy(values: QuerySet[Any], on: dt.date) -> pl.DataFrame:
    """PostgreSQL: the same query through COPY … TO STDOUT as CSV, parsed by polars (no Python row loop)."""
    import io

    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:  # e.g. .none(): a query that cannot match anything
        return rules.empty_frame()
    buf = io.BytesIO()
    with (
        connections[values.db].cursor() as cur,
        cur.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)", params) as copy,
    ):
        for chunk in copy:
            buf.write(chunk)
    if buf.tell() == 0:
        return rules.empty_frame()
    buf.seek(0)
    names = ["id", *[c.split("__")[0] for c in FRAME_COLUMNS[1:]]]
    raw = pl.read_csv(
        buf,
        has_header=False,
        new_columns=names,
        schema_overrides={
            "id": pl.Int64,
            "occupation": pl.String,
            "birth_date": pl.String,
            "sex": pl.String,
            "village": pl.String,
            "monthly_income": pl.Int64,
            "dependants": pl.Int64,
            "has_disability": pl.String,
            "is_household_head": pl.String,
            "employment_status": pl.String,
            "bpjs_status": pl.String,
            "kbji_code": pl.String,
        },
    ).with_columns(
        pl.col("birth_date").str.to_date("%Y-%m-%d"),
        (pl.col("has_disability") == "t").alias("has_disability"),
        (pl.col("is_household_head") == "t").alias("is_household_head"),
        pl.col("employment_status").fill_null(""),
        pl.col("kbji_code").fill_null(""),
    )
    return rules.with_derived(raw, on)


def programme_persons(programme: Programme, user: Any | None = None) -> QuerySet[Person]:
    """The approved, deduplicated persons of the programme's regency (and of the user's scope if given)."""
    qs: QuerySet[Person] = Person.objects.approved().filter(
        village__code__startswith=programme.area.code + "."
    )
    if user is not None:
        qs = scope_for(user).persons_for_aggregates(qs)
    return qs


def eligible_count(rule: rules.Rule, frame: pl.DataFrame) -> int:
    """How many persons of ``frame`` pass ``rule``."""
    if frame.height == 0:
        return 0
    return frame.filter(rule.expression()).height


def rule_summary(
    text: str, *, user: Any, programme: Programme | None = None, on: dt.date | None = None
) -> dict[str, Any]:
    """Check a rule and count the approved persons in the user's scope (and programme) who pass it."""
    checked = check_rule(text)
    if checked.error is not None:
        return {"ok": False, "error": checked.error.as_dict(), "eligible": None, "total": None}
    assert checked.rule is not None
    scope = scope_for(user)
    qs = scope.persons_for_aggregates(Person.objects.approved())
    if programme is not None:
        qs = qs.filter(village__code__startswith=programme.area.code + ".")
    day = on or (programme.first_month if programme is not None else timezone.localdate().replace(day=1))
    frame = person_frame(qs, day)
    return {
        "ok": True,
        "error": None,
        "eligible": eligible_count(checked.rule, frame),
        "total": frame.height,
        "clauses": [c.text for c in checked.rule.clauses],
    }


def evaluate_source(source: FundingSource, frame: pl.DataFrame) -> pl.DataFrame:
    """Per person of ``frame``: id, passes, failed_clause, failed_text, reason_id, reason_en for a source."""
    rule = rules.parse(source.rule)
    result = rule.evaluate(frame, source_name=source.name)
    return pl.concat([frame.select("id"), result], how="horizontal")


# --- premiums ---------------------------------------------------------------------------------------


def premium_data() -> prem.PremiumData:
    """The premium schedules and discounts as stored (what the administrator last saved)."""
    schedules = []
    for s in PremiumSchedule.objects.prefetch_related("brackets"):
        brackets = tuple(
            prem.Bracket(b.income_from, b.declared_income, b.jkk_amount, b.is_verified)
            for b in sorted(s.brackets.all(), key=lambda b: b.income_from)
        )
        schedules.append(
            prem.Schedule(
                name=s.name,
                first_month=s.first_month,
                last_month=s.last_month,
                jkm=s.jkm_amount,
                jht_rate=Decimal(s.jht_rate),
                legal_basis=s.legal_basis,
                brackets=brackets,
                verified=s.is_verified,
            )
        )
    discounts = []
    for d in PremiumDiscount.objects.select_related("group").prefetch_related("group__occupations"):
        slugs = frozenset(o.slug for o in d.group.occupations.all()) if d.group else frozenset()
        discounts.append(
            prem.Discount(
                name=d.name,
                first_month=d.first_month,
                last_month=d.last_month,
                percent=d.percent,
                group_match=d.group_match,
                group_occupations=slugs,
                excluded_payer_kinds=frozenset(d.excluded_payer_kinds or []),
                legal_basis=d.legal_basis,
                verified=d.is_verified,
            )
        )
    return prem.PremiumData(schedules=tuple(schedules), discounts=tuple(discounts))


def seed_premium_data(apps: Any = None) -> int:
    """Load the default premium data where it is missing (idempotent); the number of rows created."""
    get = (lambda name: apps.get_model("programmes", name)) if apps is not None else None
    Schedule = get("PremiumSchedule") if get else PremiumSchedule
    Bracket = get("JkkBracket") if get else JkkBracket
    Group = get("OccupationGroup") if get else OccupationGroup
    Discount = get("PremiumDiscount") if get else PremiumDiscount
    Occupation = apps.get_model("registry", "OccupationCategory") if apps is not None else OccupationCategory
    created = 0
    s = prem.DEFAULT_SCHEDULE
    schedule, new = Schedule.objects.get_or_create(
        name=s.name,
        defaults={
            "first_month": s.first_month,
            "last_month": s.last_month,
            "jkm_amount": s.jkm,
            "jht_rate": s.jht_rate,
            "legal_basis": s.legal_basis,
            "is_verified": s.verified,
            "note": (
                "JKM Rp6,800 flat and JHT 2% of declared income; JKK from the bracket table "
                "(brackets marked unverified are a reconstruction)."
            ),
        },
    )
    created += int(new)
    if new:
        Bracket.objects.bulk_create(
            [
                Bracket(
                    schedule=schedule,
                    income_from=b.income_from,
                    declared_income=b.declared_income,
                    jkk_amount=b.jkk,
                    is_verified=b.verified,
                    note="" if b.verified else prem.JKK_BRACKET_NOTE[:300],
                )
                for b in s.brackets
            ]
        )
        created += len(s.brackets)
    g = prem.TRANSPORT_GROUP
    group, new = Group.objects.get_or_create(
        slug=g["slug"], defaults={"name": g["name"], "name_en": g["name_en"], "note": g["note"]}
    )
    if new:
        group.occupations.set(Occupation.objects.filter(slug__in=g["occupations"]))
        created += 1
    for d in prem.DEFAULT_DISCOUNTS:
        _obj, new = Discount.objects.get_or_create(
            name=d.name,
            defaults={
                "first_month": d.first_month,
                "last_month": d.last_month,
                "percent": d.percent,
                "group": group,
                "group_match": d.group_match,
                "excluded_payer_kinds": sorted(d.excluded_payer_kinds),
                "legal_basis": d.legal_basis,
                "note": prem.PP50_NOTE,
                "is_verified": d.verified,
            },
        )
        created += int(new)
    return created


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


# --- planner inputs -------------------------------------------------------------------------------------


@dataclass
class PlannerInputs:
    """What the coverage planner needs for a programme, built in bulk from the registry and the sources.

    ``sources`` are dicts with the fields of ``lib.planner.SourceSpec`` (month indexes into ``months``);
    ``eligible`` is bool [persons, sources]; ``cost`` int32 Rupiah [persons, sources, months], the
    premium the source's kind pays for the person in that month (PP 50/2025 discount included).
    Why a person fails each source's rule comes from ``reasons()``, computed on demand (only the persons
    asked about), because the plan itself needs only ``eligible``.
    """

    programme: Programme
    frame: pl.DataFrame
    person_ids: Any
    months: list[str]
    sources: list[dict[str, Any]]
    eligible: Any
    cost: Any
    rules: list[tuple[str, str, rules.Rule]]  # (source key, source name, parsed rule)

    def reasons(self, rows: Any = None) -> dict[str, pl.DataFrame]:
        """Per source key: id, failed_clause, failed_text, reason_id, reason_en for the persons at
        ``rows`` (indexes into the frame; default: those eligible for no source)."""
        import numpy as np

        if rows is None:
            rows = (
                np.flatnonzero(~self.eligible.any(axis=1))
                if self.eligible.size
                else np.arange(self.frame.height)
            )
        subset = self.frame[np.asarray(rows, dtype=np.int64)] if len(rows) else self.frame.clear()
        out: dict[str, pl.DataFrame] = {}
        for key, name, rule in self.rules:
            result = rule.evaluate(subset, source_name=name)
            out[key] = pl.concat([subset.select("id"), result.drop("passes")], how="horizontal")
        return out


def planner_inputs(
    programme: Programme,
    user: Any | None = None,
    sources: list[FundingSource] | None = None,
    frame: pl.DataFrame | None = None,
) -> PlannerInputs:
    """The planner's input arrays for a programme: its approved persons (in ``user``'s scope if given),
    its sources (or ``sources``, e.g. unsaved what-if copies), eligibility and cost per person-month."""
    import numpy as np

    months = programme.months()
    labels = [f"{m:%Y-%m}" for m in months]
    index = {m: i for i, m in enumerate(months)}
    if frame is None:
        frame = person_frame(programme_persons(programme, user), programme.first_month)
    chosen = list(sources) if sources is not None else list(programme.sources.all())
    data = premium_data()
    n_p, n_s, n_t = frame.height, len(chosen), len(months)
    eligible = np.zeros((n_p, n_s), dtype=bool)
    cost = np.zeros((n_p, n_s, n_t), dtype=np.int32)
    specs: list[dict[str, Any]] = []
    parsed: list[tuple[str, str, rules.Rule]] = []
    by_kind: dict[tuple[str, int], Any] = {}
    # The programme may register every member with one declared income (the lowest bracket, usually).
    priced = (
        frame.with_columns(pl.lit(programme.declared_income, pl.Int64).alias("monthly_income"))
        if programme.declared_income is not None
        else frame
    )
    calc = prem.PremiumCalculator(priced, data)
    for s, source in enumerate(chosen):
        first = index.get(source.first_month)
        last = index.get(source.last_month)
        if first is None or last is None:
            raise ValueError(f"source {source.slug!r} lies outside the programme's months")
        specs.append(
            {
                "key": source.slug,
                "name": source.name,
                "kind": source.kind,
                "first_month": first,
                "last_month": last,
                "quota_persons": source.quota_persons,
                "budget": source.budget_rupiah,
                "max_months_per_person": source.max_months_per_person,
            }
        )
        rule = rules.parse(source.rule)
        parsed.append((source.slug, source.name, rule))
        if n_p:
            eligible[:, s] = frame.select(rule.expression().alias("ok"))["ok"].to_numpy()
        for t, month in enumerate(months):
            key = (source.kind, t)
            if key not in by_kind:
                by_kind[key] = calc.total(month, source.kind, jht=programme.includes_jht).astype(np.int32)
            cost[:, s, t] = by_kind[key]
    return PlannerInputs(
        programme=programme,
        frame=frame,
        person_ids=frame["id"].to_numpy(),
        months=labels,
        sources=specs,
        eligible=eligible,
        cost=cost,
        rules=parsed,
    )


# --- stored plans ----------------------------------------------------------------------------------------


class PlanLocked(Exception):
    """An approved (locked) plan cannot be changed or deleted."""

    message_id = "rencana yang sudah disetujui terkunci dan tidak dapat diubah"
    message_en = "an approved plan is locked and cannot be changed"

    def __str__(self) -> str:
        return f"{self.message_id} / {self.message_en}"


def store_plan(
    programme: Programme,
    *,
    person_ids: Any,
    assignment: Any,
    reasons: Any,
    months: list[str],
    sources: list[dict[str, Any]],
    summary: dict[str, Any] | None = None,
    kind: str = "draft",
    actor: Any = None,
    via: str = "system",
    label: str = "",
    base: Any = None,
    overrides: dict[str, Any] | None = None,
    seconds: float = 0.0,
) -> Any:
    """Save a computed plan (arrays compressed as .npz) with a create entry in the change log."""
    import io

    import numpy as np

    from jaring.programmes.models import Plan

    person_ids = np.asarray(person_ids, dtype=np.int64)
    assignment = np.asarray(assignment, dtype=np.int8)
    reasons = np.asarray(reasons, dtype=np.int8)
    shape = (len(person_ids), len(months))
    if assignment.shape != shape or reasons.shape != shape:
        raise ValueError(f"plan arrays must be {shape}, got {assignment.shape} and {reasons.shape}")
    buf = io.BytesIO()
    np.savez_compressed(buf, person_ids=person_ids, assignment=assignment, reasons=reasons)
    plan = Plan(
        programme=programme,
        kind=kind,
        label=label,
        base=base,
        overrides=overrides or {},
        months=list(months),
        sources=list(sources),
        summary=summary or {},
        data=buf.getvalue(),
        persons=len(person_ids),
        seconds=seconds,
        created_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        plan.save()
        log_change(plan, "create", actor=actor, via=via, before=None)
    return plan


def plan_arrays(plan: Any) -> dict[str, Any]:
    """A stored plan's arrays: person_ids (int64), assignment and reasons (int8 [persons, months])."""
    import io

    import numpy as np

    with np.load(io.BytesIO(bytes(plan.data))) as npz:
        return {k: npz[k] for k in ("person_ids", "assignment", "reasons")}


def approve_plan(plan: Any, *, actor: Any, via: str = "web") -> Any:
    """Approve a plan: the programme's next version number, locked; the approval enters the change log."""
    from jaring.programmes.models import Plan, PlanKind

    with transaction.atomic():
        # Lock the programme row so two approvals at once cannot take the same number.
        Programme.objects.select_for_update().filter(pk=plan.programme_id).first()
        fresh = Plan.objects.select_for_update().get(pk=plan.pk)
        if fresh.is_locked:
            raise PlanLocked()
        if fresh.kind == PlanKind.WHAT_IF:
            raise PermissionDenied("A what-if plan is not approved / rencana what-if tidak disetujui")
        before = snapshot(fresh)
        last = Plan.objects.filter(programme_id=fresh.programme_id).aggregate(m=models.Max("version"))["m"]
        fresh.version = (last or 0) + 1
        fresh.kind = PlanKind.APPROVED
        fresh.is_locked = True
        fresh.approved_by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        fresh.approved_at = timezone.now()
        fresh.save()
        ProgrammeChange.objects.create(
            model="plan",
            object_id=fresh.pk,
            programme_id=fresh.programme_id,
            action="approve",
            actor=fresh.approved_by,
            via=via,
            before=before,
            after=snapshot(fresh),
        )
    return fresh


def delete_plan(plan: Any, *, actor: Any, via: str = "web") -> None:
    """Delete a draft or what-if plan (never an approved one), logged."""
    if plan.is_locked:
        raise PlanLocked()
    delete_logged(plan, actor=actor, via=via)


def approved_plans(programme: Programme) -> QuerySet[Any]:
    """The programme's approved versions, newest first."""
    from jaring.programmes.models import PlanKind

    return programme.plans.filter(kind=PlanKind.APPROVED).order_by("-version")


# --- computing, comparing and explaining plans ---------------------------------------------------------

# The fields a what-if may change on a source, with the aliases the what-if file accepts.
WHAT_IF_FIELDS = {
    "quota": "quota_persons",
    "quota_persons": "quota_persons",
    "budget": "budget_rupiah",
    "budget_rupiah": "budget_rupiah",
    "max_months_per_person": "max_months_per_person",
    "first_month": "first_month",
    "last_month": "last_month",
    "rule": "rule",
}

REASON_TEXT = {
    "NOT_ELIGIBLE": ("tidak memenuhi syarat sumber mana pun", "not eligible for any source"),
    "NO_SOURCE_IN_MONTH": (
        "tidak ada sumber yang memenuhi syarat membayar pada bulan ini",
        "no source this person is eligible for pays in this month",
    ),
    "CAPACITY": ("memenuhi syarat, tetapi kapasitas sumber sudah habis", "eligible, but capacity used up"),
}
LIMIT_TEXT = {
    "QUOTA": ("kuota {n} orang penuh", "quota of {n} persons reached"),
    "BUDGET": ("anggaran Rp{n} habis", "budget of Rp{n} used up"),
    "MONTHS_PER_PERSON": ("sudah dibayar {n} bulan (batas per orang)", "already paid {n} months (the limit)"),
}


class WhatIfError(ValueError):
    """A what-if description that cannot be applied (unknown source or field, bad value)."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.message_id = message_id
        self.message_en = message_en


@dataclass
class PlanView:
    """A computed plan, stored or not: its arrays and what their indexes mean."""

    programme: Programme
    months: list[str]
    sources: list[dict[str, Any]]  # planner specs plus "rule"
    summary: dict[str, Any]
    person_ids: Any
    assignment: Any
    reasons: Any
    seconds: float = 0.0
    stored: Any = None  # the Plan row, when stored


def _fmt(n: int) -> str:
    return f"{n:,}"


def source_copies(programme: Programme, overrides: dict[str, Any] | None = None) -> list[FundingSource]:
    """Unsaved copies of a programme's sources with a what-if's changes applied (validated).

    ``overrides`` maps a source slug to the fields to change (``WHAT_IF_FIELDS``; null removes a limit).
    Raises WhatIfError for an unknown source or field and for a value the source would refuse."""
    import copy

    originals = list(programme.sources.select_related("programme", "payer"))
    by_slug = {s.slug: s for s in originals}
    changes = overrides or {}
    if not isinstance(changes, dict):
        raise WhatIfError("'sources' harus berupa objek", "'sources' must be an object")
    for slug in changes:
        if slug not in by_slug:
            raise WhatIfError(
                f"sumber '{slug}' tidak ada dalam program ini", f"no source '{slug}' in this programme"
            )
    out: list[FundingSource] = []
    for source in originals:
        mine = copy.copy(source)
        fields = changes.get(source.slug) or {}
        if not isinstance(fields, dict):
            raise WhatIfError(
                f"perubahan sumber '{source.slug}' harus berupa objek",
                f"changes of '{source.slug}' must be an object",
            )
        for key, value in fields.items():
            name = WHAT_IF_FIELDS.get(key)
            if name is None:
                raise WhatIfError(
                    f"kolom '{key}' tidak dapat diubah (bisa: {', '.join(sorted(WHAT_IF_FIELDS))})",
                    f"field '{key}' cannot be changed (allowed: {', '.join(sorted(WHAT_IF_FIELDS))})",
                )
            value = _what_if_value(source.slug, key, name, value)
            setattr(mine, name, value)
        if fields:
            texts = {lang: _copy_problem(mine, lang) for lang in ("id", "en")}
            if texts["en"] is not None:
                raise WhatIfError(f"'{source.slug}': {texts['id']}", f"'{source.slug}': {texts['en']}")
        out.append(mine)
    return out


def _copy_problem(copy_: FundingSource, language: str) -> str | None:
    """The validation problems of a changed source copy in one language, or None when it is valid."""
    from django.utils import translation

    with translation.override(language):
        try:
            copy_.clean_fields(exclude=["programme", "payer", "slug", "name", "kind"])
            copy_.clean()
        except ValidationError as exc:
            return "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.message_dict.items())
    return None


def _what_if_value(slug: str, key: str, name: str, value: Any) -> Any:
    """One what-if value converted to the field's type (months from 'YYYY-MM')."""
    bad = WhatIfError(f"nilai '{key}' untuk '{slug}' tidak valid", f"bad value of '{key}' for '{slug}'")
    if isinstance(value, str) and ("\x00" in value or len(value) > 5000):
        raise bad  # PostgreSQL refuses NUL in text and JSON; a rule is never that long
    if name in ("first_month", "last_month"):
        if not isinstance(value, str):
            raise bad
        try:
            return prem.parse_month(value)
        except Exception as exc:
            raise bad from exc
    if name == "rule":
        if value is None:
            return ""
        if not isinstance(value, str):
            raise bad
        return value
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10**15:
        raise bad
    return value


def _priority(programme: Programme, frame: pl.DataFrame) -> Any:
    from jaring.programmes.lib import planner

    criteria = [planner.Criterion(**c) for c in (programme.priority_criteria or [])]
    return planner.priority_score(frame, criteria or planner.DEFAULT_PRIORITY)


def _source_specs(inp: PlannerInputs, sources: list[FundingSource]) -> list[dict[str, Any]]:
    return [spec | {"rule": s.rule} for spec, s in zip(inp.sources, sources, strict=True)]


def compute_plan(
    programme: Programme, overrides: dict[str, Any] | None = None, frame: pl.DataFrame | None = None
) -> PlanView:
    """Compute the programme's plan over all its approved persons (with a what-if's source changes)."""
    import time

    from jaring.programmes.lib import planner

    started = time.perf_counter()
    copies = source_copies(programme, overrides)
    inp = planner_inputs(programme, sources=copies, frame=frame)
    result = planner.plan(
        person_ids=inp.person_ids,
        priority=_priority(programme, inp.frame),
        eligible=inp.eligible,
        cost=inp.cost,
        sources=[planner.SourceSpec(**s) for s in inp.sources],
        months=inp.months,
    )
    summary = result.summary()
    summary["objective"] = [int(v) for v in result.objective().key()]
    summary["proven"] = result.stats.get("proven")
    return PlanView(
        programme=programme,
        months=inp.months,
        sources=_source_specs(inp, copies),
        summary=summary,
        person_ids=result.person_ids,
        assignment=result.assignment,
        reasons=result.reasons,
        seconds=round(time.perf_counter() - started, 3),
    )


def save_plan_view(
    view: PlanView,
    *,
    actor: Any,
    via: str,
    kind: str = "draft",
    base: Any = None,
    overrides: dict[str, Any] | None = None,
    label: str = "",
) -> Any:
    """Store a computed plan (draft or what-if) through the change log."""
    plan = store_plan(
        view.programme,
        person_ids=view.person_ids,
        assignment=view.assignment,
        reasons=view.reasons,
        months=view.months,
        sources=view.sources,
        summary=view.summary,
        kind=kind,
        actor=actor,
        via=via,
        label=label,
        base=base,
        overrides=overrides,
        seconds=view.seconds,
    )
    view.stored = plan
    return plan


def view_of(plan: Any) -> PlanView:
    """A stored plan as a PlanView."""
    arrays = plan_arrays(plan)
    return PlanView(
        programme=plan.programme,
        months=list(plan.months),
        sources=list(plan.sources),
        summary=dict(plan.summary),
        person_ids=arrays["person_ids"],
        assignment=arrays["assignment"],
        reasons=arrays["reasons"],
        seconds=plan.seconds,
        stored=plan,
    )


def current_plan(programme: Programme) -> Any:
    """The plan in force: the latest approved version, else the latest draft (None if there is none)."""
    from jaring.programmes.models import PlanKind

    approved = approved_plans(programme).first()
    if approved is not None:
        return approved
    return programme.plans.filter(kind=PlanKind.DRAFT).order_by("-created_at", "-id").first()


def compute_and_store(programme: Programme, *, actor: Any, via: str) -> Any:
    """Compute the programme's plan now and store it as a draft (editors only)."""
    check_can_edit(actor, programme)
    return save_plan_view(compute_plan(programme), actor=actor, via=via)


def run_what_if(
    programme: Programme, overrides: dict[str, Any], *, actor: Any, via: str, label: str = ""
) -> Any:
    """Compute a what-if (source changes as unsaved copies) and store it, based on the current plan."""
    check_can_edit(actor, programme)
    view = compute_plan(programme, overrides)
    base = current_plan(programme)
    return save_plan_view(
        view, actor=actor, via=via, kind="what_if", base=base, overrides={"sources": overrides}, label=label
    )


def parse_what_if(data: Any) -> dict[str, Any]:
    """The source changes of a what-if description ``{"sources": {slug: {field: value}}}``."""
    if not isinstance(data, dict) or set(data) - {"sources", "label"}:
        raise WhatIfError(
            "what-if harus berupa objek dengan kunci 'sources'",
            "a what-if must be an object with the key 'sources'",
        )
    sources = data.get("sources") or {}
    if not isinstance(sources, dict):
        raise WhatIfError("'sources' harus berupa objek", "'sources' must be an object")
    return sources


def plan_json(view: PlanView) -> dict[str, Any]:
    """The plan in the shape `jaring plan --json` prints (without the timing)."""
    return {
        "programme": view.programme.slug,
        "sources": [
            {
                "name": s["name"],
                "kind": s["kind"],
                "months": s["months"],
                "persons": s["persons"],
                "cost": s["cost"],
            }
            for s in view.summary["sources"]
        ],
        "uncovered": dict(view.summary["uncovered_persons"]),
    }


def _row_of(view: PlanView, person_id: int) -> int | None:
    import numpy as np

    hit = np.flatnonzero(view.person_ids == person_id)
    return int(hit[0]) if len(hit) else None


def person_coverage(view: PlanView, person: Person) -> list[dict[str, Any]] | None:
    """A person's months in a plan: the paying source and premium, or the reason in both languages.

    The reasons' details (failing clauses, limits, cut-offs) are worked out from the plan's sources as
    planned and the person's current registry data. None if the person is not in the plan."""
    from jaring.programmes.lib import planner

    row = _row_of(view, person.pk)
    if row is None:
        return None
    programme = view.programme
    copies = [_source_from_spec(programme, spec, view.months) for spec in view.sources]
    frame = person_frame(Person.objects.filter(pk=person.pk), programme.first_month)
    inp = planner_inputs(programme, sources=copies, frame=frame)
    failing = inp.reasons(rows=[0]) if frame.height else {}
    priority = int(_priority(programme, frame)[0]) if frame.height else 0
    per_source = {s["key"]: s for s in view.summary.get("sources", [])}
    assignment = view.assignment[row]
    out: list[dict[str, Any]] = []
    for t, month in enumerate(view.months):
        s = int(assignment[t])
        entry: dict[str, Any] = {"month": month, "source": None, "source_name": None, "cost": 0}
        if s >= 0:
            spec = view.sources[s]
            entry |= {
                "source": spec["key"],
                "source_name": spec["name"],
                "cost": int(inp.cost[0, s, t]) if frame.height else None,
                "reason": None,
                "reason_id": None,
                "reason_en": None,
                "details": [],
            }
            out.append(entry)
            continue
        code = planner.REASON_CODES[int(view.reasons[row, t])] or "NOT_ELIGIBLE"
        details: list[dict[str, Any]] = []
        if code == "NOT_ELIGIBLE":
            for key, frame_ in failing.items():
                name = next(sp["name"] for sp in view.sources if sp["key"] == key)
                rec = frame_.row(0, named=True) if frame_.height else {}
                details.append(
                    {
                        "source": key,
                        "source_name": name,
                        "text_id": rec.get("reason_id") or "",
                        "text_en": rec.get("reason_en") or "",
                    }
                )
        else:
            for k, spec in enumerate(view.sources):
                if not (frame.height and inp.eligible[0, k]):
                    continue
                runs = spec["first_month"] <= t <= spec["last_month"]
                if code == "NO_SOURCE_IN_MONTH":
                    span = f"{view.months[spec['first_month']]} – {view.months[spec['last_month']]}"
                    details.append(
                        {
                            "source": spec["key"],
                            "source_name": spec["name"],
                            "text_id": f"{spec['name']} membayar {span}",
                            "text_en": f"{spec['name']} pays {span}",
                        }
                    )
                elif runs:
                    details.append(
                        _capacity_detail(
                            spec,
                            per_source.get(spec["key"], {}),
                            assignment,
                            k,
                            priority,
                            int(inp.cost[0, k, t]),
                        )
                    )
        text_id, text_en = REASON_TEXT[code]
        if details:
            text_id += ": " + "; ".join(f"{d['text_id']}" for d in details)
            text_en += ": " + "; ".join(f"{d['text_en']}" for d in details)
        entry |= {"reason": code, "reason_id": text_id, "reason_en": text_en, "details": details}
        out.append(entry)
    return out


def _capacity_detail(
    spec: dict[str, Any], used: dict[str, Any], assignment: Any, k: int, priority: int, cost: int
) -> dict[str, Any]:
    """Why an eligible running source does not pay for this person: its limits reached, its cut-off."""
    limits: list[str] = []
    ids: list[str] = []
    ens: list[str] = []
    mine = int((assignment == k).sum())
    if spec.get("quota_persons") is not None and (used.get("remaining_quota") or 0) <= 0 and mine == 0:
        limits.append("QUOTA")
        n = _fmt(int(spec["quota_persons"]))
    if spec.get("max_months_per_person") is not None and mine >= int(spec["max_months_per_person"]):
        limits.append("MONTHS_PER_PERSON")
    remaining = used.get("remaining_budget")
    if spec.get("budget") is not None and remaining is not None and remaining < cost:
        limits.append("BUDGET")
    for limit in limits:
        n = {
            "QUOTA": _fmt(int(spec.get("quota_persons") or 0)),
            "BUDGET": _fmt(int(spec.get("budget") or 0)),
            "MONTHS_PER_PERSON": str(spec.get("max_months_per_person")),
        }[limit]
        ids.append(LIMIT_TEXT[limit][0].format(n=n.replace(",", ".")))  # 1.808 in Indonesian
        ens.append(LIMIT_TEXT[limit][1].format(n=n))
    cutoff = used.get("priority_cutoff")
    if cutoff is not None:
        ids.append(f"batas prioritas {cutoff:g}, orang ini {priority}")
        ens.append(f"priority cut-off {cutoff:g}, this person {priority}")
    return {
        "source": spec["key"],
        "source_name": spec["name"],
        "limits": limits,
        "priority_cutoff": cutoff,
        "priority": priority,
        "text_id": f"{spec['name']} ({', '.join(ids)})",
        "text_en": f"{spec['name']} ({', '.join(ens)})",
    }


def _source_from_spec(programme: Programme, spec: dict[str, Any], months: list[str]) -> FundingSource:
    """An unsaved FundingSource from a plan's stored source spec (what the plan was computed with)."""
    return FundingSource(
        programme=programme,
        slug=spec["key"],
        name=spec["name"],
        kind=spec["kind"],
        rule=spec.get("rule", ""),
        first_month=prem.parse_month(months[spec["first_month"]]),
        last_month=prem.parse_month(months[spec["last_month"]]),
        quota_persons=spec.get("quota_persons"),
        budget_rupiah=spec.get("budget"),
        max_months_per_person=spec.get("max_months_per_person"),
    )


def plan_frame(view: PlanView) -> pl.DataFrame:
    """Per person of the plan: person_id, covered (months), and one column per month (source key or '')."""
    import numpy as np

    keys = np.array([s["key"] for s in view.sources] + [""], dtype=object)
    data: dict[str, Any] = {"person_id": view.person_ids.astype(np.int64)}
    data["covered"] = (view.assignment >= 0).sum(axis=1).astype(np.int64)
    for t, month in enumerate(view.months):
        col = view.assignment[:, t].astype(np.int64)
        data[month] = keys[np.where(col >= 0, col, len(keys) - 1)].tolist()
    return pl.DataFrame(data)


def village_table(view: PlanView, user: Any) -> list[dict[str, Any]]:
    """Per village of the user's scope: persons in the plan, persons covered, person-months per source."""
    persons = programme_persons(view.programme, user)
    places = pl.DataFrame(
        list(persons.values_list("id", "village__code", "village__name")),
        schema={"person_id": pl.Int64, "code": pl.String, "village": pl.String},
        orient="row",
    )
    if places.height == 0:
        return []
    frame = plan_frame(view).join(places, on="person_id", how="inner")
    aggs = [pl.len().alias("persons"), (pl.col("covered") > 0).sum().alias("covered")]
    for spec in view.sources:
        key = spec["key"]
        aggs.append(
            pl.sum_horizontal([(pl.col(m) == key).cast(pl.Int64) for m in view.months]).sum().alias(key)
        )
    table = frame.group_by("code", "village").agg(aggs).sort("code")
    rows = [
        {
            "code": r["code"],
            "village": r["village"],
            "persons": r["persons"],
            "covered": r["covered"],
            "by_source": [r[s["key"]] for s in view.sources],
        }
        for r in table.iter_rows(named=True)
    ]
    from jaring.core.publication import control_village_table, needs_disclosure_control

    if needs_disclosure_control(scope_for(user)):
        # Aggregates only: the one disclosure rule over persons, covered and persons per source.
        patterns = (
            frame.with_columns(
                pl.concat_str(
                    [
                        pl.when(pl.any_horizontal([pl.col(m) == s["key"] for m in view.months]))
                        .then(pl.lit(s["key"]))
                        .otherwise(pl.lit(""))
                        for s in view.sources
                    ],
                    separator="|",
                ).alias("pattern")
            )
            .group_by("code", "pattern")
            .agg(pl.len().alias("n"))
        )
        counts = {(r["code"], r["pattern"]): r["n"] for r in patterns.iter_rows(named=True)}
        control_village_table(rows, counts, [s["key"] for s in view.sources], scope_for(user))
    return rows


def compare_plans(base: PlanView, other: PlanView) -> dict[str, Any]:
    """Side by side: persons covered, person-months and cost per source, and who gains or loses months."""
    sources = []
    base_by = {s["key"]: s for s in base.summary["sources"]}
    other_by = {s["key"]: s for s in other.summary["sources"]}
    for key in list(base_by) + [k for k in other_by if k not in base_by]:
        a, b = base_by.get(key, {}), other_by.get(key, {})
        sources.append(
            {
                "key": key,
                "name": (a or b).get("name", key),
                "persons": [a.get("persons", 0), b.get("persons", 0)],
                "person_months": [a.get("person_months", 0), b.get("person_months", 0)],
                "cost": [a.get("cost", 0), b.get("cost", 0)],
            }
        )
    changes = coverage_changes(base, other)
    return {
        "covered_persons": [base.summary["covered_persons"], other.summary["covered_persons"]],
        "covered_person_months": [
            base.summary["covered_person_months"],
            other.summary["covered_person_months"],
        ],
        "cost": [base.summary["cost"], other.summary["cost"]],
        "sources": sources,
        "gains": int((changes["delta"] > 0).sum()),
        "losses": int((changes["delta"] < 0).sum()),
        "changes": changes,
    }


def coverage_changes(base: PlanView, other: PlanView) -> pl.DataFrame:
    """Persons whose covered months differ between two plans: person_id, before, after, delta
    (losses first, then gains; persons missing from one plan count as 0 months there)."""
    a = pl.DataFrame(
        {
            "person_id": base.person_ids.astype("int64"),
            "before": (base.assignment >= 0).sum(axis=1).astype("int64"),
        }
    )
    b = pl.DataFrame(
        {
            "person_id": other.person_ids.astype("int64"),
            "after": (other.assignment >= 0).sum(axis=1).astype("int64"),
        }
    )
    both = a.join(b, on="person_id", how="full", coalesce=True).with_columns(
        pl.col("before").fill_null(0), pl.col("after").fill_null(0)
    )
    return (
        both.with_columns((pl.col("after") - pl.col("before")).alias("delta"))
        .filter(pl.col("delta") != 0)
        .sort(["delta", "person_id"])
    )


def changes_page(
    changes: pl.DataFrame, user: Any, *, which: str = "all", page: int = 1, per_page: int = 50
) -> dict[str, Any]:
    """One page of gains/losses with the persons' NIK, name and village for users who may see them
    (others get counts only: an empty list)."""
    if which == "losses":
        changes = changes.filter(pl.col("delta") < 0)
    elif which == "gains":
        changes = changes.filter(pl.col("delta") > 0)
    total = changes.height
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    scope = scope_for(user)
    rows: list[dict[str, Any]] = []
    if scope.can_read_personal_data:
        part = changes.slice((page - 1) * per_page, per_page)
        ids = part["person_id"].to_list()
        people = {
            p["id"]: p
            for p in scope.persons(Person.objects.filter(pk__in=ids)).values(
                "id", "nik", "full_name", "village__name", "village__code"
            )
        }
        for r in part.iter_rows(named=True):
            p = people.get(r["person_id"])
            if p is None:
                continue  # outside the user's villages
            rows.append(
                {
                    "nik": p["nik"],
                    "name": p["full_name"],
                    "village": p["village__name"],
                    "village_code": p["village__code"],
                    "before": r["before"],
                    "after": r["after"],
                    "delta": r["delta"],
                }
            )
    return {"total": total, "page": page, "pages": pages, "per_page": per_page, "rows": rows}


def export_rows(view: PlanView, user: Any, layout: str = "months") -> pl.DataFrame:
    """The plan per person (one column per month) or per person-month, with NIK, name and village
    of the persons in the user's scope; text cells neutralised for spreadsheets."""
    from jaring.core.lib.spreadsheet import neutralise_frame

    people = pl.DataFrame(
        list(
            scope_for(user)
            .persons(programme_persons(view.programme))
            .values_list("id", "nik", "full_name", "village__code", "village__name", "is_synthetic")
        ),
        schema={
            "person_id": pl.Int64,
            "nik": pl.String,
            "name": pl.String,
            "village_code": pl.String,
            "village": pl.String,
            "is_synthetic": pl.Boolean,
        },
        orient="row",
    )
    wide = plan_frame(view).join(people, on="person_id", how="inner")
    names = {s["key"]: s["name"] for s in view.sources}
    lead = ["nik", "name", "village_code", "village"]
    if layout == "months":
        out = wide.select(
            *lead,
            *[pl.col(m).replace_strict(names, default="").alias(m) for m in view.months],
            pl.col("covered").alias("months_covered"),
            pl.when(pl.col("is_synthetic")).then(pl.lit("SINTETIS")).otherwise(pl.lit("")).alias("data_note"),
        ).sort("village_code", "nik")
    else:
        reasons = {i: code for i, code in enumerate(_reason_codes())}
        import numpy as np

        index = {int(pid): i for i, pid in enumerate(view.person_ids)}
        idx = np.array([index[int(p)] for p in wide["person_id"].to_list()], dtype=np.int64)
        long_parts = []
        for t, month in enumerate(view.months):
            codes = view.reasons[idx, t].astype(np.int64) if len(idx) else np.zeros(0, dtype=np.int64)
            long_parts.append(
                wide.select(
                    *lead, pl.col(month).replace_strict(names, default="").alias("source")
                ).with_columns(
                    pl.lit(month).alias("month"),
                    pl.Series("reason", [reasons[int(c)] for c in codes], dtype=pl.String),
                )
            )
        out = (
            pl.concat(long_parts)
            .select(*lead, "month", "source", "reason")
            .sort("village_code", "nik", "month")
            if long_parts
            else pl.DataFrame()
        )
    return neutralise_frame(out)


def _reason_codes() -> tuple[str, ...]:
    from jaring.programmes.lib import planner

    return planner.REASON_CODES


def reasons_rows(view: PlanView, user: Any, language: str = "en") -> pl.DataFrame:
    """Every uncovered person-month of the persons in the user's scope with its reason in plain words:
    for persons eligible for nothing each source's failing clause; for the others the reason code's text
    (the per-person detail, with limits and cut-offs, is on the person's coverage timeline)."""
    import numpy as np

    from jaring.core.lib.spreadsheet import neutralise_frame

    lang = 0 if language.startswith("id") else 1
    people_qs = scope_for(user).persons(programme_persons(view.programme))
    frame = person_frame(people_qs, view.programme.first_month)
    info = pl.DataFrame(
        list(people_qs.values_list("id", "nik", "full_name", "village__code")),
        schema={"id": pl.Int64, "nik": pl.String, "name": pl.String, "village_code": pl.String},
        orient="row",
    )
    copies = [_source_from_spec(view.programme, spec, view.months) for spec in view.sources]
    inp = planner_inputs(view.programme, sources=copies, frame=frame)
    failing = inp.reasons()
    clause_text = None
    for key, part in failing.items():
        col = part.select("id", pl.col("reason_id" if lang == 0 else "reason_en").alias(key))
        clause_text = (
            col if clause_text is None else clause_text.join(col, on="id", how="full", coalesce=True)
        )
    codes = _reason_codes()
    index = {int(pid): i for i, pid in enumerate(view.person_ids)}
    ids = [i for i in info["id"].to_list() if i in index]
    idx = np.array([index[i] for i in ids], dtype=np.int64)
    parts = []
    for t, month in enumerate(view.months):
        r = view.reasons[idx, t].astype(np.int64) if len(idx) else np.zeros(0, dtype=np.int64)
        keep = r > 0
        parts.append(
            pl.DataFrame(
                {
                    "id": np.array(ids, dtype=np.int64)[keep],
                    "month": [month] * int(keep.sum()),
                    "reason": [codes[c] for c in r[keep]],
                },
                schema={"id": pl.Int64, "month": pl.String, "reason": pl.String},
            )
        )
    long = (
        pl.concat(parts)
        if parts
        else pl.DataFrame(schema={"id": pl.Int64, "month": pl.String, "reason": pl.String})
    )
    texts = {code: REASON_TEXT[code][lang] for code in REASON_TEXT}
    long = long.with_columns(pl.col("reason").replace_strict(texts, default="").alias("explanation"))
    if clause_text is not None and clause_text.height:
        keys = [k for k in clause_text.columns if k != "id"]
        clause_text = clause_text.select(
            "id",
            pl.concat_str([pl.lit(f"{k}: ") + pl.col(k).fill_null("") for k in keys], separator="; ").alias(
                "failing_clauses"
            ),
        )
        long = long.join(clause_text, on="id", how="left").with_columns(
            pl.when(pl.col("reason") == "NOT_ELIGIBLE")
            .then(pl.col("failing_clauses"))
            .otherwise(pl.lit(""))
            .alias("failing_clauses")
        )
    else:
        long = long.with_columns(pl.lit("").alias("failing_clauses"))
    out = (
        long.join(info, on="id", how="inner")
        .select("nik", "name", "village_code", "month", "reason", "explanation", "failing_clauses")
        .sort("village_code", "nik", "month")
    )
    return neutralise_frame(out)


def to_xlsx(frame: pl.DataFrame, sheet: str) -> bytes:
    """An XLSX workbook of a frame (xlsxwriter through polars; text stays text, never a formula)."""
    import io

    buf = io.BytesIO()
    frame.write_excel(buf, worksheet=sheet, autofit=False)
    return buf.getvalue()


def person_in_scope(programme: Programme, user: Any, nik: str) -> Person | None:
    """The programme's approved person with this NIK if the user may see persons there (never sponsors)."""
    scope = scope_for(user)
    if not scope.can_read_personal_data or "\x00" in nik or len(nik) > 32:
        return None
    return scope.persons(programme_persons(programme)).filter(nik=nik).first()


def what_if_from_form(sources: list[FundingSource], data: Any) -> dict[str, Any]:
    """The source changes a what-if form posted (fields ``SLUG__budget`` …; only values that differ)."""
    from jaring.programmes.models import month_label

    out: dict[str, Any] = {}
    for s in sources:
        mine: dict[str, Any] = {}
        current = {
            "quota": s.quota_persons,
            "budget": s.budget_rupiah,
            "max_months_per_person": s.max_months_per_person,
            "first_month": month_label(s.first_month),
            "last_month": month_label(s.last_month),
            "rule": s.rule,
        }
        for key, now in current.items():
            name = f"{s.slug}__{key}"
            if name not in data:
                continue
            raw = str(data.get(name, "")).strip()
            if key in ("quota", "budget", "max_months_per_person"):
                value: Any = None
                if raw:
                    digits = raw.replace(".", "").replace(",", "").replace("_", "").replace(" ", "")
                    if not digits.isdigit():
                        raise WhatIfError(
                            f"'{s.slug}': {key} harus berupa bilangan bulat",
                            f"'{s.slug}': {key} must be a whole number",
                        )
                    value = int(digits)
            else:
                value = raw
            if value != now:
                mine[key] = value
        if mine:
            out[s.slug] = mine
    return out


# --- plans in the background ------------------------------------------------------------------------


def plan_in_background(programme: Programme) -> bool:
    """Whether a plan of this programme is computed as a background job (JARING_PLAN_BACKGROUND_FROM)."""
    # Below the limit the request computes the plan at once: the 10,000-person demo takes well under a second.
    from django.conf import settings

    return programme_persons(programme).count() >= settings.JARING_PLAN_BACKGROUND_FROM


def start_plan_job(
    programme: Programme, *, actor: Any, overrides: dict[str, Any] | None = None, label: str = ""
) -> Any:
    """Queue a plan (or, with ``overrides``, a what-if) computation; return the job (refreshed).

    A what-if's changes are checked first, so a bad one is refused at once (WhatIfError)."""
    from jaring.programmes.models import PlanJob, PlanKind
    from jaring.programmes.tasks import compute_plan_task

    check_can_edit(actor, programme)
    if overrides:
        source_copies(programme, overrides)
    job = PlanJob.objects.create(
        programme=programme,
        kind=PlanKind.WHAT_IF if overrides else PlanKind.DRAFT,
        overrides=overrides or {},
        label=label,
        message_id="menunggu giliran",
        message_en="queued",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    compute_plan_task.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _job_progress(job: Any, progress: float, message_id: str, message_en: str, **fields: Any) -> None:
    job.progress, job.message_id, job.message_en = progress, message_id, message_en
    for key, value in fields.items():
        setattr(job, key, value)
    job.save()


def run_plan_job(job: Any) -> Any:
    """Run a queued plan job: read the registry, plan, store; failures are recorded on the job."""
    from jaring.programmes.models import PlanJobStatus, PlanKind

    programme = job.programme
    _job_progress(job, 0.05, "membaca data orang dan sumber", "reading persons and sources", status="running")
    try:
        frame = person_frame(programme_persons(programme), programme.first_month)
        _job_progress(
            job, 0.3, f"menyusun rencana untuk {frame.height:,} orang", f"planning {frame.height:,} persons"
        )
        overrides = job.overrides or None
        view = compute_plan(programme, overrides, frame=frame)
        _job_progress(job, 0.9, "menyimpan rencana", "storing the plan")
        if job.kind == PlanKind.WHAT_IF:
            plan = save_plan_view(
                view,
                actor=job.created_by,
                via="web",
                kind="what_if",
                base=current_plan(programme),
                overrides={"sources": overrides or {}},
                label=job.label,
            )
        else:
            plan = save_plan_view(view, actor=job.created_by, via="web", label=job.label)
    except Exception as exc:  # recorded for the user; the job page shows it
        text = str(exc)[:400]
        _job_progress(
            job,
            job.progress,
            f"gagal: {text}",
            f"failed: {text}",
            status=PlanJobStatus.FAILED,
            finished_at=timezone.now(),
        )
        return job
    _job_progress(
        job,
        1.0,
        f"selesai dalam {view.seconds} dtk",
        f"done in {view.seconds} s",
        status=PlanJobStatus.DONE,
        plan=plan,
        finished_at=timezone.now(),
    )
    return job


# --- village operators: their village's aggregates of a plan ----------------------------------------


def village_plan_programmes(user: Any) -> QuerySet[Programme]:
    """Programmes of a village operator's regency (whose plan pages show their village's aggregates)."""
    scope = scope_for(user)
    if scope.role != Role.VILLAGE_OPERATOR or not scope.area_code or scope.area_code.count(".") < 1:
        return Programme.objects.none()
    regency = ".".join(scope.area_code.split(".")[:2])
    return Programme.objects.filter(area__code=regency).select_related("area")


def scoped_summary(view: PlanView, user: Any) -> dict[str, Any]:
    """The plan's summary over the persons the user may count (a village operator: their village):
    persons and cost per source and month, covered persons, uncovered persons by reason."""
    import numpy as np

    frame = person_frame(programme_persons(view.programme, user), view.programme.first_month)
    index = {int(pid): i for i, pid in enumerate(view.person_ids)}
    keep = [k for k, pid in enumerate(frame["id"].to_list()) if int(pid) in index]
    frame = frame[keep] if keep else frame.clear()
    rows = np.array([index[int(pid)] for pid in frame["id"].to_list()], dtype=np.int64)
    copies = [_source_from_spec(view.programme, spec, view.months) for spec in view.sources]
    inp = planner_inputs(view.programme, sources=copies, frame=frame)
    assignment = view.assignment[rows] if len(rows) else np.zeros((0, len(view.months)), dtype=np.int8)
    reasons = view.reasons[rows] if len(rows) else np.zeros((0, len(view.months)), dtype=np.int8)
    sources = []
    for s, spec in enumerate(view.sources):
        mine = assignment == s
        months = {}
        for t, m in enumerate(view.months):
            paid = mine[:, t]
            months[m] = {
                "persons": int(paid.sum()),
                "cost": int(inp.cost[paid, s, t].astype(np.int64).sum()) if paid.any() else 0,
            }
        sources.append(
            {
                "key": spec["key"],
                "name": spec["name"],
                "kind": spec["kind"],
                "months": months,
                "persons": int(mine.any(axis=1).sum()),
                "person_months": int(mine.sum()),
                "cost": sum(v["cost"] for v in months.values()),
                "remaining_quota": None,
                "remaining_budget": None,
                "priority_cutoff": None,
            }
        )
    codes = _reason_codes()
    return {
        "months": list(view.months),
        "sources": sources,
        "persons": len(rows),
        "covered_persons": int((assignment >= 0).any(axis=1).sum()),
        "covered_person_months": int((assignment >= 0).sum()),
        "cost": sum(s["cost"] for s in sources),
        "uncovered_persons": {codes[c]: int((reasons == c).any(axis=1).sum()) for c in range(1, len(codes))},
        "uncovered_person_months": {codes[c]: int((reasons == c).sum()) for c in range(1, len(codes))},
    }
