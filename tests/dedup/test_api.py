"""The dedup API: runs, pairs, merge/distinct/undo, NIK conflicts, scope."""

from __future__ import annotations

import json
from typing import Any

from jaring.dedup import services
from jaring.dedup.models import CandidatePair, PairStatus
from jaring.registry.models import Person
from tests.api.conftest import token_client


def _post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def test_a_steward_starts_a_run_and_reads_its_status(world, twins, data_steward, fake_engine) -> None:
    client = token_client(data_steward)
    response = _post(client, "/api/v1/dedup/runs", {"threshold": 0.95})
    assert response.status_code == 202, response.content
    run = response.json()
    assert run["status"] == "done" and run["pairs_found"] == 1 and run["area_code"] == world.regency.code
    assert client.get(f"/api/v1/dedup/runs/{run['id']}").json()["records"] == 2
    assert client.get("/api/v1/dedup/runs").json()["count"] == 1


def test_operators_and_sponsors_cannot_start_runs(world, leran_operator, sponsor, fake_engine) -> None:
    for user in (leran_operator, sponsor):
        assert _post(token_client(user), "/api/v1/dedup/runs", {}).status_code == 403


def test_pairs_merge_and_undo_through_the_api(world, twins, data_steward, fake_engine) -> None:
    a, b = twins
    services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    client = token_client(data_steward)
    page = client.get("/api/v1/dedup/pairs").json()
    assert page["count"] == 1
    pair = page["items"][0]
    assert pair["person_a"]["nik"] == a.nik and pair["person_b"]["village_code"] == world.gumeno.code
    merged = _post(
        client,
        f"/api/v1/dedup/pairs/{pair['id']}/merge",
        {"choices": {"nik": "a", "phone": "b"}, "version_a": 1, "version_b": 1},
    )
    assert merged.status_code == 200, merged.content
    body = merged.json()
    assert body["status"] == "merged" and body["decision"]["survivor_id"] == a.pk
    assert body["person_b"]["merged_into"] == a.pk
    assert Person.objects.get(pk=a.pk).phone == b.phone
    again = _post(client, f"/api/v1/dedup/pairs/{pair['id']}/merge", {})
    assert again.status_code == 409
    undone = _post(client, f"/api/v1/dedup/pairs/{pair['id']}/undo")
    assert undone.status_code == 200 and undone.json()["status"] == "open"
    assert Person.objects.get(pk=a.pk).phone == "+6281234500001"


def test_a_stale_version_answers_409(world, twins, data_steward, fake_engine) -> None:
    services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    pair = CandidatePair.objects.get()
    response = _post(
        token_client(data_steward), f"/api/v1/dedup/pairs/{pair.pk}/merge", {"version_a": 1, "version_b": 4}
    )
    assert response.status_code == 409 and response.json()["code"] == "stale_version"


def test_distinct_through_the_api(world, twins, data_steward, fake_engine) -> None:
    services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    pair = CandidatePair.objects.get()
    response = _post(token_client(data_steward), f"/api/v1/dedup/pairs/{pair.pk}/distinct")
    assert response.status_code == 200 and response.json()["decision"]["decision"] == "distinct"
    assert CandidatePair.objects.get().status == PairStatus.DISTINCT


def test_a_pair_outside_the_scope_is_a_404_and_an_operator_cannot_decide(
    world, twins, leran_twins, leran_operator, fake_engine
) -> None:
    services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    client = token_client(leran_operator)
    across = CandidatePair.objects.get(person_a=twins[0])
    own = CandidatePair.objects.get(person_a=leran_twins[0])
    assert client.get(f"/api/v1/dedup/pairs/{across.pk}").status_code == 404
    assert client.get("/api/v1/dedup/pairs").json()["count"] == 1
    assert _post(client, f"/api/v1/dedup/pairs/{own.pk}/merge", {}).status_code == 403
    assert _post(client, f"/api/v1/dedup/pairs/{own.pk}/distinct").status_code == 403


def test_a_sponsor_gets_no_pairs(world, twins, sponsor, fake_engine) -> None:
    services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    client = token_client(sponsor)
    assert client.get("/api/v1/dedup/pairs").json()["count"] == 0
    assert client.get(f"/api/v1/dedup/pairs/{CandidatePair.objects.get().pk}").status_code == 404
