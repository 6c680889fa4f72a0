"""No page or feed shows a count of 1–4 to a reader without person-level access (issue #10 item 4)."""

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

NUM_CELL = re.compile(r'<(?:td|span) class="num"[^>]*>([^<]*)<')


def small_counts_in(html: str) -> list[str]:
    """Every number printed in a count cell that lies in 1..4."""
    found = []
    for text in NUM_CELL.findall(html):
        digits = text.strip().replace(".", "").replace(",", "")
        if digits.isdigit() and 0 < int(digits) < 5:
            found.append(text)
    return found


def _people(village: Area, n: int, start: int) -> None:
    for i in range(start, start + n):
        Person.objects.create(
            nik=f"3525100101{i:06d}",
            full_name=f"Warga {i}",
            sex="L" if i % 2 else "P",
            birth_date=dt.date(1990, 1, 1),
            village=village,
            is_synthetic=True,
        )


@pytest.fixture
def small_villages(world: World, tmp_path: Path) -> World:
    """Manyar: Leran 3, Gumeno 7, a third village 12; another district: one village of 2, one of 9."""
    call_command("geo", "approximate", "--regency", "35.25", "--out", str(tmp_path / "a.geojson"), "--load")
    manyar = (
        Area.objects.villages().within("35.25.10").exclude(code__in=[world.leran.code, world.gumeno.code])
    )
    other = Area.objects.villages().within("35.25.05")
    _people(world.leran, 3, 0)
    _people(world.gumeno, 7, 10)
    _people(manyar.first(), 12, 20)
    _people(other[0], 2, 40)
    _people(other[1], 9, 50)
    return world


PAGES = ["/", "/areas/35.25/", "/areas/35.25.10/", "/areas/35.25.05/"]


@pytest.mark.usefixtures("small_villages")
def test_the_sponsor_sees_no_count_from_one_to_four_on_any_page(sponsor_client: Client) -> None:
    for url in PAGES:
        html = sponsor_client.get(url).content.decode()
        assert small_counts_in(html) == [], url
    assert "&lt;5" in sponsor_client.get("/areas/35.25.10/").content.decode()


@pytest.mark.usefixtures("small_villages")
def test_the_sponsors_geojson_has_no_count_from_one_to_four(sponsor_client: Client) -> None:
    for code in ["35.25", "35.25.10", "35.25.05"]:
        fc = sponsor_client.get(f"/api/v1/areas/{code}/geojson").json()
        for f in fc["features"]:
            w = f["properties"]["workers"]
            assert not (isinstance(w, int) and 0 < w < 5), (code, f["properties"]["code"], w)


@pytest.mark.usefixtures("small_villages")
def test_the_dashboard_and_the_area_pages_withhold_the_same_cells(sponsor_client: Client) -> None:
    """One rule: Leran is "<5" on the dashboard and on /areas/, and the district total is withheld or
    protected the same way on the regency page as in the feed."""
    dash = sponsor_client.get("/").content.decode()
    area = sponsor_client.get("/areas/35.25.10/").content.decode()
    leran_dash = re.search(r"<td title=\"35\.25\.10\.2010\">Leran</td>\s*<td class=\"num\">([^<]*)<", dash)
    assert leran_dash and leran_dash.group(1) == "&lt;5"
    assert re.search(r'data-code="35.25.10.2010">.*?<td class="num">&lt;5</td>', area, re.S)
    feed = {
        f["properties"]["code"]: f["properties"]["workers"]
        for f in sponsor_client.get("/api/v1/areas/35.25/geojson").json()["features"]
    }
    page = sponsor_client.get("/areas/35.25/").content.decode()
    for code, shown in feed.items():
        cell = re.search(rf'data-code="{re.escape(code)}">.*?<td class="num">([^<]*)</td>', page, re.S)
        assert cell is not None
        assert cell.group(1).replace("&lt;", "<").replace(".", "") == str(shown), code


@pytest.mark.usefixtures("small_villages")
def test_a_reviewer_with_person_level_access_sees_exact_small_counts(reviewer_client: Client) -> None:
    html = reviewer_client.get("/areas/35.25.10/").content.decode()
    assert re.search(r'data-code="35.25.10.2010">.*?<td class="num">3</td>', html, re.S)


def test_the_plans_village_table_shows_the_sponsor_no_count_from_one_to_four(
    world: Any, sponsor_client: Client, programme_officer: Any
) -> None:
    from tests.programmes.scenario import make_scenario

    sc = make_scenario(world)
    from jaring.programmes import services

    plan = services.compute_and_store(sc.programme, actor=programme_officer, via="test")
    services.approve_plan(plan, actor=programme_officer, via="test")
    html = sponsor_client.get(f"/programmes/{sc.programme.slug}/plan/").content.decode()
    table = html[html.index('id="plan-villages"') : html.index("</table>", html.index('id="plan-villages"'))]
    assert small_counts_in(table) == []
    assert "&lt;5" in table or "×" in table
    officer = Client()
    officer.force_login(programme_officer)
    exact = officer.get(f"/programmes/{sc.programme.slug}/plan/").content.decode()
    exact_table = exact[exact.index('id="plan-villages"') :]
    assert small_counts_in(exact_table[: exact_table.index("</table>")]) != []
