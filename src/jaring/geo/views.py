"""Area pages: browse areas within your scope and see a map of their shapes coloured by registered workers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jaring.accounts.scope import scope_for
from jaring.geo import services
from jaring.geo.models import Area


@login_required
def area_index(request: HttpRequest) -> HttpResponse:
    """The top of the user's scope (their own area), or a name search across it."""
    scope = scope_for(request.user)
    q = (request.GET.get("q") or "").strip()
    if q:
        results = list(services.search_areas(scope, q=q)[:200])
        return render(request, "geo/area_search.html", {"q": q, "results": results})
    if scope.area_code:
        return redirect("geo:detail", code=scope.area_code)
    top = list(services.search_areas(scope, level=1))
    return render(request, "geo/area_search.html", {"q": "", "results": top, "top": True})


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One area: its children with worker counts, and a map of their shapes."""
    scope = scope_for(request.user)
    area: Area | None = services.scoped_area(scope, code)
    if area is None:
        raise Http404("area")
    collection = services.area_feature_collection(scope, area)
    rows = [f["properties"] for f in collection["features"]]
    geojson = {"type": "FeatureCollection", "features": [f for f in collection["features"] if f["geometry"]]}
    return render(
        request,
        "geo/area_detail.html",
        {
            "area": area,
            "crumbs": services.breadcrumbs(area),
            "rows": rows,
            "children_shown": rows and rows[0]["code"] != area.code,
            "geojson": geojson,
            "approximate": collection["approximate"],
            "suppressed_below": collection["counts_suppressed_below"],
        },
    )
