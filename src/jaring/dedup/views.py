"""Dedup pages: the review queue, a pair side by side (merge, different people, undo), runs, NIK conflicts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.scope import Scope, scope_for
from jaring.core.http import request_id
from jaring.dedup import services
from jaring.dedup.forms import ConflictForm, RunForm
from jaring.dedup.models import (
    CandidatePair,
    ConflictStatus,
    DedupRun,
    NikConflict,
    PairStatus,
    RunStatus,
)
from jaring.dedup.tasks import start_run
from jaring.geo.models import Area
from jaring.registry.models import ChangeVia, Person
from jaring.registry.services import PersonInvalid, StaleVersion

PAGE_SIZE = 50


def _personal_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.can_read_personal_data:
        raise PermissionDenied(_("Your role sees aggregates only."))
    return scope


def _get_pair(scope: Scope, pair_id: int) -> CandidatePair:
    # Outside the scope is a 404: nobody learns that a pair (or its persons) exists elsewhere.
    pair = (
        services.pairs_for(scope)
        .select_related(
            "person_a__village", "person_b__village", "person_a__occupation", "person_b__occupation"
        )
        .filter(pk=pair_id)
        .first()
    )
    if pair is None:
        raise Http404(_("Pair not found."))
    return pair


def _run_message(run: DedupRun | None) -> str:
    if run is None:
        return ""
    return run.progress_message_id if (get_language() or "").startswith("id") else run.progress_message


def _scope_area(scope: Scope) -> Area | None:
    return Area.objects.filter(code=scope.area_code).first() if scope.area_code else None


def queue(request: HttpRequest) -> HttpResponse:
    """The review queue: candidate pairs by probability, filtered by village and status, paginated."""
    scope = _personal_scope(request)
    qs = services.pairs_for(scope).select_related("person_a__village", "person_b__village")
    status = request.GET.get("status", PairStatus.OPEN)
    if status in PairStatus.values:
        qs = qs.filter(status=status)
    elif status != "all":
        status = PairStatus.OPEN
        qs = qs.filter(status=status)
    village = request.GET.get("village", "")[:13]
    if village:
        qs = qs.filter(Q(person_a__village__code=village) | Q(person_b__village__code=village))
    q = request.GET.get("q", "")[:100]
    qs = services.search_pairs(services.decidable(qs), q)
    page = Paginator(qs.order_by("-probability", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    run = services.runs_for(scope).select_related("area", "created_by").first()
    query = urlencode({k: v for k, v in (("status", status), ("village", village), ("q", q)) if v})
    return render(
        request,
        "dedup/queue.html",
        {
            "page": page,
            "status": status,
            "statuses": PairStatus.choices,
            "village": village,
            "q": q,
            "villages": scope.villages().order_by("name").values_list("code", "name"),
            "query": query,
            "run": run,
            "run_message": _run_message(run),
            "running": run is not None and not run.is_finished,
            "can_start": services.can_start_run(scope),
            "form": RunForm(),
            "open_conflicts": services.conflicts_for(scope).filter(status=ConflictStatus.OPEN).count(),
        },
    )


@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a deduplication run over the user's area (a background job)."""
    scope = _personal_scope(request)
    if not services.can_start_run(scope):
        raise PermissionDenied(_("Only BPS reviewers and data stewards start deduplication."))
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The threshold must be a probability between 0.5 and 0.999."))
        return redirect("dedup:queue")
    if services.run_in_progress() is not None:
        messages.warning(request, _("A deduplication run is already in progress."))
        return redirect("dedup:queue")
    run = start_run(area=_scope_area(scope), threshold=form.cleaned_data["threshold"], user=request.user)
    if run.status == RunStatus.FAILED:
        messages.error(request, _("The deduplication run failed: %(error)s") % {"error": run.error_message})
    return redirect("dedup:queue")


def run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    """Small JSON for the run's progress bar."""
    run = services.runs_for(_personal_scope(request)).filter(pk=run_id).first()
    if run is None:  # also another area's run: nobody learns it exists
        raise Http404(_("Run not found."))
    return JsonResponse(
        {
            "status": run.status,
            "status_display": run.get_status_display(),
            "progress": run.progress,
            "message": _run_message(run),
            "finished": run.is_finished,
        }
    )


