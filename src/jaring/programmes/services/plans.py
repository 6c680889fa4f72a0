"""Plans and plan jobs: planner inputs, computing, storing, approving, and plans in the background."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from jaring.planning import premiums as prem
from jaring.planning import rules
from jaring.programmes.models import (
    FundingSource,
    Programme,
    ProgrammeChange,
)

from .frames import person_frame, programme_persons
from .premiums import premium_data
from .sources import check_can_edit, delete_logged, log_change, snapshot
from .whatif import source_copies


@dataclass
class PlannerInputs:
    """What the coverage planner needs for a programme, built in bulk from the registry and the sources.

    ``sources`` are dicts with the fields of ``jaring.planning.specs.SourceSpec`` (month indexes into
    ``months``);
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


def _priority(programme: Programme, frame: pl.DataFrame) -> Any:
    from jaring.planning import planner

    criteria = [planner.Criterion(**c) for c in (programme.priority_criteria or [])]
    return planner.priority_score(frame, criteria or planner.DEFAULT_PRIORITY)


def _source_specs(inp: PlannerInputs, sources: list[FundingSource]) -> list[dict[str, Any]]:
    return [spec | {"rule": s.rule} for spec, s in zip(inp.sources, sources, strict=True)]


def compute_plan(
    programme: Programme, overrides: dict[str, Any] | None = None, frame: pl.DataFrame | None = None
) -> PlanView:
    """Compute the programme's plan over all its approved persons (with a what-if's source changes)."""
    import time

    from jaring.planning import planner

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


def plan_in_background(programme: Programme) -> bool:
    """Whether a plan of this programme is computed as a background job (JARING_PLAN_BACKGROUND_FROM)."""
    # Below the limit the request computes the plan at once: the 10,000-person demo takes well under a second.
    from django.conf import settings

    return programme_persons(programme).count() >= settings.JARING_PLAN_BACKGROUND_FROM


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
    except Exception as exc:  # noqa: BLE001 — job runner: the fault is recorded on the job, its page shows it
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
