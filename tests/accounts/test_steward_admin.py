"""Data stewards administer the reference data of every app; other roles never reach the admin."""

from __future__ import annotations

import pytest
from django.test import Client

STEWARD_PAGES = [
    "/admin/collection/round/",
    "/admin/review/qualitythreshold/",
    "/admin/programmes/premiumschedule/",
    "/admin/programmes/premiumdiscount/",
    "/admin/dedup/candidatepair/",
]


@pytest.mark.parametrize("url", STEWARD_PAGES)
def test_a_data_steward_opens_the_reference_data_of_every_app(steward_client: Client, url: str) -> None:
    assert steward_client.get(url).status_code == 200


@pytest.mark.parametrize("url", STEWARD_PAGES)
def test_a_village_operator_does_not_reach_the_admin(leran_client: Client, url: str) -> None:
    response = leran_client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_steward_may_add_a_premium_period_but_never_edit_the_dedup_history(steward_client: Client) -> None:
    assert steward_client.get("/admin/programmes/premiumschedule/add/").status_code == 200
    assert steward_client.get("/admin/dedup/candidatepair/add/").status_code == 403
