"""REST endpoints for areas (mounted at /api/v1/areas): reference data within the caller's scope."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from jaring.accounts.scope import scope_for
from jaring.geo import services
from jaring.geo.models import Area

router = Router(tags=["areas"])


class AreaPagination(LimitOffsetPagination):
    """Limit/offset with bounds, so a huge value is a 422, not a database overflow."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=1_000_000)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=1000, **kwargs)


class AreaOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent_code: str | None
    bps_code: str | None
    has_boundary: bool
    boundary_approximate: bool
    boundary_source: str
    centroid_lat: float | None
    centroid_lon: float | None

    @staticmethod
    def resolve_parent_code(obj: Area) -> str | None:
        return obj.code.rsplit(".", 1)[0] if "." in obj.code else None

    @staticmethod
    def resolve_bps_code(obj: Area) -> str | None:
        return obj.bps_code or None

    @staticmethod
    def resolve_has_boundary(obj: Area) -> bool:
        return obj.boundary is not None


class AreaFilter(Schema):
    level: int | None = Field(
        None, ge=1, le=4, description="1 province, 2 regency/city, 3 district, 4 village"
    )
    parent: str | None = Field(None, max_length=13, description="Parent code: only its direct children")
    q: str | None = Field(None, max_length=100, description="Name contains (case-insensitive)")


class FeatureCollectionOut(Schema):
    type: str = "FeatureCollection"
    area: AreaOut
    approximate: bool
    counts_suppressed_below: int | None
    features: list[dict[str, Any]]


def _area_or_404(request: HttpRequest, code: str) -> Area:
    area = services.scoped_area(scope_for(request.user), code)
    if area is None:
        raise HttpError(404, "Area not found / wilayah tidak ditemukan")
    return area


@router.get("", response=list[AreaOut], summary="List areas within your scope")
@paginate(AreaPagination)
def list_areas(request: HttpRequest, filters: Query[AreaFilter]) -> Any:
    return services.search_areas(
        scope_for(request.user), level=filters.level, parent=filters.parent, q=filters.q
    )


@router.get("/{code}", response=AreaOut, summary="One area")
def get_area(request: HttpRequest, code: str) -> Area:
    return _area_or_404(request, code)


@router.get("/{code}/children", response=list[AreaOut], summary="The direct children of an area")
@paginate(AreaPagination)
def list_children(request: HttpRequest, code: str) -> Any:
    area = _area_or_404(request, code)
    return services.scoped_children(scope_for(request.user), area)


@router.get(
    "/{code}/geojson",
    response=FeatureCollectionOut,
    summary="Children's boundaries with worker counts (GeoJSON FeatureCollection)",
    description=(
        "Counts are aggregates. For users who may not read personal data (e.g. sponsors), counts of 1–4 "
        'are shown as "<5", and counts withheld so that a small one cannot be worked out from the others '
        'as "×" (`workers_suppressed` is true for both). `boundary_approximate` marks generated, not '
        "surveyed, shapes."
    ),
)
def area_geojson(request: HttpRequest, code: str) -> dict[str, Any]:
    scope = scope_for(request.user)
    area = _area_or_404(request, code)
    return services.area_feature_collection(scope, area)
