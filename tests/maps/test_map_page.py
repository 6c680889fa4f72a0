"""The map page and its data: classification, legend, withheld counts, links only for those allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from jaring.core.world import World
from jaring.maps.lib.classify import breaks, class_of, equal_interval, jenks, quantiles
from tests.maps.test_ogc import _people


def test_equal_interval_quantiles_and_natural_breaks() -> None:
    values = [1, 2, 3, 10, 11, 12, 50, 51, 52]
    assert equal_interval(values, 3) == pytest.approx([18.0, 35.0, 52.0])
    assert quantiles(values, 3) == [3, 12, 52]
    assert jenks(values, 3) == [3, 12, 52]
    assert jenks([5, 5, 5], 4) == [5]
    assert class_of(11, breaks(values, 3, "jenks")) == 1
    with pytest.raises(ValueError):
        breaks(values, 3, "nope")


@pytest.fixture
def mapped(world: World, tmp_path: Path) -> World:
    call_command("geo", "approximate", "--regency", "35.25", "--out", str(tmp_path / "a.geojson"), "--load")
    world.leran.refresh_from_db()
    world.gumeno.refresh_from_db()
    _people(world.leran, 3, 0)
    _people(world.gumeno, 40, 10)
    return world


def test_the_map_page_loads_leaflet_from_static_files_and_no_inline_script(
    sponsor_client: Client, mapped: World
) -> None:
    html = sponsor_client.get("/maps/").content.decode()
    assert "leaflet/leaflet.js" in html and "maps/map.js" in html and "cdn" not in html.lower()
    assert "<script>" not in html and "onclick=" not in html


def test_the_sponsors_map_data_withholds_small_counts_and_has_a_legend(
    sponsor_client: Client, mapped: World
) -> None:
    data = sponsor_client.get("/maps/data.json", {"level": "villages", "method": "jenks"}).json()
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert props[mapped.leran.code]["workers"] is None and props[mapped.leran.code]["class"] is None
    assert all(p["workers"] is None or p["workers"] == 0 or p["workers"] >= 5 for p in props.values())
    assert data["legend"] and data["persons_link"] is False


def test_a_reviewer_sees_exact_counts_and_may_follow_links_to_the_lists(
    reviewer_client: Client, mapped: World
) -> None:
    data = reviewer_client.get("/maps/data.json", {"level": "districts"}).json()
    manyar = next(f["properties"] for f in data["features"] if f["properties"]["code"] == "35.25.10")
    assert manyar["workers"] == 43 and data["persons_link"] is True
    assert reviewer_client.get("/maps/data.json", {"level": "x"}).status_code == 400
