"""The map page: a village (or district) choropleth of registered workers with a chosen classification."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jaring.accounts.scope import scope_for
from jaring.core.publication import needs_disclosure_control
from jaring.maps import services
from jaring.maps.lib.classify import METHODS, breaks, class_of

LEVELS = {"villages": 4, "districts": 3}


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    """The map; its data comes from :func:`map_data` (fetched by static/maps/map.js)."""
    scope = scope_for(request.user)
    return render(
        request,
        "maps/map.html",
        {
            "scope": scope,
            "methods": METHODS,
            "levels": list(LEVELS),
            "controlled": needs_disclosure_control(scope),
        },
    )


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the chosen level with each feature's class, and the legend (bounds and labels)."""
    scope = scope_for(request.user)
    level = request.GET.get("level", "villages")
    method = request.GET.get("method", "quantile")
    if level not in LEVELS or method not in METHODS:
        return JsonResponse({"detail": _("Unknown level or classification.")}, status=400)
    feats = [f for f in services.area_features(scope, LEVELS[level]) if f["geometry"]]
    shown = [f["properties"]["workers"] for f in feats if f["properties"]["workers"] is not None]
    bounds = breaks(shown, 5, method)
    for f in feats:
        n = f["properties"]["workers"]
        f["properties"]["class"] = None if n is None else class_of(n, bounds)
        f["properties"]["href"] = f"/areas/{f['properties']['code']}/" if scope.can_see_aggregates else ""
    legend: list[dict[str, Any]] = []
    low = min(shown, default=0)
    for i, b in enumerate(bounds):
        legend.append({"class": i, "label": f"{_fmt(low)}–{_fmt(b)}"})
        low = b
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": feats,
            "legend": legend,
            "withheld_label": _("withheld (small count)"),
            "persons_link": scope.can_read_personal_data,
        }
    )


def _fmt(v: float) -> str:
    return f"{round(v):,}".replace(",", ".")
