"""Request-scoped helpers."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

log = logging.getLogger("jaring.request")


class RequestIdMiddleware:
    """Give every request a server-made id so change-log entries can point back at the request.

    The id is always the server's (a client cannot choose what the change log records). A client's own
    ``X-Request-Id`` is kept apart as ``request.client_request_id``: untrusted, cleaned to 64 safe
    characters, logged next to the server's id and echoed as ``X-Client-Request-Id`` for correlation.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex  # type: ignore[attr-defined]
        client = _SAFE_ID.sub("", request.headers.get("X-Request-Id", ""))[:64]
        request.client_request_id = client  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
        if client:
            response["X-Client-Request-Id"] = client
            log.info("request %s client_request_id=%s", request.request_id, client)  # type: ignore[attr-defined]
        return response


_SAFE_ID = re.compile(r"[^A-Za-z0-9._:-]")


class RequestTooLarge(Exception):
    """A request body went past JARING_MAX_UPLOAD_BYTES while it was being read."""


class _CappedStream:
    """A wsgi.input that refuses to hand out more than ``cap`` bytes (bodies without Content-Length)."""

    def __init__(self, stream: Any, cap: int) -> None:
        self.stream = stream
        self.cap = cap
        self.seen = 0

    def _count(self, data: bytes) -> bytes:
        self.seen += len(data)
        if self.seen > self.cap:
            raise RequestTooLarge
        return data

    def read(self, size: int = -1) -> bytes:
        return self._count(self.stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self.stream.readline(size))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def too_large_response(request: HttpRequest) -> HttpResponse:
    """413 in both languages (JSON for the API, text for pages)."""
    limit_mb = settings.JARING_MAX_UPLOAD_BYTES / (1024 * 1024)
    en = f"The request is larger than the limit of {limit_mb:g} MB."
    id_ = f"Permintaan melebihi batas {limit_mb:g} MB."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "code": "too_large",
                "detail": en,
                "detail_id": id_,
                "limit_bytes": settings.JARING_MAX_UPLOAD_BYTES,
            },
            status=413,
        )
    else:
        response = HttpResponse(f"{id_}\n{en}\n", status=413, content_type="text/plain; charset=utf-8")
    response["Connection"] = "close"  # the unread body must not be taken for the next request
    return response


class RequestBodyLimitMiddleware:
    """Answer 413 when Content-Length is over JARING_MAX_UPLOAD_BYTES, before a byte of the body is read;
    a body without a length (chunked) is cut off at the same limit while it streams."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cap = int(settings.JARING_MAX_UPLOAD_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > cap:
            return too_large_response(request)
        stream = getattr(request, "_stream", None)
        if stream is not None:
            request._stream = _CappedStream(stream, cap)  # type: ignore[attr-defined,assignment]
        try:
            return self.get_response(request)
        except RequestTooLarge:
            return too_large_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestTooLarge):
            return too_large_response(request)
        return None


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy: no camera, microphone, geolocation… for any page of Jaring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.JARING_PERMISSIONS_POLICY)
        return response


class OtpRequiredMiddleware:
    """A user who enrolled a TOTP device must confirm a code before anything else (django-otp)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OTP_OPEN_PREFIXES)
            and hasattr(user, "is_verified")
            and not user.is_verified()
            and _has_device(user)
        ):
            from django.shortcuts import redirect

            return redirect(f"{reverse('otp_verify')}?next={request.get_full_path()}")
        return self.get_response(request)


OTP_OPEN_PREFIXES = ("/otp/", "/logout/", "/static/", "/i18n/", "/healthz", "/readyz", "/api/")


def _has_device(user: Any) -> bool:
    from django_otp import user_has_device

    return bool(user_has_device(user, confirmed=True))


# Paths an anonymous visitor may reach: the login page, the language switch, static files, the admin
# (which has its own login), the API and the OGC feed (which answer 401 themselves), the public
# statistics (disclosure-controlled aggregates only) and the health probes.
PUBLIC_PREFIXES = (
    "/login/",
    "/i18n/",
    "/static/",
    "/admin/",
    "/api/",
    "/ogc/",
    "/public/",
    "/favicon.ico",
    "/healthz",
    "/readyz",
)


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
