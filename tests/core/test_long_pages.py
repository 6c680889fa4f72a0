"""The regency dashboard and the plan page show 25 villages a page, sortable and searchable, not all 356."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from jaring.geo.models import Area
from jaring.imports.models import Batch, ReviewStatus
from tests.registry.factories import make_person


@pytest.fixture
def thirty_villages(world: Any) -> list[Area]:
    """One approved worker in each of 30 Gresik villages (besides Leran and Gumeno)."""
    villages = list(
        Area.objects.villages()
        .within(world.regency.code)
        .exclude(pk__in=[world.leran.pk, world.gumeno.pk])[:30]
    )
    batch = Batch.objects.create(
        village=villages[0], filename="x.csv", content_hash="x" * 64, review_status=ReviewStatus.APPROVED
    )
    for i, v in enumerate(villages):
        make_person(v, f"Pekerja {i}", batch=batch)
    return villages


def _rows(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"')[1].split("</table>")[0].split("<tbody>")[1]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_the_regency_dashboard_pages_its_villages_and_finds_one_by_name(
    reviewer_client: Client, thirty_villages: list[Area]
) -> None:
    html = reviewer_client.get("/").content.decode()
    assert len(_rows(html, "by-village")) == 25
    assert 'rel="next"' in html and "1–25" in html and "30" in html
    second = reviewer_client.get("/", {"page": 2}).content.decode()
    assert len(_rows(second, "by-village")) == 5
    name = thirty_villages[7].name
    found = reviewer_client.get("/", {"q": name}).content.decode()
    rows = _rows(found, "by-village")
    assert rows and all(name.casefold() in r.casefold() for r in rows)
    by_name = reviewer_client.get("/", {"sort": "village"}).content.decode()
    labels = [re.sub(r"<[^>]+>", "", r).split("\n")[0].strip() for r in _rows(by_name, "by-village")]
    assert labels == sorted(labels, key=str.casefold)


def test_the_plan_page_pages_its_villages(world: Any, thirty_villages: list[Area]) -> None:
    from jaring.programmes import services
    from tests.programmes.scenario import make_scenario

    sc = make_scenario(world)
    officer = world.users["disnaker.officer"]
    services.approve_plan(services.compute_and_store(sc.programme, actor=officer, via="web"), actor=officer)
    client = Client()
    client.force_login(officer)
    html = client.get(f"/programmes/{sc.programme.slug}/plan/").content.decode()
    assert len(_rows(html, "plan-villages")) == 25  # 32 villages have persons in the plan
    assert 'id="plan-villages-search"' in html
    last = client.get(f"/programmes/{sc.programme.slug}/plan/", {"page": 2}).content.decode()
    assert len(_rows(last, "plan-villages")) == 7
    leran = client.get(f"/programmes/{sc.programme.slug}/plan/", {"q": "Leran"}).content.decode()
    assert len(_rows(leran, "plan-villages")) == 1
