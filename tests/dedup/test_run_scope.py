"""A run's progress and counts are shown to the users whose area it covered, and to nobody else."""

from __future__ import annotations

from typing import Any

import pytest

from jaring.dedup.models import DedupRun, RunStatus
from jaring.geo.models import Area
from jaring.geo.services import load_areas
from tests.api.conftest import token_client


@pytest.fixture
def runs(world: Any) -> dict[str, DedupRun]:
    """Runs over Gresik (covers Leran), over Gumeno (beside Leran), over Lamongan and over everything."""
    load_areas("35.24")  # Kabupaten Lamongan, Gresik's neighbour
    made = {}
    for name, code in [
        ("gresik", "35.25"),
        ("gumeno", "35.25.10.2004"),
        ("lamongan", "35.24"),
        ("all", None),
    ]:
        area = Area.objects.get(code=code) if code else None
        made[name] = DedupRun.objects.create(area=area, status=RunStatus.DONE, records=7)
    return made


def test_leran_s_operator_follows_runs_over_her_regency_and_the_whole_registry_only(
    runs: dict[str, DedupRun], leran_client: Any
) -> None:
    codes = {
        name: leran_client.get(f"/dedup/runs/{run.pk}/status/").status_code for name, run in runs.items()
    }
    assert codes == {"gresik": 200, "gumeno": 404, "lamongan": 404, "all": 200}


def test_a_data_steward_of_gresik_does_not_see_lamongan_s_run(
    runs: dict[str, DedupRun], steward_client: Any
) -> None:
    assert steward_client.get(f"/dedup/runs/{runs['gresik'].pk}/status/").status_code == 200
    assert steward_client.get(f"/dedup/runs/{runs['gumeno'].pk}/status/").status_code == 200
    assert steward_client.get(f"/dedup/runs/{runs['lamongan'].pk}/status/").status_code == 404


def test_the_api_lists_and_reads_only_the_runs_of_the_caller_s_area(
    runs: dict[str, DedupRun], leran_operator: Any
) -> None:
    client = token_client(leran_operator)
    listed = {item["id"] for item in client.get("/api/v1/dedup/runs").json()["items"]}
    assert listed == {runs["gresik"].pk, runs["all"].pk}
    assert client.get(f"/api/v1/dedup/runs/{runs['lamongan'].pk}").status_code == 404


def test_a_sponsor_sees_no_run_at_all(runs: dict[str, DedupRun], sponsor_client: Any) -> None:
    assert sponsor_client.get(f"/dedup/runs/{runs['gresik'].pk}/status/").status_code == 403


def test_the_queue_shows_the_latest_run_of_the_user_s_area_not_another_regency_s(
    runs: dict[str, DedupRun], leran_client: Any
) -> None:
    latest = DedupRun.objects.create(area=Area.objects.get(code="35.24"), status=RunStatus.RUNNING)
    page = leran_client.get("/dedup/")
    assert page.context["run"] != latest and page.context["run"].pk == runs["all"].pk
