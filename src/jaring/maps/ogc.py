"""OGC API Features (Part 1, core + GeoJSON) under /ogc/: the feed for the regency's geospatial platform.

Plain JSON views (not the ninja API) so that every answer, errors included, is JSON for GDAL's OAPIF
driver (QGIS), which fails on HTML. Counts go through the same disclosure rule as the pages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from jaring.accounts.models import ApiToken
from jaring.accounts.scope import Scope, scope_for
from jaring.maps import services

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
GEOJSON = "application/geo+json"


def _error(status: int, code: str, message_id: str, message_en: str) -> JsonResponse:
    """An error as OGC API asks (code + description), in both languages."""
    return JsonResponse(
        {"code": code, "description": f"{message_id} / {message_en}"},
        status=status,
        content_type="application/json",
    )


class BadToken(Exception):
    """A token was sent but is unknown, revoked or expired."""


def reader(request: HttpRequest) -> Scope | None:
    """Who reads the feed: an API token (Bearer or X-Api-Key) or a logged-in session; None if nobody.

    Hook for the governance issue: a token will be bound to an agreement and a purpose; check them
    here (and pass the agreement's k to the disclosure rule) before returning the scope.
    """
    header = request.headers.get("Authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("X-Api-Key", "")
    if key:
        token = ApiToken.authenticate(key)
        if token is None:
            raise BadToken
        return scope_for(token.user)
    if request.user.is_authenticated:
        return scope_for(request.user)
    return None


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("ogc:landing")).rstrip("/")


def _guard(request: HttpRequest) -> Scope | JsonResponse:
    if request.GET.get("f", "json") not in ("json", "geojson"):
        return _error(400, "InvalidParameterValue", "format hanya json", "only f=json is offered")
    try:
        scope = reader(request)
    except BadToken:
        return _error(
            401, "Unauthorized", "token API tidak dikenal atau dicabut", "unknown or revoked API token"
        )
    if scope is None:
        return _error(
            401, "Unauthorized", "perlu token API (Authorization: Bearer …)", "an API token is required"
        )
    if not scope.can_see_aggregates:
        return _error(403, "Forbidden", "akun tanpa peran atau wilayah", "this account has no role or area")
    return scope


def landing(request: HttpRequest) -> JsonResponse:
    """The landing page: links to the conformance declaration and the collections."""
    guard = _guard(request)
    if isinstance(guard, JsonResponse):
        return guard
    base = _base(request)
    return JsonResponse(
        {
            "title": "Jaring — pekerja rentan (agregat) / vulnerable workers (aggregates)",
            "description": "Registered workers per area and per H3 hexagon, small counts withheld.",
            "links": [
                {"href": f"{base}/", "rel": "self", "type": "application/json", "title": "this document"},
                {"href": f"{base}/conformance", "rel": "conformance", "type": "application/json"},
                {"href": f"{base}/collections", "rel": "data", "type": "application/json"},
            ],
        }
    )


def conformance(request: HttpRequest) -> JsonResponse:
    """The conformance classes implemented."""
    guard = _guard(request)
    if isinstance(guard, JsonResponse):
        return guard
    return JsonResponse({"conformsTo": CONFORMANCE})


def _collection_doc(base: str, c: services.Collection) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "links": [
            {"href": f"{base}/collections/{c.id}", "rel": "self", "type": "application/json"},
            {"href": f"{base}/collections/{c.id}/items", "rel": "items", "type": GEOJSON},
        ],
    }


def collections(request: HttpRequest) -> JsonResponse:
    """The collections: villages, districts and H3 hexagons at two resolutions."""
    guard = _guard(request)
    if isinstance(guard, JsonResponse):
        return guard
    base = _base(request)
    return JsonResponse(
        {
            "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}],
            "collections": [_collection_doc(base, c) for c in services.COLLECTIONS],
        }
    )


def collection(request: HttpRequest, collection_id: str) -> JsonResponse:
    """One collection's description."""
    guard = _guard(request)
    if isinstance(guard, JsonResponse):
        return guard
    found = services.BY_ID.get(collection_id)
    if found is None:
        return _error(404, "NotFound", "koleksi tidak ada", "no such collection")
    return JsonResponse(_collection_doc(_base(request), found))


MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2}(?:T[\d:.]+Z?)?)?$")


def _parse_int(raw: str | None, default: int, low: int, high: int) -> int | None:
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        return None
    return min(max(int(raw), low), high)


def _month_end(text: str) -> dt.date | None:
    """The last day of the month a ``datetime`` value names (an instant, or an interval's end)."""
    end = text.split("/")[-1]
    if end in ("..", ""):
        return dt.date.max
    m = MONTH.match(end)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def items(request: HttpRequest, collection_id: str) -> JsonResponse:
    """A page of features: ``limit``/``offset`` with next links, ``bbox``, ``datetime`` (a month)."""
    guard = _guard(request)
    if isinstance(guard, JsonResponse):
        return guard
    if collection_id not in services.BY_ID:
        return _error(404, "NotFound", "koleksi tidak ada", "no such collection")
    limit = _parse_int(request.GET.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _parse_int(request.GET.get("offset"), 0, 0, 10**9)
    if limit is None or offset is None:
        return _error(
            400, "InvalidParameterValue", "limit/offset harus bilangan", "limit and offset are integers"
        )
    query_box: tuple[float, ...] | None = None
    if request.GET.get("bbox"):
        try:
            query_box = tuple(float(v) for v in request.GET["bbox"].split(","))
        except ValueError:
            query_box = ()
        if len(query_box) != 4:
            return _error(400, "InvalidParameterValue", "bbox: minlon,minlat,maxlon,maxlat", "bad bbox")
    stamp = request.GET.get("datetime")
    if stamp and _month_end(stamp) is None:
        return _error(
            400, "InvalidParameterValue", "datetime: YYYY-MM", "datetime must name a month (YYYY-MM)"
        )
    feats = services.features(guard, collection_id)
    if query_box is not None:
        feats = [f for f in feats if services.intersects(services.bbox_of(f), query_box)]
    page = feats[offset : offset + limit]
    base = f"{_base(request)}/collections/{collection_id}/items"
    extra = "".join(f"&{k}={request.GET[k]}" for k in ("bbox", "datetime") if request.GET.get(k))
    links = [{"href": f"{base}?limit={limit}&offset={offset}{extra}", "rel": "self", "type": GEOJSON}]
    if offset + limit < len(feats):
        links.append(
            {"href": f"{base}?limit={limit}&offset={offset + limit}{extra}", "rel": "next", "type": GEOJSON}
        )
    body = {
        "type": "FeatureCollection",
        "features": page,
        "numberMatched": len(feats),
        "numberReturned": len(page),
        "timeStamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }
    return JsonResponse(body, content_type=GEOJSON)


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other path under /ogc/: a JSON 404, never an HTML page (GDAL would fail on it)."""
    return _error(404, "NotFound", "alamat tidak ada", "no such resource")
