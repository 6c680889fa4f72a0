"""/healthz (the process answers) and /readyz (database, migrations applied, a live task worker)."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the web process runs and answers (no database access)."""
    return JsonResponse({"status": "ok"})


def _checks() -> dict[str, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = {}
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - reported, not raised: readiness says what is wrong
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        return checks
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = {"ok": not pending, "pending": len(pending)}
    except Exception as exc:  # noqa: BLE001 - reported to the user as a clear message
        checks["migrations"] = {"ok": False, "error": type(exc).__name__}
    try:
        from jaring.core.jobs import live_workers

        workers = live_workers()
        checks["worker"] = {"ok": bool(workers), "live": len(workers)}
    except Exception as exc:  # noqa: BLE001 - reported to the user as a clear message
        checks["worker"] = {"ok": False, "error": type(exc).__name__}
    return checks


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers, every migration is applied and a worker beats; else 503."""
    checks = _checks()
    ready = all(c.get("ok") for c in checks.values()) and len(checks) == 3
    return JsonResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks}, status=200 if ready else 503
    )
