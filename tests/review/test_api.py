"""The review API: queue, state with indicators and events, actions with their refusals, comments, quality."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from jaring.collection.models import Round
from jaring.imports.models import Batch, ReviewStatus
from tests.api.conftest import token_client


def post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_whole_flow_through_the_api(leran_batch: Batch, leran_operator: Any, bps_reviewer: Any) -> None:
    operator, reviewer = token_client(leran_operator), token_client(bps_reviewer)
    base = f"/api/v1/review/batches/{leran_batch.pk}"
    state = operator.get(base).json()
    assert state["batch"]["review_status"] == "not_submitted"
    assert state["allowed_actions"] == ["submit"]
    assert state["quality"]["values"]["persons"] == 5
    assert any(b["column"] == "duplicate_rate" for b in state["quality"]["breaches"])
    assert post(operator, f"{base}/actions/submit").json()["batch"]["review_status"] == "submitted"
    queue = reviewer.get("/api/v1/review/queue").json()
    assert [b["id"] for b in queue["items"]] == [leran_batch.pk]
    post(reviewer, f"{base}/actions/start")
    made = post(reviewer, f"{base}/comments", {"row": 3, "text": "Nama salah"})
    assert made.status_code == 201 and made.json()["person_id"] is not None
    returned = post(reviewer, f"{base}/actions/return", {"comment": "Lihat baris 3"})
    assert returned.json()["batch"]["review_status"] == "returned"
    assert returned.json()["open_comments"] == 1
    comments = operator.get(f"{base}/comments").json()
    assert comments["items"][0]["text"] == "Nama salah"
    resolved = post(operator, f"/api/v1/review/comments/{comments['items'][0]['id']}/resolve")
    assert resolved.json()["resolved"] is True and resolved.json()["resolved_by"] == "operator.leran"
    post(operator, f"{base}/actions/resubmit", {"comment": "sudah diperbaiki"})
    post(reviewer, f"{base}/actions/start")
    final = post(reviewer, f"{base}/actions/approve").json()
    assert final["batch"]["review_status"] == "approved"
    assert [e["action"] for e in final["events"]] == [
        "submit",
        "start",
        "return",
        "resubmit",
        "start",
        "approve",
    ]
    assert all(e["via"] == "api" for e in final["events"])


def test_an_illegal_transition_is_a_409_and_a_wrong_role_a_403(
    leran_batch: Batch, leran_operator: Any, bps_reviewer: Any
) -> None:
    base = f"/api/v1/review/batches/{leran_batch.pk}/actions"
    refused = post(token_client(bps_reviewer), f"{base}/approve")
    assert refused.status_code == 409 and refused.json()["code"] == "illegal_transition"
    post(token_client(leran_operator), f"{base}/submit")
    forbidden = post(token_client(leran_operator), f"{base}/start")
    assert forbidden.status_code == 403
    assert Batch.objects.get(pk=leran_batch.pk).review_status == ReviewStatus.SUBMITTED


def test_returning_without_any_comment_is_refused(
    leran_batch: Batch, leran_operator: Any, bps_reviewer: Any
) -> None:
    base = f"/api/v1/review/batches/{leran_batch.pk}/actions"
    post(token_client(leran_operator), f"{base}/submit")
    post(token_client(bps_reviewer), f"{base}/start")
    assert post(token_client(bps_reviewer), f"{base}/return").status_code == 422


def test_outside_the_scope_a_batch_is_a_404(leran_batch: Batch, gumeno_operator: Any, sponsor: Any) -> None:
    for user in (gumeno_operator, sponsor):
        client = token_client(user)
        assert client.get(f"/api/v1/review/batches/{leran_batch.pk}").status_code == 404
        assert post(client, f"/api/v1/review/batches/{leran_batch.pk}/actions/submit").status_code == 404
    assert token_client(sponsor).get("/api/v1/review/queue").json()["count"] == 0


def test_round_quality_per_village(leran_batch: Batch, world: Any, bps_reviewer: Any) -> None:
    round_obj = Round.objects.create(
        slug="r-2025",
        name="Pendataan 2025",
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 7, 31),
        organisation=world.organisations["pemkab-gresik"],
    )
    Batch.objects.filter(pk=leran_batch.pk).update(round=round_obj)
    body = token_client(bps_reviewer).get("/api/v1/review/rounds/r-2025/quality").json()
    assert body["batches"] == 1
    assert [v["village_code"] for v in body["villages"]] == ["35.25.10.2010"]
    assert body["total"]["values"]["persons"] == 5
    assert [b["batch_id"] for b in body["per_batch"]] == [leran_batch.pk]
    assert token_client(bps_reviewer).get("/api/v1/review/rounds/nope/quality").status_code == 404
