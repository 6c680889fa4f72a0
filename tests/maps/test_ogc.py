"""The OGC API Features feed: JSON answers (errors too), paging, bbox, disclosure control, GDAL reads it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jaring.accounts.models import ApiToken
from jaring.core.world import World
from jaring.geo.models import Area
from jaring.registry.models import Person


def _people(village: Area, n: int, start: int, gps: tuple[float, float] | None = None) -> None:
    lat, lon = gps or (village.centroid_lat, village.centroid_lon)
    for i in range(start, start + n):
        Person.objects.create(
            nik=f"3525100101{i:06d}",
            full_name=f"Warga {i}",
            sex="L",
            birth_date=dt.date(1990, 1, 1),
            village=village,
            latitude=lat + (i % 7) * 0.004 if lat is not None else None,
            longitude=lon + (i % 5) * 0.004 if lon is not None else None,
            is_synthetic=True,
        )


@pytest.fixture
def feed(world: World, tmp_path: Path) -> World:
    call_command("geo", "approximate", "--regency", "35.25", "--out", str(tmp_path / "a.geojson"), "--load")
    world.leran.refresh_from_db()
    world.gumeno.refresh_from_db()
    _people(world.leran, 3, 0)
    _people(world.gumeno, 40, 10)
    return world


def _token(user: Any) -> str:
    return ApiToken.issue(user, "feed")[1]


def test_anonymous_gets_a_json_401_not_a_login_page(anonymous_client: Client, world: World) -> None:
    for url in ["/ogc/", "/ogc/collections", "/ogc/collections/villages/items"]:
        r = anonymous_client.get(url)
        assert r.status_code == 401 and r["Content-Type"].startswith("application/json"), url
        assert "token" in r.json()["description"]


def test_unknown_paths_and_bad_parameters_answer_json(sponsor: Any, feed: World) -> None:
    c = Client(HTTP_AUTHORIZATION=f"Bearer {_token(sponsor)}")
    for url, status in [
        ("/ogc/collections/nope/items", 404),
        ("/ogc/nowhere", 404),
        ("/ogc/collections/villages/items?limit=x", 400),
        ("/ogc/collections/villages/items?bbox=1,2", 400),
        ("/ogc/collections/villages/items?datetime=2025-13", 400),
        ("/ogc/?f=html", 400),
    ]:
        r = c.get(url)
        assert r.status_code == status and r["Content-Type"].startswith("application/json"), url


def test_landing_conformance_and_collections(sponsor: Any, feed: World) -> None:
    c = Client(HTTP_AUTHORIZATION=f"Bearer {_token(sponsor)}")
    rels = {link["rel"] for link in c.get("/ogc/").json()["links"]}
    assert {"self", "conformance", "data"} <= rels
    assert any("core" in x for x in c.get("/ogc/conformance").json()["conformsTo"])
    ids = [x["id"] for x in c.get("/ogc/collections").json()["collections"]]
    assert ids == ["villages", "districts", "h3-7", "h3-8"]


def test_items_page_with_next_links_and_bbox(sponsor: Any, feed: World) -> None:
    c = Client(HTTP_X_API_KEY=_token(sponsor))
    first = c.get("/ogc/collections/villages/items?limit=100").json()
    assert first["numberMatched"] == 356 and first["numberReturned"] == 100
    nxt = next(link["href"] for link in first["links"] if link["rel"] == "next")
    assert "offset=100" in nxt
    last = c.get("/ogc/collections/villages/items?limit=100&offset=300").json()
    assert last["numberReturned"] == 56 and all(link["rel"] != "next" for link in last["links"])
    leran = feed.leran
    lon, lat = leran.centroid_lon, leran.centroid_lat
    box = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    near = c.get(f"/ogc/collections/villages/items?bbox={box}").json()
    assert leran.code in {f["id"] for f in near["features"]} and near["numberMatched"] < 10


def test_the_sponsors_feed_withholds_small_counts_like_the_pages(sponsor: Any, feed: World) -> None:
    c = Client(HTTP_AUTHORIZATION=f"Bearer {_token(sponsor)}")
    for cid in ["villages", "districts", "h3-7", "h3-8"]:
        items = c.get(f"/ogc/collections/{cid}/items?limit=1000").json()["features"]
        for f in items:
            w = f["properties"]["workers"]
            assert w is None or w == 0 or w >= 5, (cid, f["id"], w)
    villages = {
        f["id"]: f["properties"]
        for f in c.get("/ogc/collections/villages/items?limit=1000").json()["features"]
    }
    assert villages[feed.leran.code]["workers"] is None and villages[feed.leran.code]["workers_note"] == "<5"
    page = Client()
    page.force_login(sponsor)
    assert (
        page.get("/api/v1/areas/35.25.10/geojson").json()["features"][
            [
                f["properties"]["code"] for f in page.get("/api/v1/areas/35.25.10/geojson").json()["features"]
            ].index(feed.leran.code)
        ]["properties"]["workers"]
        == "<5"
    )


def test_a_reviewer_reads_exact_counts_and_hexagons_sum_to_the_gps_points(
    bps_reviewer: Any, feed: World
) -> None:
    c = Client(HTTP_AUTHORIZATION=f"Bearer {_token(bps_reviewer)}")
    villages = {
        f["id"]: f["properties"]
        for f in c.get("/ogc/collections/villages/items?limit=1000").json()["features"]
    }
    assert villages[feed.leran.code]["workers"] == 3
    for cid in ["h3-7", "h3-8"]:
        hexes = c.get(f"/ogc/collections/{cid}/items?limit=1000").json()["features"]
        assert sum(f["properties"]["workers"] for f in hexes) == 43


@pytest.mark.django_db(transaction=True)
def test_gdal_reads_every_collection_with_the_right_feature_counts(live_server: Any, tmp_path: Path) -> None:
    """GDAL's OAPIF driver (the one QGIS uses) against a live server, authenticated by a token."""
    from jaring.core.world import ensure_world

    world = ensure_world()
    call_command("geo", "approximate", "--regency", "35.25", "--out", str(tmp_path / "a.geojson"), "--load")
    world.leran.refresh_from_db()
    _people(world.leran, 3, 0)
    _people(Area.objects.get(code=world.gumeno.code), 40, 10)
    token = _token(world.users["petrokimia.sponsor"])
    expected = {
        "villages": Area.objects.villages().within("35.25").count(),
        "districts": Area.objects.filter(level=3, code__startswith="35.25.").count(),
    }
    # GDAL runs in a child process: pyogrio holds the GIL while GDAL fetches, which would starve the
    # live server's thread in this process.
    run = subprocess.run(
        [sys.executable, "-c", GDAL_CLIENT, f"{live_server.url}/ogc/", token],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert set(found) == {"villages", "districts", "h3-7", "h3-8"}
    for name, count in found.items():
        if name in expected:
            assert count == expected[name], name
        else:
            assert count > 0, name


GDAL_CLIENT = """
import json, sys
import pyogrio
url, token = sys.argv[1], sys.argv[2]
# GDAL's OAPIF driver sends its own headers and drops GDAL_HTTP_HEADERS; its bearer option works.
pyogrio.set_gdal_config_options({"GDAL_HTTP_AUTH": "BEARER", "GDAL_HTTP_BEARER": token})
src = "OAPIF:" + url
# Read every feature of every layer (through the next links), not just the advertised count.
print(json.dumps({name: len(pyogrio.raw.read(src, layer=name)[2]) for name, _ in pyogrio.list_layers(src)}))
"""
