"""Web pages of enrolment: batches, a batch's persons and files, BPJS answer upload."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.scope import scope_for
from jaring.core.lib.spreadsheet import XLSX_MIME
from jaring.enrolment import answers, services
from jaring.enrolment.forms import AnswerForm, BatchForm
from jaring.enrolment.models import EnrolmentBatch
from jaring.programmes import services as programme_services


def _batch(request: HttpRequest, reference: str) -> EnrolmentBatch:
    found = services.batches_for(request.user).filter(reference=reference).select_related("plan").first()
    if found is None:
        raise Http404(_("Enrolment batch not found"))
    return found


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    """Batches of the programmes the user sees; editors create one from the approved plan."""
    if not scope_for(request.user).can_see_aggregates:
        raise PermissionDenied(_("Your role does not see enrolment."))
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_by_slug(form.cleaned_data["programme"])
            source = services.source_for(programme, form.cleaned_data["payer"])
            month = services.month_of(form.cleaned_data["month"])
            batch = services.create_batch(programme, source, month, actor=request.user, via="web")
            return redirect("enrolment:detail", reference=batch.reference)
        except services.EnrolmentError as exc:
            form.add_error(
                None, exc.message_id if (get_language() or "id").startswith("id") else exc.message_en
            )
    batches = list(services.batches_for(request.user).select_related("plan"))
    counts = services.counts_by_batch(batches)
    rows = [(b, counts[b.pk]) for b in batches]
    return render(
        request,
        "enrolment/batch_list.html",
        {
            "rows": rows,
            "form": form,
            "answer_form": AnswerForm(),
            "may_edit": services.can_edit(request.user),
            "programmes": programme_services.programmes_for(request.user),
        },
    )


@login_required
def batch_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """A batch: its counts for everyone who sees it, its persons for those who may read identities."""
    batch = _batch(request, reference)
    persons = services.enrolments_for(request.user, batch).order_by("person__full_name", "id")
    page = Paginator(persons, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/batch_detail.html",
        {
            "batch": batch,
            "counts": services.status_counts(batch),
            "page": page,
            "sees_persons": scope_for(request.user).can_read_personal_data,
            "may_edit": services.can_edit(request.user),
            "answer_form": AnswerForm(),
            "warnings": services.membership_warnings(batch),
        },
    )


@login_required
def batch_file(request: HttpRequest, reference: str, fmt: str) -> HttpResponse:
    """The collective-registration file; pending persons become sent (editors only)."""
    batch = _batch(request, reference)
    if fmt not in ("xlsx", "csv"):
        raise Http404(_("Unknown format"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{batch.reference}.{fmt}"
        services.export_batch(batch, out, actor=request.user, via="web")
        body = out.read_bytes()
    kind = "text/csv" if fmt == "csv" else XLSX_MIME
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.{fmt}"'
    return response


@login_required
@require_POST
def answer_upload(request: HttpRequest) -> HttpResponse:
    """Import BPJS's answer: all rows or none; the result (or every problem) on the page."""
    if not services.can_edit(request.user):
        raise PermissionDenied(_("Your role cannot import BPJS answers."))
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("enrolment:list")
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix or ".csv"
    result, refused = None, None
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            result = answers.import_answer(Path(tmp.name), actor=request.user, via="web")
        except answers.AnswerRefused as exc:
            refused = exc.report()
    return render(
        request, "enrolment/answer_result.html", {"result": result, "refused": refused, "name": upload.name}
    )
