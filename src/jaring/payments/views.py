"""Web pages of bills and payments: bills per payer and month, issuing, statements, burn-down."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.scope import scope_for
from jaring.enrolment.services import EnrolmentError, can_edit, month_of, programme_by_slug
from jaring.payments import lapses, ledger, services, statements
from jaring.payments.burndown import burndown
from jaring.payments.forms import MonthForm, StatementForm
from jaring.payments.models import Statement
from jaring.programmes import services as programme_services


def _message(exc: EnrolmentError) -> str:
    return exc.message_id if (get_language() or "id").startswith("id") else exc.message_en


@login_required
def bill_list(request: HttpRequest) -> HttpResponse:
    """Bills (totals only, no person) of the programmes the user sees, filtered by payer and month."""
    if not programme_services.can_read(scope_for(request.user)):
        raise PermissionDenied(_("Your role does not see bills."))
    qs = services.bills_for(request.user).select_related("plan")
    programme = request.GET.get("programme") or ""
    if programme:
        qs = qs.filter(programme__slug=programme)
    month = None
    try:
        month = month_of(request.GET["month"]) if request.GET.get("month") else None
    except EnrolmentError as exc:
        messages.error(request, _message(exc))
    qs = services.filtered(qs, request.GET.get("payer") or None, month)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    may_edit = can_edit(request.user)
    return render(
        request,
        "payments/bill_list.html",
        {
            "page": page,
            "programmes": programme_services.programmes_for(request.user),
            "filters": {
                "programme": programme,
                "payer": request.GET.get("payer", ""),
                "month": request.GET.get("month", ""),
            },
            "may_edit": may_edit,
            "month_form": MonthForm(),
            "statement_form": StatementForm(),
            "statements": Statement.objects.all()[:10] if may_edit else [],
            "check": ledger.check() if may_edit else None,
        },
    )


def _month_action(request: HttpRequest, action: str) -> HttpResponse:
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the programme and the month (YYYY-MM)."))
        return redirect("payments:list")
    try:
        programme = programme_by_slug(form.cleaned_data["programme"])
        month = month_of(form.cleaned_data["month"])
        if action == "issue":
            bills = services.issue_bills(programme, month, actor=request.user, via="web")
            messages.success(request, _("%(n)s bills issued.") % {"n": len(bills)})
        else:
            result = services.reconcile_month(programme, month, actor=request.user, via="web")
            messages.success(
                request,
                _("%(done)s bills reconciled, %(left)s not yet.")
                % {"done": len(result["reconciled"]), "left": len(result["not_reconciled"])},
            )
    except EnrolmentError as exc:
        messages.error(request, _message(exc))
        return redirect("payments:list")
    return redirect(f"{reverse('payments:list')}?programme={programme.slug}&month={month:%Y-%m}")


@login_required
@require_POST
def bill_issue(request: HttpRequest) -> HttpResponse:
    return _month_action(request, "issue")


@login_required
@require_POST
def bill_reconcile(request: HttpRequest) -> HttpResponse:
    return _month_action(request, "reconcile")


@login_required
@require_POST
def statement_upload(request: HttpRequest) -> HttpResponse:
    """Import a payment statement: the report, or every bad line (nothing written)."""
    if not can_edit(request.user):
        raise PermissionDenied(_("Your role cannot import statements."))
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("payments:list")
    upload = form.cleaned_data["file"]
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix or ".csv") as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            statements.import_statement(Path(tmp.name), actor=request.user, via="web")
        except statements.StatementRefused as exc:
            return render(
                request, "payments/statement_refused.html", {"problems": exc.problems, "name": upload.name}
            )
    latest = Statement.objects.order_by("-imported_at", "-id").first()
    assert latest is not None
    return redirect("payments:statement", pk=latest.pk)


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An imported statement's report: full, short, over, duplicate, unknown, cancelled."""
    if not can_edit(request.user) and not scope_for(request.user).role == "auditor":
        raise PermissionDenied(_("Your role does not see statements."))
    statement = Statement.objects.filter(pk=pk).first()
    if statement is None:
        raise Http404(_("Statement not found"))
    kinds = [(k, statement.counts.get(k, [])) for k in statements.OUTCOMES]
    return render(request, "payments/statement_detail.html", {"statement": statement, "kinds": kinds})


@login_required
def burndown_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Planned vs billed vs paid per source and month, and quota use."""
    programme = programme_services.programmes_for(request.user).filter(slug=slug).first()
    if programme is None:
        raise Http404(_("Programme not found"))
    try:
        data = burndown(programme)
    except EnrolmentError as exc:
        messages.error(request, _message(exc))
        return redirect("payments:list")
    return render(request, "payments/burndown.html", {"programme": programme, "data": data})


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """Members at risk (a month unpaid after its due date) and whose membership ended (over 3 months)."""
    scope = scope_for(request.user)
    if not scope.can_see_aggregates:
        raise PermissionDenied(_("Your role does not see enrolment."))
    rows = []
    for programme in (
        programme_services.programmes_for(request.user) if programme_services.can_read(scope) else []
    ):
        found = lapses.states(programme, persons=scope.persons_for_aggregates())
        named = {}
        if scope.can_read_personal_data:
            ids = list(found["at_risk"]) + list(found["ended"])
            named = {p.pk: p for p in scope.persons().filter(pk__in=ids[:500]).select_related("village")}
        rows.append({"programme": programme, "states": found, "named": named})
    return render(request, "enrolment/alerts.html", {"rows": rows})
