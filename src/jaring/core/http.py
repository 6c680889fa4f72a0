"""Small HTTP helpers every app's views and API share (one place for a download's headers)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from jaring.core.lib.spreadsheet import CSV_MIME, XLSX_MIME


def download(content: bytes | str, filename: str) -> HttpResponse:
    """An attachment; the content type follows the file's extension (.xlsx or .csv)."""
    content_type = XLSX_MIME if filename.endswith(".xlsx") else CSV_MIME
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def request_id(request: HttpRequest) -> str:
    """The id RequestIdMiddleware gave this request (empty outside a request), for change-log entries."""
    return str(getattr(request, "request_id", ""))
