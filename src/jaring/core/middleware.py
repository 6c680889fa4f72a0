"""Request-scoped helpers."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class RequestIdMiddleware:
    """Give every request an id so change-log entries can point back at the request that made them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        request.request_id = request_id[:64]  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
        return response


# Paths an anonymous visitor may reach: the login page, the language switch, static files, the admin
# (which has its own login), the API and the OGC feed (which answer 401 themselves) and the public
# statistics (disclosure-controlled aggregates only).
PUBLIC_PREFIXES = ("/login/", "/i18n/", "/static/", "/admin/", "/api/", "/ogc/", "/public/", "/favicon.ico")


class LoginRequiredMiddleware:
    """Send anonymous visitors of any page to the login page: they get nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is None or not user.is_authenticated) and not request.path.startswith(PUBLIC_PREFIXES):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
