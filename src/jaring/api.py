"""The REST API under /api/v1 (django-ninja): token or session auth, one router per app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
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
    description="Registry of vulnerable workers, imports and areas. Synthetic demo data is flagged `is_synthetic`.",
    urls_namespace="api",
    auth=[TokenAuth(), TokenHeaderAuth(), SessionAuth()],
)

# Routers are registered here, one per app, so the OpenAPI document lists every endpoint.
from jaring.geo.api import router as geo_router  # noqa: E402
from jaring.imports.api import router as imports_router  # noqa: E402
from jaring.registry.api import router as registry_router  # noqa: E402

api.add_router("/areas", geo_router)
api.add_router("/persons", registry_router)
api.add_router("/batches", imports_router)
