"""What a locked-out login gets (django-axes): 429 with a message in both languages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_EN = "Too many failed logins for this account or address; ask a data steward to unlock it."
LOCKED_ID = "Terlalu banyak login gagal untuk akun atau alamat ini; minta walidata untuk membukanya."


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """The lockout answer: JSON for the API, a page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": LOCKED_EN, "detail_id": LOCKED_ID}, status=429)
    return render(request, "jaring/locked_out.html", status=429)


def lockout_parameters(request_or_attempt: Any, credentials: dict[str, Any] | None = None) -> list[str]:
    """Lock per account and per address; a wrong API token names no account, so it counts per address."""
    if credentials is not None and credentials.get("username") is None:
        return ["ip_address"]
    if credentials is None and getattr(request_or_attempt, "username", "") is None:
        return ["ip_address"]
    return ["username", "ip_address"]
