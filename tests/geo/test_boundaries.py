"""Importing boundaries from GeoJSON, GeoPackage and Shapefile: all or nothing, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyogrio.raw import write
from shapely.geometry import box, mapping, shape

from jaring.core.world import World
from jaring.geo.lib.boundaries import BoundaryError
from jaring.geo.models import Area
from jaring.geo.services import import_boundaries

LERAN_BOX = box(112.58, -7.12, 112.61, -7.09)
GUMENO_BOX = box(112.55, -7.12, 112.58, -7.09)


def _geojson(path: Path, features: list[tuple[dict[str, Any], Any]]) -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": props,
                        "geometry": mapping(g) if g is not None else None,
                    }
                    for props, g in features
                ],
            }
        )
    )
    return path


def _gpkg(
    path: Path, codes: list[str], geoms: list[Any], crs: str = "EPSG:4326", field: str = "KDEPUM"
) -> Path:
    write(
        str(path),
        geometry=np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
        field_data=[np.array(codes, dtype=object)],
        fields=[field],
        crs=crs,
        geometry_type="Polygon",
        driver="GPKG",
        layer="desa",
    )
    return path


def test_it_imports_geojson_with_dotless_codes_and_stores_a_centroid_inside(
    world: World, tmp_path: Path
) -> None:
    path = _geojson(
        tmp_path / "b.geojson", [({"kode": "3525102010"}, LERAN_BOX), ({"kode": "35.25.10.2004"}, GUMENO_BOX)]
    )
    result = import_boundaries(path, code_field="kode", source="BIG test")
    assert result.updated == 2
    leran = Area.objects.get(code="35.25.10.2010")
    assert shape(leran.boundary).equals(LERAN_BOX)
    assert LERAN_BOX.contains(shapely.Point(leran.centroid_lon, leran.centroid_lat))
    assert leran.boundary_source == "BIG test"
    assert leran.boundary_approximate is False


def test_it_imports_a_geopackage_in_another_crs_reprojected_to_wgs84(world: World, tmp_path: Path) -> None:
    # Leran's box in Web Mercator metres: the importer must bring it back to degrees.
    merc = box(12532180.0, -795350.0, 12535520.0, -791990.0)
    path = _gpkg(tmp_path / "b.gpkg", ["3525102010"], [merc], crs="EPSG:3857")
    import_boundaries(path, code_field="KDEPUM", layer="desa")
    geom = shape(Area.objects.get(code="35.25.10.2010").boundary)
    minx, miny, maxx, maxy = geom.bounds
    assert 112.57 < minx < maxx < 112.61
    assert -7.13 < miny < maxy < -7.08


def test_it_matches_bps_codes(world: World, tmp_path: Path) -> None:
    path = _gpkg(tmp_path / "bps.gpkg", ["3525110009"], [LERAN_BOX], field="IDDESA")
    import_boundaries(path, code_field="IDDESA", bps_code_field="IDDESA", layer="desa")
    # The BPS code 3525110009 is Leran's: Leran gets exactly the box, and no other village gets anything.
    leran = Area.objects.get(code="35.25.10.2010")
    assert shape(leran.boundary).equals(LERAN_BOX)
    assert list(Area.objects.filter(boundary__isnull=False).values_list("code", flat=True)) == [leran.code]


def test_it_reads_a_shapefile(world: World, tmp_path: Path) -> None:
    write(
        str(tmp_path / "desa.shp"),
        geometry=np.array([shapely.to_wkb(GUMENO_BOX)], dtype=object),
        field_data=[np.array(["3525102004"], dtype=object)],
        fields=["KODE"],
        crs="EPSG:4326",
        geometry_type="Polygon",
        driver="ESRI Shapefile",
    )
    call_command("geo", "boundaries", str(tmp_path / "desa.shp"), "--code-field", "KODE")
    gumeno = Area.objects.get(code="35.25.10.2004")
    assert shape(gumeno.boundary).equals(GUMENO_BOX)
    assert GUMENO_BOX.contains(shapely.Point(gumeno.centroid_lon, gumeno.centroid_lat))


def test_unknown_codes_are_listed_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "b.geojson",
        [
            ({"kode": "3525102010"}, LERAN_BOX),
            ({"kode": "3525109999"}, GUMENO_BOX),
            ({"kode": "99"}, GUMENO_BOX),
        ],
    )
    with pytest.raises(BoundaryError) as exc:
        import_boundaries(path, code_field="kode")
    assert "'3525109999'" in exc.value.message_en and "'99'" in exc.value.message_en
    assert "tidak dikenal" in exc.value.message_id
    assert not Area.objects.filter(boundary__isnull=False).exists()


def test_bad_geometry_is_refused_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "b.geojson", [({"kode": "3525102010"}, LERAN_BOX), ({"kode": "3525102004"}, None)]
    )
    with pytest.raises(BoundaryError, match="Empty or invalid geometry"):
        import_boundaries(path, code_field="kode")
    assert not Area.objects.filter(boundary__isnull=False).exists()


def test_a_self_intersecting_polygon_is_repaired(world: World, tmp_path: Path) -> None:
    bowtie = shapely.Polygon([(112.58, -7.12), (112.61, -7.09), (112.61, -7.12), (112.58, -7.09)])
    assert not bowtie.is_valid
    import_boundaries(_geojson(tmp_path / "b.geojson", [({"kode": "3525102010"}, bowtie)]), code_field="kode")
    assert shape(Area.objects.get(code="35.25.10.2010").boundary).is_valid


def test_a_missing_field_names_the_fields_there_are(world: World, tmp_path: Path) -> None:
    path = _geojson(tmp_path / "b.geojson", [({"kode": "3525102010"}, LERAN_BOX)])
    with pytest.raises(CommandError, match="available fields: kode"):
        call_command("geo", "boundaries", str(path), "--code-field", "KDEPUM")


def test_an_unreadable_file_is_a_clear_error(world: World, tmp_path: Path) -> None:
    path = tmp_path / "junk.gpkg"
    path.write_bytes(b"\x00\x01not a geopackage" * 50)
    with pytest.raises(BoundaryError, match="cannot be read"):
        import_boundaries(path, code_field="kode")


def test_parents_get_the_union_of_their_children(world: World, tmp_path: Path) -> None:
    call_command("geo", "approximate", "--regency", "35.25", "--out", str(tmp_path / "a.geojson"), "--load")
    manyar = Area.objects.get(code="35.25.10")
    gresik = Area.objects.get(code="35.25")
    assert manyar.boundary is not None and manyar.boundary_approximate
    assert gresik.boundary is not None and gresik.boundary_approximate
    leran = Area.objects.get(code="35.25.10.2010")
    assert leran.boundary_approximate and "not surveyed" in leran.boundary_source
    assert shape(manyar.boundary).buffer(1e-3).contains(shape(leran.boundary))
