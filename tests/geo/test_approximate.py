"""The generated (approximate) village shapes of the demo."""

from __future__ import annotations

import itertools

import shapely
from shapely.geometry import Point, shape

from jaring.geo.lib.approximate import approximate_feature_collection, village_seeds, voronoi_cells


def test_voronoi_cells_are_valid_disjoint_and_hold_their_centroid() -> None:
    points = [(112.60 + 0.01 * (i % 5) + 0.002 * (i % 3), -7.10 - 0.01 * (i // 5)) for i in range(23)]
    cells = voronoi_cells(points)
    assert len(cells) == len(points)
    for cell, p in zip(cells, points, strict=True):
        assert cell.is_valid and cell.geom_type == "Polygon" and cell.area > 0
        assert cell.contains(Point(p))
    for a, b in itertools.combinations(cells, 2):
        assert a.intersection(b).area < 1e-12


def test_gresik_villages_all_get_a_shape_and_manyar_lies_north_west_of_gresik_town() -> None:
    fc = approximate_feature_collection("35.25")
    by_code = {f["properties"]["kode_kemendagri"]: shape(f["geometry"]) for f in fc["features"]}
    assert len(by_code) == 356
    assert all(f["properties"]["approximate"] for f in fc["features"])
    assert "SYNTHETIC" in fc["description"]
    union = shapely.union_all(list(by_code.values()))
    assert abs(union.area - sum(s.area for s in by_code.values())) < 1e-9  # no overlaps
    manyar = shapely.union_all([s for c, s in by_code.items() if c.startswith("35.25.10.")]).centroid
    gresik_town = shapely.union_all([s for c, s in by_code.items() if c.startswith("35.25.16.")]).centroid
    assert manyar.y > gresik_town.y and manyar.x < gresik_town.x


def test_the_layout_is_deterministic() -> None:
    villages = [("35.25.10.2010", "Leran"), ("35.25.10.2004", "Gumeno"), ("35.25.10.2001", "Tanggulrejo")]
    a = village_seeds("35.25", villages, [("35.25.10", "Manyar")])
    b = village_seeds("35.25", list(reversed(villages)), [("35.25.10", "Manyar")])
    assert sorted((s.code, s.lat, s.lon) for s in a) == sorted((s.code, s.lat, s.lon) for s in b)
