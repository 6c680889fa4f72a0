"""Aggregates for maps and the OGC API Features feed: areas with counts, and GPS points as H3 hexagons.

Counts shown to a reader without person-level access come from the one disclosure rule: area counts
from :func:`jaring.core.publication.registry_figures` (the same cells as the dashboard and /areas/),
hexagon counts from one publication over both resolutions together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import h3
from django.core.cache import cache

from jaring.core.lib.disclosure import Cell
from jaring.core.publication import disclosure_k, needs_disclosure_control, publish, registry_figures

H3_RESOLUTIONS = (7, 8)  # ≈ 5 km² and ≈ 0.7 km² per hexagon


@dataclass(frozen=True)
class Collection:
    """One feature collection of the feed."""

    id: str
    title: str
    description: str


COLLECTIONS = [
    Collection("villages", "Desa/kelurahan · villages", "Registered workers per village"),
    Collection("districts", "Kecamatan · districts", "Registered workers per district"),
    Collection("h3-7", "H3 resolution 7 (≈5 km²)", "Workers with a GPS point per hexagon"),
    Collection("h3-8", "H3 resolution 8 (≈0.7 km²)", "Workers with a GPS point per hexagon"),
]
BY_ID = {c.id: c for c in COLLECTIONS}


def _count_properties(cell: Cell) -> dict[str, Any]:
    """A count as published: a number, or null with the reason ("<5" or "×") beside it."""
    return {
        "workers": cell.shown,
        "workers_note": cell.display if cell.suppressed else "",
    }


def area_features(scope: Any, level: int) -> list[dict[str, Any]]:
    """Areas of ``level`` (3 districts, 4 villages) inside the scope, with their published counts."""
    figures = registry_figures(scope)
    areas = scope.areas().filter(level=level).order_by("code")
    if scope.area_code:
        areas = areas.filter(code__startswith=scope.area_code)
    out = []
    for area in areas:
        props = {"district": area.code.rsplit(".", 1)[0] if level == 4 else None}
        props |= _count_properties(figures.get(("area", area.code)))
        out.append(area.geojson_feature(props))
    return out


def hexagon_counts(scope: Any) -> dict[tuple[int, str], Cell]:
    """Workers with a GPS point per H3 hexagon at both resolutions, published together.

    The coarse hexagon is the sum of its fine ones, so the two are one set of linked tables; no total
    is published with them. Cached until the registry changes.
    """
    from jaring.core.state import registry_state

    exact = not needs_disclosure_control(scope)
    k = disclosure_k(scope)
    key = "jaring:h3:{}:{}:{}:{}:{}".format(scope.area_code or "all", int(exact), k, *registry_state())
    found = cache.get(key)
    if found is not None:
        return found
    points = scope.persons_for_aggregates().filter(latitude__isnull=False, longitude__isnull=False)
    fine = Counter(
        h3.latlng_to_cell(lat, lon, H3_RESOLUTIONS[1])
        for lat, lon in points.values_list("latitude", "longitude")
    )
    atoms = {c: n for c, n in fine.items()}
    cells: dict[Any, list[Any]] = {}
    for c in atoms:
        cells[(H3_RESOLUTIONS[1], c)] = [c]
        cells.setdefault((H3_RESOLUTIONS[0], h3.cell_to_parent(c, H3_RESOLUTIONS[0])), []).append(c)
    found = publish(atoms, cells, exact=exact, k=k)
    cache.set(key, found, timeout=3600)
    return found


def hexagon_features(scope: Any, resolution: int) -> list[dict[str, Any]]:
    """The hexagons of one resolution as GeoJSON features (polygons from h3)."""
    out = []
    for (res, cell_id), cell in sorted(hexagon_counts(scope).items()):
        if res != resolution:
            continue
        ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(cell_id)]
        ring.append(ring[0])
        out.append(
            {
                "type": "Feature",
                "id": cell_id,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"h3": cell_id, "resolution": res, **_count_properties(cell)},
            }
        )
    return out


def features(scope: Any, collection_id: str) -> list[dict[str, Any]]:
    """Every feature of a collection for this reader."""
    if collection_id == "villages":
        return area_features(scope, 4)
    if collection_id == "districts":
        return area_features(scope, 3)
    return hexagon_features(scope, int(collection_id.split("-")[1]))


def bbox_of(feature: dict[str, Any]) -> tuple[float, float, float, float] | None:
    """The bounding box (min lon, min lat, max lon, max lat) of a feature's geometry."""
    geom = feature.get("geometry")
    if not geom:
        return None
    xs, ys = [], []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    walk(geom["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def intersects(box: tuple[float, float, float, float] | None, query: tuple[float, ...]) -> bool:
    """Whether a feature's box meets the query box."""
    if box is None:
        return False
    return not (box[2] < query[0] or box[0] > query[2] or box[3] < query[1] or box[1] > query[3])
