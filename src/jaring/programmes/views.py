"""Web pages of programmes: lists, programme and source pages, forms with a live rule check."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jaring.accounts.scope import scope_for
from jaring.core import changelog
from jaring.core.http import download
from jaring.planning.rules import RuleError
from jaring.programmes import explain, services, tasks
from jaring.programmes.forms import FundingSourceForm, ProgrammeForm
from jaring.programmes.models import FundingSource, Programme


def _readable(request: HttpRequest) -> None:
    if not services.can_read(scope_for(request.user)):
        raise PermissionDenied(_("Your role does not see programmes."))


def _programme(request: HttpRequest, slug: str) -> Programme:
    _readable(request)
    found = services.programmes_for(request.user).filter(slug=slug).first()
    if found is None:
        raise Http404(_("Programme not found"))
    return found


def _source(request: HttpRequest, slug: str, source_slug: str) -> FundingSource:
    _readable(request)
    found = services.sources_for(request.user).filter(programme__slug=slug, slug=source_slug).first()
    if found is None:
        raise Http404(_("Funding source not found"))
    return found


def _may_edit(request: HttpRequest, programme: Programme | None = None) -> bool:
    scope = scope_for(request.user)
    return services.can_edit(scope) and (programme is None or scope.covers_area(programme.area))


def _save_form(request: HttpRequest, form: Any, before: dict[str, Any] | None) -> bool:
    """Save a valid form's instance through the change log; False (errors on the form) otherwise."""
    if not form.is_valid():
        return False
    try:
        with transaction.atomic():
            services.save_logged(form.instance, actor=request.user, via="web", before=before)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    """Programmes the user may see, with their sources' count."""
    _readable(request)
    programmes = services.programmes_for(request.user).prefetch_related("sources")
    return render(
        request,
        "programmes/programme_list.html",
        {"programmes": programmes, "may_edit": _may_edit(request)},
    )


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    """Create a programme (programme officers and data stewards)."""
    if not _may_edit(request):
        raise PermissionDenied(_("Your role cannot edit programmes."))
    form = ProgrammeForm(request.POST or None, areas=scope_for(request.user).areas())
    if request.method == "POST":
        if form.is_valid():
            services.check_can_edit(request.user, area=form.cleaned_data["area"])
        if _save_form(request, form, None):
            messages.success(request, _("Programme created."))
            return redirect("programmes:detail", slug=form.instance.slug)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme with its sources and the latest changes."""
    programme = _programme(request, slug)
    scope = scope_for(request.user)
    changes = list(services.changes_of(programme)[:20]) if scope.can_read_changelog else []
    changelog.annotate(changes, _change_model)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "sources": programme.sources.select_related("payer"),
            "changes": changes,
            "may_edit": _may_edit(request, programme),
        },
    )


def _change_model(change: Any) -> Any:
    try:
        return apps.get_model("programmes", change.model)
    except LookupError:
        return None


@login_required
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a programme."""
    programme = _programme(request, slug)
    if not _may_edit(request, programme):
        raise PermissionDenied(_("Your role cannot edit programmes."))
    before = services.snapshot(programme)
    form = ProgrammeForm(request.POST or None, instance=programme, areas=scope_for(request.user).areas())
    if request.method == "POST" and _save_form(request, form, before):
        messages.success(request, _("Programme saved."))
        return redirect("programmes:detail", slug=programme.slug)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@login_required
def source_detail(request: HttpRequest, slug: str, source_slug: str) -> HttpResponse:
    """A funding source: its terms, and who in the user's scope passes its rule (counts only)."""
    source = _source(request, slug, source_slug)
    summary = services.source_summary(source, request.user, language=get_language() or "en")
    return render(
        request,
        "programmes/source_detail.html",
        {
            "programme": source.programme,
            "source": source,
            "summary": summary,
            "may_edit": _may_edit(request, source.programme),
        },
    )


def _source_form(request: HttpRequest, programme: Programme, source: FundingSource | None) -> HttpResponse:
    if not _may_edit(request, programme):
        raise PermissionDenied(_("Your role cannot edit programmes."))
    before = services.snapshot(source) if source is not None else None
    initial = {} if source else {"first_month": programme.first_month, "last_month": programme.last_month}
    form = FundingSourceForm(request.POST or None, instance=source, programme=programme, initial=initial)
    if request.method == "POST" and _save_form(request, form, before):
        messages.success(request, _("Funding source saved."))
        return redirect("programmes:source", slug=programme.slug, source_slug=form.instance.slug)
    return render(
        request,
        "programmes/source_form.html",
        {"form": form, "programme": programme, "source": source},
    )


