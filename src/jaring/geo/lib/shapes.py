"""Shape helpers: GeoJSON ⇄ shapely, validity."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

POLYGONAL = ("Polygon", "MultiPolygon")


def make_valid_shape(geom: BaseGeometry) -> BaseGeometry | None:
    """The polygonal part of a geometry after make_valid, or None when nothing polygonal is left."""
    if geom is None or geom.is_empty:
        return None
    valid = shapely.make_valid(geom) if not geom.is_valid else geom
    if valid.geom_type in POLYGONAL:
        return valid
    if valid.geom_type == "GeometryCollection":
        parts = [g for g in valid.geoms if g.geom_type in POLYGONAL]
        if not parts:
            return None
        return shapely.union_all(parts)
    return None


def shape_to_geojson(geom: BaseGeometry, precision: int = 6) -> dict[str, Any]:
    """A GeoJSON geometry dict, coordinates rounded to ``precision`` decimals (~10 cm at 6)."""
    rounded = shapely.set_precision(geom, 10**-precision) if precision else geom
    if rounded.is_empty:
        rounded = geom
    return dict(mapping(rounded))


def geojson_to_shape(data: dict[str, Any]) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry dict."""
    return shape(data)
