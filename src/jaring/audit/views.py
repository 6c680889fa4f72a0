"""The audit trail page and its export: read-only, for auditors, data stewards and superusers."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jaring.accounts.scope import scope_for
from jaring.audit import services
from jaring.audit.forms import AuditFilterForm
from jaring.core.lib.spreadsheet import XLSX_MIME

PER_PAGE = 50


def _log(request: HttpRequest) -> tuple[AuditFilterForm, services.AuditLog]:
    scope = scope_for(request.user)
    if not services.can_read_audit(scope):
        raise PermissionDenied(_("Only auditors and data stewards may read the audit trail."))
    form = AuditFilterForm(request.GET or None)
    return form, services.AuditLog(scope, form.filters())


@login_required
def trail(request: HttpRequest) -> HttpResponse:
    """Every change in the reader's scope, newest first, filtered and paged."""
    form, log = _log(request)
    page: Any = Paginator(log, PER_PAGE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])
    return render(request, "audit/trail.html", {"form": form, "page": page, "query": query})


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered trail as CSV (streamed) or XLSX."""
    _form, log = _log(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    headers = [_("At"), _("Kind"), _("By"), _("Action"), _("Object"), _("Details")]
    if fmt == "csv":
        writer = csv.writer(_Echo())
        rows = (writer.writerow([_neutral(c) for c in r]) for r in services.export_rows(log))
        body = itertools.chain(["\ufeff" + writer.writerow(headers)], rows)
        response: HttpResponseBase = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_xlsx(headers, log), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="jaring-audit-{stamp}.{fmt}"'
    return response


def _neutral(value: str) -> str:
    from jaring.core.lib.spreadsheet import neutralise_cell

    return str(neutralise_cell(value))


def _xlsx(headers: list[str], log: services.AuditLog) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("audit")
    text = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, headers)
    for i, row in enumerate(services.export_rows(log), start=1):
        sheet.write_row(i, 0, [_neutral(c) for c in row], text)
    book.close()
    return buf.getvalue()