@login_required
def source_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a funding source to a programme."""
    return _source_form(request, _programme(request, slug), None)


@login_required
def source_edit(request: HttpRequest, slug: str, source_slug: str) -> HttpResponse:
    """Edit a funding source (with the live rule check)."""
    source = _source(request, slug, source_slug)
    return _source_form(request, source.programme, source)


@login_required
def premium_rates(request: HttpRequest) -> HttpResponse:
    """The stored BPU premium data (unverified rows marked) and a calculator for one person-month."""
    _readable(request)
    from jaring.planning.premiums import PAYER_KINDS, PremiumError
    from jaring.programmes.models import PremiumDiscount, PremiumSchedule, SourceKind
    from jaring.registry.models import OccupationCategory

    result = error = None
    asked = {k: request.GET.get(k, "").strip() for k in ("income", "month", "payer", "occupation")}
    if asked["month"] and asked["payer"]:
        try:
            income = int(asked["income"].replace(".", "").replace(",", "")) if asked["income"] else None
            if asked["payer"] not in PAYER_KINDS:
                raise PremiumError("bad_payer", "jenis pembayar tidak dikenal", "unknown payer kind")
            result = services.premium(
                income,
                asked["month"],
                asked["payer"],
                asked["occupation"] or None,
                jht=bool(request.GET.get("jht")),
            )
        except ValueError as exc:
            error = (
                f"{exc.message_id} / {exc.message_en}"
                if isinstance(exc, PremiumError)
                else _("Invalid income.")
            )
    return render(
        request,
        "programmes/premium_rates.html",
        {
            "schedules": PremiumSchedule.objects.prefetch_related("brackets"),
            "discounts": PremiumDiscount.objects.select_related("group").prefetch_related(
                "group__occupations"
            ),
            "asked": asked,
            "jht": bool(request.GET.get("jht")),
            "result": result,
            "error": error,
            "payer_kinds": SourceKind.choices,
            "occupations": OccupationCategory.objects.order_by("slug"),
        },
    )


# --- plans ------------------------------------------------------------------------------------------


def _month_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per month: (persons, cost) of every source and the month's totals, for the plan table."""
    rows = []
    for m in summary.get("months", []):
        cells = [s["months"].get(m, {"persons": 0, "cost": 0}) for s in summary.get("sources", [])]
        rows.append(
            {
                "month": m,
                "cells": cells,
                "persons": sum(c["persons"] for c in cells),
                "cost": sum(c["cost"] for c in cells),
            }
        )
    return rows


def _chosen_plan(request: HttpRequest, programme: Programme) -> Any:
    raw = request.GET.get("plan", "")
    if raw:
        if not raw.isdigit() or len(raw) > 12:
            raise Http404(_("Plan not found"))
        plan = programme.plans.filter(pk=int(raw)).first()
        if plan is None:
            raise Http404(_("Plan not found"))
        return plan
    return services.current_plan(programme)


@login_required
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's plan: per month and source persons and cost, capacity left, uncovered by reason,
    per village; the version history; compute, approve, what-if and export for those who may.
    A village operator sees the plan in force over their village's persons only."""
    scope = scope_for(request.user)
    village_only = not services.can_read(scope)
    if village_only:
        programme = services.village_plan_programmes(request.user).filter(slug=slug).first()
        if programme is None:
            raise PermissionDenied(_("Your role does not see programmes."))
        plan = services.current_plan(programme)
    else:
        programme = _programme(request, slug)
        plan = _chosen_plan(request, programme)
    history = programme.plans.select_related("created_by", "approved_by").order_by("-created_at", "-id")
    context: dict[str, Any] = {
        "programme": programme,
        "plan": plan,
        "village_only": village_only,
        "may_edit": _may_edit(request, programme),
        "sees_persons": scope.can_read_personal_data and not village_only,
        "history": [] if village_only else history[:30],
    }
    if plan is not None:
        view = services.view_of(plan)
        summary = services.scoped_summary(view, request.user) if village_only else plan.summary
        context |= {
            "summary": summary,
            "month_rows": _month_rows(summary),
            "villages": services.village_table(view, request.user),
            "reason_text": {
                code: texts[0] if (get_language() or "id").startswith("id") else texts[1]
                for code, texts in services.REASON_TEXT.items()
            },
        }
    return render(request, "programmes/plan_detail.html", context)


