"""Pages of the core app: the dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jaring.accounts.scope import scope_for
from jaring.core.lib.tables import table_page
from jaring.core.stats import cached_dashboard_stats


def dashboard(request: HttpRequest) -> HttpResponse:
    """Workers per village and per occupation in the user's scope (counts only); villages paged."""
    scope = scope_for(request.user)
    stats = cached_dashboard_stats(scope)
    villages = table_page(
        request,
        stats.get("by_village", []),
        columns={"village": lambda b: b.label, "workers": lambda b: b.count},
        search=lambda b: f"{b.label} {b.code}",
        default_sort="workers",
        default_descending=True,
    )
    return render(request, "jaring/dashboard.html", {"stats": stats, "scope": scope, "villages": villages})
