"""Health probes, the request-body limit, the server's request id and the job lease."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from jaring.core import jobs
from jaring.core.models import WorkerHeartbeat


class _Exploding(io.BytesIO):
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
def test_healthz_answers_anonymous_liveness_without_the_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_not_ready_without_a_live_worker_and_ready_with_one() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["worker"] == {"ok": False, "live": 0}
    jobs.register_worker("w-live")
    response = Client().get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(hours=1))
    assert Client().get("/readyz").status_code == 503


@pytest.mark.django_db
@override_settings(JARING_MAX_UPLOAD_BYTES=1000)
def test_an_upload_over_the_limit_gets_413_before_its_body_is_read(leran_client: Client) -> None:
    for path in ("/api/v1/batches", "/imports/new/"):
        response = leran_client.generic(
            "POST",
            path,
            data=b"",
            content_type="application/octet-stream",
            CONTENT_LENGTH="327000000",
            **{"wsgi.input": _Exploding()},
        )
        assert response.status_code == 413, path
    body = leran_client.generic(
        "POST", "/api/v1/batches", data=b"", CONTENT_LENGTH="5000", **{"wsgi.input": _Exploding()}
    ).json()
    assert body["code"] == "too_large" and "MB" in body["detail"] and "batas" in body["detail_id"]


@pytest.mark.django_db
def test_the_request_id_is_the_servers_and_the_clients_is_kept_apart(leran_client: Client) -> None:
    response = leran_client.get("/", HTTP_X_REQUEST_ID="forged<script>id")
    assert response["X-Request-Id"] != "forged<script>id"
    assert len(response["X-Request-Id"]) == 32
    assert response["X-Client-Request-Id"] == "forgedscriptid"


@pytest.mark.django_db
def test_a_person_change_records_the_server_request_id_not_the_clients(world, leran_client: Client) -> None:
    from jaring.registry.models import PersonChange
    from tests.registry.factories import make_person

    person = make_person(world.leran, "Siti Leranwati")
    response = leran_client.patch(
        f"/api/v1/persons/{person.pk}",
        data={"phone": "081234567890", "version": person.version},
        content_type="application/json",
        HTTP_X_REQUEST_ID="client-chosen",
    )
    assert response.status_code == 200, response.content
    change = PersonChange.objects.filter(person_id=person.pk).order_by("-pk").first()
    assert change is not None and change.request_id == response["X-Request-Id"] != "client-chosen"


@pytest.mark.django_db
def test_a_job_left_running_by_a_dead_worker_is_marked_failed_on_worker_start(world, data_steward) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from jaring.dedup.models import DedupRun, RunStatus

    run = DedupRun.objects.create(status=RunStatus.RUNNING, created_by=data_steward)
    jobs.register_worker("dead-worker")
    WorkerHeartbeat.objects.filter(worker_id="dead-worker").update(
        seen_at=timezone.now() - dt.timedelta(seconds=jobs.lease_seconds() + 5)
    )
    jobs.register_worker("busy-worker")
    common = {"priority": 0, "queue_name": "default", "backend_name": "default", "run_after": timezone.now()}
    orphan = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        task_path="jaring.dedup.tasks.run_dedup_task",
        args_kwargs={"args": [run.pk], "kwargs": {}},
        worker_ids=["dead-worker"],
        **common,
    )
    healthy = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        task_path="jaring.dedup.tasks.run_dedup_task",
        args_kwargs={"args": [0], "kwargs": {}},
        worker_ids=["busy-worker"],
        **common,
    )
    assert jobs.recover_abandoned(except_worker="new-worker") == 1
    orphan.refresh_from_db()
    healthy.refresh_from_db()
    run.refresh_from_db()
    assert orphan.status == TaskResultStatus.FAILED and "WorkerLost" in orphan.exception_class_path
    assert healthy.status == TaskResultStatus.RUNNING
    assert run.status == RunStatus.FAILED and "start it again" in run.error_message