def _display(person: Person, name: str) -> str:
    if name == "village":
        return f"{person.village.name} ({person.village.code})"
    if name == "occupation":
        return person.occupation.name if person.occupation else ""
    value = getattr(person, name)
    display = getattr(person, f"get_{name}_display", None)
    if display is not None and value:
        return str(display())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def _rows(pair: CandidatePair, chosen: dict[str, str] | None = None) -> list[dict[str, Any]]:
    a, b = pair.person_a, pair.person_b
    rows = []
    for name in services.MERGE_FIELDS:
        va, vb = _display(a, name), _display(b, name)
        default = "b" if (not va and vb and name != "nik") else "a"
        rows.append(
            {
                "name": name,
                "label": services.field_label(name),
                "a": va,
                "b": vb,
                "differs": va != vb,
                "choice": (chosen or {}).get(name, default),
            }
        )
    return rows


def pair_detail(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Two records side by side, differences highlighted, one radio per field for the surviving value."""
    scope = _personal_scope(request)
    pair = _get_pair(scope, pair_id)
    decision = services.last_decision(pair)
    others = (
        list(
            services.pairs_for(scope)
            .filter(cluster=pair.cluster, run=pair.run)
            .exclude(pk=pair.pk)
            .values_list("pk", "probability")[:20]
        )
        if pair.cluster
        else []
    )
    survivor = None
    if decision is not None and decision.survivor_id:
        survivor = "a" if decision.survivor_id == pair.person_a_id else "b"
    return render(
        request,
        "dedup/pair_detail.html",
        {
            "pair": pair,
            "a": pair.person_a,
            "b": pair.person_b,
            "rows": _rows(pair, decision.choices if decision else None),
            "decision": decision,
            "survivor": survivor,
            "cluster_pairs": others,
            "can_decide": services.can_decide(scope, pair.person_a.village, pair.person_b.village),
            "stale": pair.status == PairStatus.OPEN
            and bool(pair.person_a.merged_into_id or pair.person_b.merged_into_id),
        },
    )


def _fail(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, StaleVersion | services.DedupError):
        messages.error(request, exc.message_en if get_language() == "en" else exc.message_id)
    elif isinstance(exc, PersonInvalid):
        text = "; ".join(e.message_en if get_language() == "en" else e.message_id for e in exc.errors)
        messages.error(request, _("The merged record would not be valid: %(errors)s") % {"errors": text})


@require_POST
def pair_merge(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Merge the pair with the chosen values (one transaction; undoable)."""
    scope = _personal_scope(request)
    pair = _get_pair(scope, pair_id)
    choices = {name: request.POST.get(f"choice_{name}", "") for name in services.MERGE_FIELDS}
    try:
        versions = (int(request.POST.get("version_a", "")), int(request.POST.get("version_b", "")))
    except ValueError:
        versions = None
    try:
        services.merge_pair(
            pair,
            actor=request.user,
            choices=choices,
            versions=versions,
            via=ChangeVia.WEB,
            request_id=request_id(request),
        )
    except (StaleVersion, services.DedupError, PersonInvalid) as exc:
        _fail(request, exc)
    else:
        messages.success(
            request, _("Merged. The other record is kept and can be restored with “Undo merge”.")
        )
    return redirect("dedup:pair", pair_id=pair.pk)


@require_POST
def pair_distinct(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Decide "different people": the pair is never proposed again."""
    scope = _personal_scope(request)
    pair = _get_pair(scope, pair_id)
    try:
        services.mark_distinct(pair, actor=request.user, via=ChangeVia.WEB)
    except services.DedupError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Marked as different people. This pair will not be proposed again."))
    return redirect("dedup:pair", pair_id=pair.pk)


@require_POST
def pair_undo(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Undo the pair's decision (a merge restores both records as they were)."""
    scope = _personal_scope(request)
    pair = _get_pair(scope, pair_id)
    try:
        services.undo_decision(pair, actor=request.user, via=ChangeVia.WEB, request_id=request_id(request))
    except (StaleVersion, services.DedupError) as exc:
        _fail(request, exc)
    else:
        messages.success(
            request, _("Decision undone: both records are as they were and the pair is open again.")
        )
    return redirect("dedup:pair", pair_id=pair.pk)


# --- NIK conflicts ---------------------------------------------------------------------------------------


def conflict_list(request: HttpRequest) -> HttpResponse:
    """Rows refused at import because their NIK is already registered, oldest open first."""
    scope = _personal_scope(request)
    qs = services.conflicts_for(scope).select_related("batch__village", "person__village")
    status = request.GET.get("status", ConflictStatus.OPEN)
    if status in ConflictStatus.values:
        qs = qs.filter(status=status)
    else:
        status = "all"
    page = Paginator(qs.order_by("created_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dedup/conflict_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ConflictStatus.choices,
            "query": f"status={status}",
            "can_collect": services.can_start_run(scope),
        },
    )


@require_POST
def conflict_collect(request: HttpRequest) -> HttpResponse:
    """Record the NIK conflicts of committed batches not read yet."""
    scope = _personal_scope(request)
    if not services.can_start_run(scope):
        raise PermissionDenied(_("Only BPS reviewers and data stewards record conflicts."))
    added = services.collect_conflicts(area=_scope_area(scope))
    messages.success(request, _("%(n)d NIK conflicts recorded.") % {"n": added})
    return redirect("dedup:conflicts")


def _get_conflict(scope: Scope, conflict_id: int) -> NikConflict:
    conflict = (
        services.conflicts_for(scope)
        .select_related("batch__village", "person__village", "person__occupation", "decided_by")
        .filter(pk=conflict_id)
        .first()
    )
    if conflict is None:
        raise Http404(_("Conflict not found."))
    return conflict


def conflict_detail(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """The registered record next to the refused row, and the three resolutions."""
    scope = _personal_scope(request)
    conflict = _get_conflict(scope, conflict_id)
    person = conflict.person
    # The registered record is shown only to users who may see it (it may live in another village).
    visible = person is not None and scope.persons().filter(pk=person.pk).exists()
    rows = []
    if visible and person is not None:
        incoming_village = Area.objects.filter(pk=conflict.incoming.get("village_id")).first()
        for name in services.MERGE_FIELDS:
            key = f"{name}_id" if name in services.FK_FIELDS else name
            registered = _display(person, name)
            new = conflict.incoming.get(key)
            if name == "village":
                new = f"{incoming_village.name} ({incoming_village.code})" if incoming_village else ""
            elif name == "occupation":
                from jaring.registry.models import OccupationCategory

                occ = OccupationCategory.objects.filter(pk=new).first() if new else None
                new = occ.name if occ else ""
            new = "" if new is None else str(new)
            rows.append(
                {
                    "label": services.field_label(name),
                    "registered": registered,
                    "incoming": new,
                    "differs": bool(new) and new != registered,
                }
            )
    areas = [conflict.batch.village, person.village if person else None]
    return render(
        request,
        "dedup/conflict_detail.html",
        {
            "conflict": conflict,
            "person_visible": visible,
            "rows": rows,
            "form": ConflictForm(initial={"version": person.version if person else None}),
            "can_decide": conflict.status == ConflictStatus.OPEN and services.can_decide(scope, *areas),
            "can_reopen": conflict.status != ConflictStatus.OPEN and services.can_decide(scope, *areas),
        },
    )


@require_POST
def conflict_resolve(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """Resolve a NIK conflict."""
    scope = _personal_scope(request)
    conflict = _get_conflict(scope, conflict_id)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a resolution."))
        return redirect("dedup:conflict", conflict_id=conflict.pk)
    try:
        services.resolve_conflict(
            conflict,
            form.cleaned_data["resolution"],
            actor=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data.get("version"),
            via=ChangeVia.WEB,
            request_id=request_id(request),
        )
    except (StaleVersion, services.DedupError, PersonInvalid) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Conflict resolved."))
    return redirect("dedup:conflict", conflict_id=conflict.pk)


@require_POST
def conflict_reopen(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """Undo a conflict's resolution (a taken row's update is reverted from the change log)."""
    scope = _personal_scope(request)
    conflict = _get_conflict(scope, conflict_id)
    try:
        services.reopen_conflict(
            conflict, actor=request.user, via=ChangeVia.WEB, request_id=request_id(request)
        )
    except (StaleVersion, services.DedupError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Resolution undone: the conflict is open again."))
    return redirect("dedup:conflict", conflict_id=conflict.pk)
