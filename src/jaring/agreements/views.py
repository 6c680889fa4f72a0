"""Agreement pages: the list with expiry warnings, one agreement, write/amend, and the status steps."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.scope import scope_for
from jaring.agreements import access, services
from jaring.agreements.forms import AgreementForm, StepForm
from jaring.agreements.models import Agreement, AgreementStatus, Purpose
from jaring.core.lib.spreadsheet import XLSX_MIME

ACCESS_KINDS = {
    "detail": gettext_lazy("a person's page"),
    "list": gettext_lazy("a list"),
    "export": gettext_lazy("an export"),
    "api": gettext_lazy("the API"),
}


def _visible(request: HttpRequest, pk: int) -> Agreement:
    found = services.visible_to(scope_for(request.user)).filter(pk=pk).first()
    if found is None:
        raise Http404(_("Agreement not found"))
    return found


def _error_text(exc: services.AgreementError) -> str:
    en = (get_language() or "id").startswith("en")
    return "; ".join(men if en else mid for _f, mid, men in exc.errors)


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Agreements the user may read, with those ending soon on top."""
    qs = services.visible_to(scope_for(request.user)).prefetch_related("parties__organisation")
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(title__icontains=query) | qs.filter(number__icontains=query)
    page = Paginator(qs.order_by("number"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "page": page,
            "q": query,
            "warnings": services.expiry_warnings(qs),
            "may_manage": services.can_manage(request.user),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One agreement: its terms in words, parties, versions and change log."""
    agreement = _visible(request, pk)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": agreement.parties.select_related("organisation"),
            "versions": agreement.versions.select_related("created_by"),
            "changes": agreement.changes.select_related("actor")[:50],
            "may_manage": services.can_manage(request.user),
            "step_form": StepForm(),
            "warnings": services.expiry_warnings([agreement]),
        },
    )


@login_required
def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new agreement, or amend one (a new version)."""
    if not services.can_manage(request.user):
        raise PermissionDenied(_("Only a data steward may write agreements."))
    agreement = _visible(request, pk) if pk is not None else None
    if request.method == "POST":
        form = AgreementForm(request.POST, request.FILES)
        if agreement is not None:
            form.fields["number"].disabled = True
            form.fields["number"].initial = agreement.number
        if form.is_valid():
            data = form.to_data()
            try:
                saved, action = services.save(data, user=request.user, reason=form.cleaned_data["reason"])
                upload = form.cleaned_data.get("document")
                if upload:
                    content = upload.read()
                    saved.document.save(upload.name, ContentFile(content), save=False)
                    saved.document_sha256 = hashlib.sha256(content).hexdigest()
                    saved.save(update_fields=["document", "document_sha256"])
            except services.AgreementError as exc:
                form.add_error(None, _error_text(exc))
            else:
                labels = {
                    "created": _("Agreement created."),
                    "amended": _("Saved as a new version."),
                    "unchanged": _("Nothing changed."),
                }
                messages.success(request, labels[action])
                return redirect("agreements:detail", saved.pk)
    else:
        form = AgreementForm.for_agreement(agreement) if agreement else AgreementForm()
    return render(request, "agreements/agreement_form.html", {"form": form, "agreement": agreement})


@login_required
@require_POST
def agreement_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Activate, suspend, revoke or renew, with the reason."""
    if not services.can_manage(request.user):
        raise PermissionDenied(_("Only a data steward may change an agreement's status."))
    agreement = _visible(request, pk)
    form = StepForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if step == "renew":
            services.renew(agreement, user=request.user, reason=reason, until=form.cleaned_data.get("until"))
        else:
            status = {
                "activate": AgreementStatus.ACTIVE,
                "suspend": AgreementStatus.SUSPENDED,
                "revoke": AgreementStatus.REVOKED,
            }.get(step)
            if status is None:
                raise Http404
            services.set_status(agreement, status, user=request.user, reason=reason)
    except services.AgreementError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Agreement updated."))
    return redirect("agreements:detail", agreement.pk)


@login_required
def access_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Who read the data under this agreement in a month, for what; a provider sees reads of its own area."""
    agreement = _visible(request, pk)
    scope = scope_for(request.user)
    area = services.report_area(request.user, agreement)
    if area is None:
        raise PermissionDenied(_("Only the agreement's providers and supervisors read its access report."))
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        data = access.report(agreement, month, area or None)
    except ValueError as exc:
        raise Http404(_("Not a month (YYYY-MM)")) from exc
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(access.report_xlsx(data), content_type=XLSX_MIME)
        response["Content-Disposition"] = f'attachment; filename="akses-{agreement.pk}-{month}.xlsx"'
        return response
    for item in data["items"]:
        item["purpose_label"] = (
            Purpose(item["purpose"]).label if item["purpose"] in Purpose.values else item["purpose"]
        )
        item["kind_label"] = ACCESS_KINDS.get(item["kind"], item["kind"])
        item["at"] = dt.datetime.fromisoformat(item["at"])
    page = Paginator(data["items"], 50).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/access_report.html",
        {
            "agreement": agreement,
            "data": data,
            "month": month,
            "page": page,
            "scope": scope,
            "query": f"month={month}",
        },
    )
