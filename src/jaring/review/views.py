"""Review pages: the queue, a batch's review page (indicators, comments, actions, history), round quality."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.scope import scope_for
from jaring.collection.models import Round
from jaring.core.http import download
from jaring.imports.models import Batch
from jaring.review import quality as q
from jaring.review import services
from jaring.review.forms import ActionForm, QueueFilterForm, RowCommentForm
from jaring.review.models import ReviewAction, RowComment


def _require_reader(request: HttpRequest) -> None:
    if not scope_for(request.user).can_read_personal_data:
        raise PermissionDenied(_("Your role cannot see batches."))


def _get_batch(request: HttpRequest, batch_id: int) -> Batch:
    # Outside the scope, or not committed (nothing to review yet): 404.
    batch = services.review_batches(request.user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404(_("Batch not found"))
    return batch


def _refusal_text(exc: services.ReviewError) -> str:
    return exc.message_en if (get_language() or "").startswith("en") else exc.message_id


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Batches to act on: pending ones for BPS reviewers, unsubmitted/returned ones for operators."""
    _require_reader(request)
    form = QueueFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    qs = services.queue(
        request.user,
        status=data.get("status") or "",
        village=data.get("village") or "",
        round_slug=data.get("round") or "",
        q=data.get("q") or "",
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    returns = {
        e.batch_id: e
        for e in services.ReviewEvent.objects.filter(
            batch_id__in=[b.pk for b in page], action=ReviewAction.RETURN
        ).order_by("at", "id")
    }
    rows = [(b, returns.get(b.pk)) for b in page]
    query = urlencode({k: v for k, v in data.items() if v})
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "rounds": Round.objects.order_by("-period_start", "name"),
            "is_reviewer": services.is_reviewer(request.user),
        },
    )


@login_required
def batch_review(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One batch's review: status, actions, indicators with breaches, row comments and the history."""
    batch = _get_batch(request, batch_id)
    quality = q.batch_quality(batch)
    indicators = [
        (
            column,
            q.indicator_label(column),
            q.pct(quality.values.get(column)),
            column in quality.breached_columns,
        )
        for column in q.SHARE_COLUMNS
    ]
    comments = batch.row_comments.select_related("author", "resolved_by", "person").order_by(
        "resolved", "row"
    )
    return render(
        request,
        "review/batch.html",
        {
            "batch": batch,
            "quality": quality,
            "indicators": indicators,
            "actions": [
                (a, services.ReviewAction(a).label) for a in services.allowed_actions(batch, request.user)
            ],
            "events": services.events(batch),
            "comments": comments,
            "last_return": services.last_return(batch),
            "can_comment": services.can_comment(batch, request.user),
            "comment_form": RowCommentForm(),
        },
    )


@login_required
@require_POST
def batch_action(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Take one review step (submit, start, return, approve, resubmit) with the comment typed."""
    batch = _get_batch(request, batch_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("review:batch", batch_id=batch.pk)
    action = form.cleaned_data["action"]
    try:
        event = services.transition(batch, action, request.user, comment=form.cleaned_data["comment"])
    except services.ReviewError as exc:
        messages.error(request, _refusal_text(exc))
    else:
        messages.success(
            request,
            _("Done: %(action)s. The batch is now %(status)s.")
            % {"action": event.get_action_display(), "status": event.get_to_status_display()},
        )
    return redirect("review:batch", batch_id=batch.pk)


@login_required
@require_POST
def comment_add(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Add a comment on one row of the batch."""
    batch = _get_batch(request, batch_id)
    form = RowCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment and the row it is about."))
        return redirect("review:batch", batch_id=batch.pk)
    try:
        services.add_row_comment(
            batch,
            request.user,
            text=form.cleaned_data["text"],
            row=form.cleaned_data.get("row"),
            person_id=form.cleaned_data.get("person"),
            column=form.cleaned_data.get("column") or "",
        )
    except services.ReviewError as exc:
        messages.error(request, _refusal_text(exc))
    else:
        messages.success(request, _("Comment added."))
    return redirect(f"{batch_review_url(batch)}#comments")


def batch_review_url(batch: Batch) -> str:
    """The review page of a batch."""
    from django.urls import reverse

    return reverse("review:batch", args=[batch.pk])


@login_required
@require_POST
def comment_resolve(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Mark a row comment resolved (or open it again with ``resolved=0``)."""
    comment = get_object_or_404(
        RowComment.objects.select_related("batch__village"),
        pk=comment_id,
        batch__in=services.review_batches(request.user),
    )
    try:
        services.resolve_row_comment(comment, request.user, resolved=request.POST.get("resolved", "1") != "0")
    except services.ReviewError as exc:
        messages.error(request, _refusal_text(exc))
    return redirect(f"{batch_review_url(comment.batch)}#comments")


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    """The collection rounds, each with a link to its quality report."""
    _require_reader(request)
    return render(request, "review/rounds.html", {"rounds": Round.objects.order_by("-period_start", "name")})


def _round_report(request: HttpRequest, slug: str) -> tuple[Round, q.RoundQuality]:
    _require_reader(request)
    round_obj = get_object_or_404(Round, slug=slug)
    return round_obj, q.round_quality(round_obj, scope_for(request.user).batches())


@login_required
def round_quality(request: HttpRequest, slug: str) -> HttpResponse:
    """A round's quality report: one row per village, red where an indicator passes its threshold."""
    round_obj, report = _round_report(request, slug)

    def cells(quality: q.Quality) -> list[tuple[Any, bool]]:
        return [(q.pct(quality.values.get(c)), c in quality.breached_columns) for c in q.SHARE_COLUMNS]

    over_only = request.GET.get("over") == "1"
    rows = [
        (area, quality, cells(quality))
        for area, quality in report.villages
        if quality.breaches or not over_only
    ]
    limits = [
        (
            q.indicator_label(t.indicator),
            "≥" if t.comparison == q.Comparison.AT_LEAST else "≤",
            q.pct(t.limit),
        )
        for t in q.thresholds().values()
        if t.enabled
    ]
    return render(
        request,
        "review/round_quality.html",
        {
            "round": round_obj,
            "report": report,
            "rows": rows,
            "total_cells": cells(report.total),
            "columns": [(c, q.indicator_label(c)) for c in q.SHARE_COLUMNS],
            "limits": limits,
            "over_only": over_only,
        },
    )


@login_required
def round_quality_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    """The round's quality report as XLSX."""
    round_obj, report = _round_report(request, slug)
    return download(q.round_xlsx(report, round_obj.name), f"quality-{round_obj.slug}.xlsx")
