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