@login_required
def plan_compute(request: HttpRequest, slug: str) -> HttpResponse:
    """Compute the plan now (a draft); POST only."""
    programme = _programme(request, slug)
    if request.method != "POST":
        return redirect("programmes:plan", slug=slug)
    if services.plan_in_background(programme):
        job = tasks.start_plan_job(programme, actor=request.user)
        return redirect("programmes:plan_job", slug=slug, job_id=job.pk)
    try:
        plan = services.compute_and_store(programme, actor=request.user, via="web")
    except (ValueError, RuleError) as exc:
        messages.error(request, str(exc))
        return redirect("programmes:plan", slug=slug)
    messages.success(
        request,
        _("Plan computed in %(s)s s (a draft: approve it to make it a version).") % {"s": plan.seconds},
    )
    return redirect(f"{reverse('programmes:plan', args=[slug])}?plan={plan.pk}")


@login_required
def plan_approve(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Approve a draft: the programme's next version, locked; POST only."""
    programme = _programme(request, slug)
    if request.method != "POST":
        return redirect("programmes:plan", slug=slug)
    services.check_can_edit(request.user, programme)
    plan = programme.plans.filter(pk=plan_id).first()
    if plan is None:
        raise Http404(_("Plan not found"))
    try:
        plan = services.approve_plan(plan, actor=request.user, via="web")
    except (services.PlanLocked, PermissionDenied) as exc:
        messages.error(request, str(exc))
        return redirect("programmes:plan", slug=slug)
    messages.success(request, _("Plan approved as version %(v)s.") % {"v": plan.version})
    return redirect("programmes:plan", slug=slug)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return download(content, filename)


@login_required
def plan_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan as XLSX: per person with a column per month, or per person-month (not for sponsors)."""
    programme = _programme(request, slug)
    if not scope_for(request.user).can_read_personal_data:
        raise PermissionDenied(_("Your role does not see persons."))
    plan = _chosen_plan(request, programme)
    if plan is None:
        raise Http404(_("Plan not found"))
    layout = "person_months" if request.GET.get("layout") == "person_months" else "months"
    frame = services.export_rows(services.view_of(plan), request.user, layout=layout)
    return _xlsx_response(services.to_xlsx(frame, "plan"), f"{programme.slug}-plan-{plan.pk}-{layout}.xlsx")


@login_required
def plan_reasons_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Every uncovered person-month with its reason, as XLSX (not for sponsors)."""
    programme = _programme(request, slug)
    if not scope_for(request.user).can_read_personal_data:
        raise PermissionDenied(_("Your role does not see persons."))
    plan = _chosen_plan(request, programme)
    if plan is None:
        raise Http404(_("Plan not found"))
    frame = services.reasons_rows(services.view_of(plan), request.user, language=get_language() or "id")
    return _xlsx_response(services.to_xlsx(frame, "reasons"), f"{programme.slug}-reasons-{plan.pk}.xlsx")


@login_required
def person_coverage(request: HttpRequest, slug: str) -> HttpResponse:
    """A person's coverage timeline in the plan, by NIK, with every source's reason in words."""
    programme = _programme(request, slug)
    if not scope_for(request.user).can_read_personal_data:
        raise PermissionDenied(_("Your role does not see persons."))
    plan = _chosen_plan(request, programme)
    nik = request.GET.get("nik", "").strip()[:32]
    person = services.person_in_scope(programme, request.user, nik) if nik else None
    explained = explain.explain(services.view_of(plan), person) if (plan and person) else None
    context: dict[str, Any] = {
        "programme": programme,
        "plan": plan,
        "nik": nik,
        "person": person,
        "explained": explained,
        "not_found": bool(nik) and plan is not None and explained is None,
    }
    if plan is not None:
        context["plan_caption"] = explain.plan_caption(plan, services.current_plan(programme))
        context["plan_choices"] = explain.plan_choices(programme, plan)
        context["newer_draft"] = explain.newer_draft(programme, plan)
    if context["not_found"]:
        context["not_found_text"] = explain.not_found_text(programme, request.user, nik, plan, person)
        if person is not None:
            context["newer_plan"] = explain.newer_plan_with(programme, plan, person)
    return render(request, "programmes/person_coverage.html", context)


@login_required
def what_if_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The what-if form: change a source's quota, budget, months or rule, then compare."""
    programme = _programme(request, slug)
    if not _may_edit(request, programme):
        raise PermissionDenied(_("Your role cannot edit programmes."))
    sources = list(programme.sources.all())
    error = None
    if request.method == "POST":
        try:
            overrides = services.what_if_from_form(sources, request.POST)
            if services.plan_in_background(programme):
                job = tasks.start_plan_job(
                    programme,
                    actor=request.user,
                    overrides=overrides,
                    label=request.POST.get("label", "").replace("\x00", "")[:200],
                )
                return redirect("programmes:plan_job", slug=slug, job_id=job.pk)
            what_if = services.run_what_if(
                programme,
                overrides,
                actor=request.user,
                via="web",
                label=request.POST.get("label", "").replace("\x00", "")[:200],
            )
        except services.WhatIfError as exc:
            error = exc.message_id if (get_language() or "id").startswith("id") else exc.message_en
        else:
            return redirect("programmes:what_if", slug=slug, plan_id=what_if.pk)
    return render(
        request,
        "programmes/what_if_form.html",
        {"programme": programme, "sources": sources, "error": error, "posted": request.POST},
    )


@login_required
def what_if_detail(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """A what-if side by side with the plan it was compared with, and who gains or loses coverage."""
    from jaring.programmes.models import PlanKind

    programme = _programme(request, slug)
    what_if = programme.plans.filter(pk=plan_id, kind=PlanKind.WHAT_IF).first()
    if what_if is None:
        raise Http404(_("Plan not found"))
    wv = services.view_of(what_if)
    base = what_if.base
    which = request.GET.get("which", "losses")
    which = which if which in ("all", "gains", "losses") else "losses"
    page_raw = request.GET.get("page", "1")
    page = int(page_raw) if page_raw.isdigit() and len(page_raw) < 7 else 1
    context: dict[str, Any] = {"programme": programme, "what_if": what_if, "base": base, "which": which}
    if base is not None:
        cmp = services.compare_plans(services.view_of(base), wv)
        context["cmp"] = cmp
        context["listing"] = services.changes_page(cmp.pop("changes"), request.user, which=which, page=page)
    context["sees_persons"] = scope_for(request.user).can_read_personal_data
    return render(request, "programmes/what_if_detail.html", context)


@login_required
def plan_job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """A background plan computation: its progress (the page refreshes itself), then its plan."""
    from jaring.programmes.models import PlanJob, PlanJobStatus, PlanKind

    programme = _programme(request, slug)
    job = PlanJob.objects.filter(pk=job_id, programme=programme).first()
    if job is None:
        raise Http404(_("Plan not found"))
    if job.status == PlanJobStatus.DONE and job.plan_id:
        if job.kind == PlanKind.WHAT_IF:
            return redirect("programmes:what_if", slug=slug, plan_id=job.plan_id)
        return redirect(f"{reverse('programmes:plan', args=[slug])}?plan={job.plan_id}")
    lang_id = (get_language() or "id").startswith("id")
    return render(
        request,
        "programmes/plan_job.html",
        {
            "programme": programme,
            "job": job,
            "message": job.message_id if lang_id else job.message_en,
            "running": job.status in (PlanJobStatus.QUEUED, PlanJobStatus.RUNNING),
        },
    )


@login_required
def person_programmes(request: HttpRequest) -> HttpResponse:
    """From a person's page (``?nik=``): the programmes whose plan includes this NIK, each linked to the
    timeline (straight to it when there is one). The NIK stays out of the path, as everywhere."""
    nik = request.GET.get("nik", "").strip()[:32]
    _readable(request)
    if not scope_for(request.user).can_read_personal_data:
        raise PermissionDenied(_("Your role does not see persons."))
    found = [
        p
        for p in services.programmes_for(request.user).order_by("-first_month", "slug")
        if services.person_in_scope(p, request.user, nik) is not None and services.current_plan(p) is not None
    ]
    if len(found) == 1:
        return redirect(f"{reverse('programmes:coverage', args=[found[0].slug])}?nik={nik}")
    return render(request, "programmes/person_programmes.html", {"nik": nik, "programmes": found})
