"""Who is acting, for the audit events written by signals (set by the middleware, or by a command)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

# A name, or the request whose user is read when an event is written (API tokens log in inside the view).
_actor: ContextVar[Any] = ContextVar("jaring_audit_actor", default="")


def actor_name() -> str:
    """The username of whoever is acting now, or '' (a command or a job without a named user)."""
    who = _actor.get()
    if isinstance(who, str):
        return who
    user = getattr(who, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else ""


@contextmanager
def acting_as(who: Any) -> Iterator[None]:
    """Record ``who`` (a username or a request) as the actor of every audit event written inside the block."""
    token = _actor.set(who)
    try:
        yield
    finally:
        _actor.reset(token)


class AuditActorMiddleware:
    """Makes the request's user the actor of the audit events the request writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(request):
            return self.get_response(request)
