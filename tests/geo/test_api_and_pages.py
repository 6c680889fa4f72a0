"""Area API and pages: scope, GeoJSON with counts, small-count suppression for sponsors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jaring.core.world import World
from jaring.geo.models import Area
from jaring.registry.models import Person


def _person(village: Area, i: int) -> Person:
    return Person.objects.create(
        nik=f"35251001019{i:05d}"[:16],
        full_name=f"Warga {i}",
        sex="L",
        birth_date=dt.date(1990, 1, 1),
        village=village,
        is_synthetic=True,
    )


@pytest.fixture
def registry(world: World, tmp_path: Path) -> World:
    """Approximate shapes for Gresik; 3 workers in Leran and 7 in Gumeno."""
    call_command("geo", "approximate", "--regency", "35.25", "--out", str(tmp_path / "a.geojson"), "--load")
    for i in range(3):
        _person(world.leran, i)
    for i in range(3, 10):
        _person(world.gumeno, i)
    return world


def _workers(fc: dict[str, Any]) -> dict[str, Any]:
    return {f["properties"]["code"]: f["properties"]["workers"] for f in fc["features"]}


def test_anonymous_gets_nothing_from_the_area_api(anonymous_client: Client, world: World) -> None:
    assert anonymous_client.get("/api/v1/areas").status_code == 401
    assert anonymous_client.get("/api/v1/areas/35.25/geojson").status_code == 401


def test_a_reviewer_lists_manyar_villages_by_parent_and_name(reviewer_client: Client, world: World) -> None:
    r = reviewer_client.get("/api/v1/areas", {"parent": "35.25.10", "limit": 100})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 23
    assert {"code": "35.25.10.2010", "name": "Leran"}.items() <= body["items"][
        [i["code"] for i in body["items"]].index("35.25.10.2010")
    ].items()
    r = reviewer_client.get("/api/v1/areas", {"q": "leran", "level": 4})
    assert [i["code"] for i in r.json()["items"]] == ["35.25.10.2010"]


def test_the_leran_operator_sees_only_leran_and_its_ancestors(leran_client: Client, world: World) -> None:
    codes = {i["code"] for i in leran_client.get("/api/v1/areas", {"limit": 1000}).json()["items"]}
    assert codes == {"35", "35.25", "35.25.10", "35.25.10.2010"}
    assert leran_client.get("/api/v1/areas/35.25.10.2004").status_code == 404
    children = leran_client.get("/api/v1/areas/35.25.10/children").json()["items"]
    assert [c["code"] for c in children] == ["35.25.10.2010"]


def test_geojson_counts_are_exact_for_a_reviewer(reviewer_client: Client, registry: World) -> None:
    fc = reviewer_client.get("/api/v1/areas/35.25.10/geojson").json()
    assert fc["type"] == "FeatureCollection" and fc["approximate"] is True
    workers = _workers(fc)
    assert workers["35.25.10.2010"] == 3 and workers["35.25.10.2004"] == 7
    leran = next(f for f in fc["features"] if f["properties"]["code"] == "35.25.10.2010")
    assert leran["geometry"]["type"] == "Polygon" and leran["properties"]["boundary_approximate"] is True
    assert _workers(reviewer_client.get("/api/v1/areas/35.25/geojson").json())["35.25.10"] == 10


def test_a_sponsor_sees_small_counts_suppressed_and_no_person(
    sponsor_client: Client, registry: World
) -> None:
    fc = sponsor_client.get("/api/v1/areas/35.25.10/geojson").json()
    workers = _workers(fc)
    assert workers["35.25.10.2010"] == "<5"
    assert workers["35.25.10.2004"] == 7
    assert fc["counts_suppressed_below"] == 5
    assert "Warga" not in str(fc) and "3525100101" not in str(fc)


def test_a_village_geojson_is_the_village_itself(leran_client: Client, registry: World) -> None:
    fc = leran_client.get("/api/v1/areas/35.25.10.2010/geojson").json()
    assert [f["properties"]["code"] for f in fc["features"]] == ["35.25.10.2010"]
    assert fc["features"][0]["properties"]["workers"] == 3


@pytest.mark.parametrize("code", ["nope", "35.25.10.2010.1", "\x00", "a" * 300])
def test_odd_codes_are_not_found(reviewer_client: Client, world: World, code: str) -> None:
    assert reviewer_client.get(f"/api/v1/areas/{code}").status_code == 404


def test_the_area_page_shows_a_map_and_the_approximate_note(reviewer_client: Client, registry: World) -> None:
    r = reviewer_client.get("/areas/35.25.10/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="area-map"' in html and 'id="approximate-note"' in html
    assert "leaflet/leaflet.js" in html
    # No script or style from another host (a bare "cdn" check failed when a CSRF token spelled it).
    assert not re.search(r'(src|href)="(https?:)?//', html), re.findall(r'(?:src|href)="[^"]*"', html)
    assert 'data-code="35.25.10.2010"' in html


def test_the_area_index_sends_a_user_to_their_own_area(leran_client: Client, world: World) -> None:
    r = leran_client.get("/areas/")
    assert r.status_code == 302 and r["Location"].endswith("/areas/35.25.10.2010/")
    assert leran_client.get("/areas/35.25.10.2004/").status_code == 404
    found = leran_client.get("/areas/", {"q": "gumeno"}).content.decode()
    assert "35.25.10.2004" not in found


def test_the_sponsor_page_shows_suppressed_counts(sponsor_client: Client, registry: World) -> None:
    html = sponsor_client.get("/areas/35.25.10/").content.decode()
    assert "&lt;5" in html and "Warga" not in html


def test_anonymous_is_sent_to_login_from_area_pages(anonymous_client: Client, world: World) -> None:
    r = anonymous_client.get("/areas/35.25/")
    assert r.status_code == 302 and "login" in r["Location"]
