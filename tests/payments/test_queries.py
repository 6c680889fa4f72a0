"""List pages of enrolment, bills and events: the number of queries does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jaring.events.models import Event
from jaring.payments import services
from tests.enrolment.flow import approved_scenario, enrol_all


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_list_pages_cost_the_same_queries_for_one_row_or_many(world: Any, tmp_path: Path) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    client = Client()
    client.force_login(officer)
    enrol_all(world, sc, tmp_path, dt.date(2025, 7, 1))
    services.issue_bills(sc.programme, dt.date(2025, 7, 1), actor=officer, via="t")

    def event(i: int) -> None:
        Event.objects.create(
            slug=f"e{i}",
            kind="training",
            title=f"E{i}",
            date=dt.date(2025, 8, i),
            place="Balai Desa",
            organiser=world.organisations["disnaker-gresik"],
            programme=sc.programme,
        )

    event(1)
    urls = ["/enrolment/", "/payments/", "/events/"]
    few = [_queries(client, u) for u in urls]
    enrol_all(world, sc, tmp_path, dt.date(2025, 9, 1))
    for m in (8, 9, 10):
        services.issue_bills(sc.programme, dt.date(2025, m, 1), actor=officer, via="t")
    event(2)
    event(3)
    many = [_queries(client, u) for u in urls]
    assert many == few, dict(zip(urls, zip(few, many, strict=True), strict=True))
