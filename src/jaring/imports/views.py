"""Import pages: upload, batch list, batch page with progress and issues, commit, issue report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.scope import scope_for
from jaring.core.http import download
from jaring.core.lib.spreadsheet import XLSX_MIME
from jaring.imports.forms import UploadForm
from jaring.imports.models import Batch, BatchStatus, Severity
from jaring.imports.rounds import rules as round_rules
from jaring.imports.services import batch_for, create_batch, issue_report
from jaring.imports.tasks import start_commit, start_validation


def _get_batch(request: HttpRequest, batch_id: int) -> Batch:
    batch = batch_for(request.user, batch_id)
    if batch is None:
        raise Http404(_("Batch not found"))
    return batch


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    """Batches in the user's scope, newest first."""
    scope = scope_for(request.user)
    qs = scope.batches().select_related("village", "created_by")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "imports/batch_list.html", {"page": page, "scope": scope})


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a spreadsheet for one of the user's villages; validation runs as a background job."""
    scope = scope_for(request.user)
    if not scope.can_edit:
        raise PermissionDenied(_("Your role cannot import."))
    villages = scope.villages().order_by("code")
    form = UploadForm(
        request.POST or None, request.FILES or None, villages=villages, rounds=round_rules().rounds_for(scope)
    )
    if request.method == "POST" and form.is_valid():
        village = form.cleaned_data["village"]
        scope.check_can_edit_in(village)
        upload = form.cleaned_data["file"]
        batch = create_batch(
            upload,
            village=village,
            user=request.user,
            filename=upload.name,
            sheet=form.cleaned_data["sheet"] or None,
            round=form.cleaned_data.get("round"),
        )
        start_validation(batch)
        return redirect("imports:detail", batch_id=batch.pk)
    return render(request, "imports/upload.html", {"form": form})


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    """The import template (XLSX): the headers, one synthetic example row and a notes sheet."""
    from jaring.imports.template import template_xlsx

    villages = list(scope_for(request.user).villages().order_by("code")[:2])
    code = villages[0].code if len(villages) == 1 else ""
    response = HttpResponse(template_xlsx(code), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="jaring-import-template.xlsx"'
    return response


XLSX_TYPE = XLSX_MIME


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One batch: status and progress, counts, the issues (filterable, paginated) and the commit button."""
    batch = _get_batch(request, batch_id)
    scope = scope_for(request.user)
    issues = batch.issues.all().order_by("row", "id")
    severity = request.GET.get("severity", "")
    code = request.GET.get("code", "")[:40]
    if severity in Severity.values:
        issues = issues.filter(severity=severity)
    if code:
        issues = issues.filter(code=code)
    codes = batch.issues.order_by("code").values_list("code", flat=True).distinct()
    page = Paginator(issues, 50).get_page(request.GET.get("page"))
    can_commit = batch.status == BatchStatus.VALIDATED and scope.can_edit and scope.covers_area(batch.village)
    query = "&".join(f"{k}={v}" for k, v in (("severity", severity), ("code", code)) if v)
    return render(
        request,
        "imports/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "codes": list(codes),
            "severity": severity,
            "code": code,
            "query": query,
            "can_commit": can_commit,
            "rows_unchanged": batch.issues.filter(code="already_registered").count(),
            "running": batch.status in {BatchStatus.UPLOADED, BatchStatus.VALIDATING, BatchStatus.COMMITTING},
        },
    )


@login_required
def batch_status(request: HttpRequest, batch_id: int) -> JsonResponse:
    """Small JSON for the progress bar."""
    batch = _get_batch(request, batch_id)
    return JsonResponse(
        {
            "status": batch.status,
            "status_display": batch.get_status_display(),
            "progress": batch.progress,
            "message": batch.progress_message,
            "finished": batch.status in {BatchStatus.VALIDATED, BatchStatus.COMMITTED, BatchStatus.FAILED},
        }
    )


@login_required
@require_POST
def batch_commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Commit a validated batch (background job)."""
    batch = _get_batch(request, batch_id)
    scope_for(request.user).check_can_edit_in(batch.village)
    if batch.status != BatchStatus.VALIDATED:
        messages.error(request, _("Only a validated batch can be committed."))
    else:
        start_commit(batch, request.user)
    return redirect("imports:detail", batch_id=batch.pk)


@login_required
def batch_report(request: HttpRequest, batch_id: int, fmt: str) -> HttpResponse:
    """The issue report (rows with issues, original cells plus an issues column) as CSV or XLSX."""
    batch = _get_batch(request, batch_id)
    data = issue_report(batch, fmt)
    return download(data, f"batch-{batch.pk}-issues.{fmt}")
