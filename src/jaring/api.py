"""The REST API under /api/v1 (django-ninja): token or session auth, one router per app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from jaring.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jrg_…``: a token issued with ``jaring token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        return found.user


class TokenHeaderAuth(APIKeyHeader):
    """``X-Api-Key: jrg_…``: the same token in a header, for clients that cannot set Bearer."""

    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        found = ApiToken.authenticate(key)
        if found is None:
            return None
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="Jaring API",
    version="1",
    description=(
        "Registry of vulnerable workers, imports and areas. Synthetic demo data is flagged `is_synthetic`."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), TokenHeaderAuth(), SessionAuth()],
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    msg = str(exc) or "Forbidden / tidak diizinkan"
    return api.create_response(request, {"detail": msg, "code": "forbidden"}, status=403)


def _stale(request: HttpRequest, exc: Exception) -> HttpResponse:
    from jaring.registry.services import StaleVersion

    assert isinstance(exc, StaleVersion)
    body = {
        "detail": f"{exc.message_id} / {exc.message_en}",
        "code": "stale_version",
        "message_id": exc.message_id,
        "message_en": exc.message_en,
        "current_version": exc.current,
    }
    return api.create_response(request, body, status=409)


def _invalid(request: HttpRequest, exc: Exception) -> HttpResponse:
    from jaring.registry.services import PersonInvalid

    assert isinstance(exc, PersonInvalid)
    errors = [
        {"field": e.field, "code": e.code, "message_id": e.message_id, "message_en": e.message_en}
        for e in exc.errors
    ]
    detail = "; ".join(f"{e.field}: {e.message_id} / {e.message_en}" for e in exc.errors)
    return api.create_response(request, {"detail": detail, "code": "invalid", "errors": errors}, status=422)


def _register_handlers() -> None:
    from jaring.registry.services import PersonInvalid, StaleVersion

    api.add_exception_handler(StaleVersion, _stale)  # type: ignore[arg-type]
    api.add_exception_handler(PersonInvalid, _invalid)  # type: ignore[arg-type]


_register_handlers()

# Routers are registered here, one per app, so the OpenAPI document lists every endpoint.
from jaring.accounts.api import router as accounts_router  # noqa: E402
from jaring.agreements.api import router as agreements_router  # noqa: E402
from jaring.collection.api import router as collection_router  # noqa: E402
from jaring.dedup.api import router as dedup_router  # noqa: E402
from jaring.geo.api import router as geo_router  # noqa: E402
from jaring.imports.api import router as imports_router  # noqa: E402
from jaring.programmes.api import router as programmes_router  # noqa: E402
from jaring.registry.api import router as registry_router  # noqa: E402
from jaring.review.api import router as review_router  # noqa: E402

api.add_router("/me", accounts_router)
api.add_router("/areas", geo_router)
api.add_router("/persons", registry_router)
api.add_router("/batches", imports_router)
api.add_router("/rounds", collection_router)
api.add_router("/review", review_router)
api.add_router("/dedup", dedup_router)
api.add_router("/programmes", programmes_router)
api.add_router("/agreements", agreements_router)
