"""Pages of the core app: the dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jaring.accounts.scope import scope_for
from jaring.core.stats import cached_dashboard_stats


def dashboard(request: HttpRequest) -> HttpResponse:
    """Workers per village and per occupation within the user's scope (counts only)."""
    scope = scope_for(request.user)
    return render(request, "jaring/dashboard.html", {"stats": cached_dashboard_stats(scope), "scope": scope})
