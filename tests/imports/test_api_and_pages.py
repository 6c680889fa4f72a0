"""The batch API and pages: upload, status, issues, commit, and who may see what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jaring.imports.models import BatchStatus
from jaring.imports.services import run_import
from jaring.registry.models import Person
from tests.imports.conftest import LERAN, good_rows, write_csv

pytestmark = pytest.mark.django_db


def csv_upload(tmp: Path, rows: list[list[Any]], name: str = "leran.csv") -> SimpleUploadedFile:
    path = write_csv(tmp / name, rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


@pytest.fixture
def gumeno_batch(world: Any, var_dir: Path, gumeno_operator: Any) -> Any:
    path = write_csv(var_dir / "gumeno.csv", good_rows(2, village="35.25.10.2004"))
    return run_import(path, village=world.gumeno, user=gumeno_operator, commit=False)


def test_an_operator_uploads_through_the_api_sees_issues_and_commits(
    leran_client: Client, world: Any, var_dir: Path
) -> None:
    rows = good_rows(3)
    rows.append([4, "123", "Salah", "L", "01/01/1980", LERAN, "", ""])
    r = leran_client.post("/api/v1/batches", {"file": csv_upload(var_dir, rows), "village": LERAN})
    assert r.status_code == 201, r.content
    batch = r.json()
    assert batch["status"] == "validated" and batch["rows_valid"] == 3 and batch["rows_with_errors"] == 1

    issues = leran_client.get(f"/api/v1/batches/{batch['id']}/issues?severity=error").json()
    assert (
        issues["count"] == 1 and issues["items"][0]["code"] == "nik_length" and issues["items"][0]["row"] == 5
    )

    r = leran_client.post(f"/api/v1/batches/{batch['id']}/commit")
    assert r.status_code == 200 and r.json()["status"] == "committed" and r.json()["rows_committed"] == 3
    assert Person.objects.count() == 3
    r = leran_client.post(f"/api/v1/batches/{batch['id']}/commit")
    assert r.status_code == 409


def test_another_village_operator_cannot_see_or_commit_a_batch(
    leran_client: Client, gumeno_batch: Any
) -> None:
    assert leran_client.get(f"/api/v1/batches/{gumeno_batch.pk}").status_code == 404
    assert leran_client.get(f"/api/v1/batches/{gumeno_batch.pk}/issues").status_code == 404
    assert leran_client.post(f"/api/v1/batches/{gumeno_batch.pk}/commit").status_code == 404
    assert leran_client.get(f"/imports/{gumeno_batch.pk}/").status_code == 404
    assert leran_client.post(f"/imports/{gumeno_batch.pk}/commit/").status_code == 404
    assert leran_client.get(f"/imports/{gumeno_batch.pk}/report.csv").status_code == 404
    assert leran_client.get("/api/v1/batches").json()["count"] == 0
    assert Person.objects.count() == 0


def test_an_operator_cannot_upload_for_another_village(
    leran_client: Client, world: Any, var_dir: Path
) -> None:
    r = leran_client.post(
        "/api/v1/batches", {"file": csv_upload(var_dir, good_rows(1)), "village": "35.25.10.2004"}
    )
    assert r.status_code in (403, 422)


def test_a_sponsor_gets_nothing(sponsor_client: Client, gumeno_batch: Any, var_dir: Path) -> None:
    assert sponsor_client.get("/api/v1/batches").json()["count"] == 0
    assert sponsor_client.get(f"/api/v1/batches/{gumeno_batch.pk}").status_code == 404
    r = sponsor_client.post("/api/v1/batches", {"file": csv_upload(var_dir, good_rows(1)), "village": LERAN})
    assert r.status_code in (403, 422)
    assert sponsor_client.get("/imports/new/").status_code == 403


def test_a_reviewer_sees_batches_but_cannot_commit(reviewer_client: Client, gumeno_batch: Any) -> None:
    assert reviewer_client.get(f"/api/v1/batches/{gumeno_batch.pk}").status_code == 200
    assert reviewer_client.post(f"/api/v1/batches/{gumeno_batch.pk}/commit").status_code == 403
    page = reviewer_client.get(f"/imports/{gumeno_batch.pk}/")
    assert page.status_code == 200 and b"commit-button" not in page.content


def test_anonymous_callers_are_refused(anonymous_client: Client, gumeno_batch: Any) -> None:
    assert anonymous_client.get("/api/v1/batches").status_code == 401
    assert anonymous_client.get("/imports/").status_code == 302


def test_the_upload_page_runs_validation_and_the_batch_page_commits(
    leran_client: Client, world: Any, var_dir: Path
) -> None:
    page = leran_client.get("/imports/new/")
    assert page.status_code == 200 and LERAN.encode() in page.content and b"35.25.10.2004" not in page.content
    rows = good_rows(2)
    rows.append([3, "3525100101800003", "", "L", "01/01/1980", LERAN, "", ""])
    r = leran_client.post("/imports/new/", {"file": csv_upload(var_dir, rows), "village": LERAN})
    assert r.status_code == 302
    detail = leran_client.get(r["Location"])
    assert detail.status_code == 200
    assert b"required_missing" in detail.content and b"commit-button" in detail.content
    # The job ran outside any request: its progress says it in Indonesian (the default) and English.
    assert "Selesai diperiksa: 2 baris valid, 1 baris dengan kesalahan" in detail.content.decode()
    status = leran_client.get(r["Location"] + "status.json").json()
    assert status["status"] == "validated" and status["finished"]
    filtered = leran_client.get(r["Location"] + "?severity=warning")
    assert b"required_missing" not in filtered.content.split(b"issue-table")[1]

    r2 = leran_client.post(r["Location"] + "commit/")
    assert r2.status_code == 302
    assert Person.objects.count() == 2
    assert b"batch-table" in leran_client.get("/imports/").content
    report = leran_client.get(r["Location"] + "report.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    from jaring.imports.models import Batch

    assert Batch.objects.get().status == BatchStatus.COMMITTED


def test_a_steward_reads_batches_in_the_admin_but_cannot_change_them(
    steward_client: Client, gumeno_batch: Any
) -> None:
    assert steward_client.get("/admin/imports/batch/").status_code == 200
    page = steward_client.get(f"/admin/imports/batch/{gumeno_batch.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
