"""A batch that would commit no row ends failed and blocks nothing; a birth date in the future is an error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jaring.imports.models import BatchStatus
from jaring.imports.services import run_import
from jaring.registry.models import Person
from tests.imports.conftest import good_rows, nik, write_csv


def test_a_file_of_unknown_villages_ends_failed_and_does_not_block_a_corrected_file(
    world: Any, var_dir: Path, leran_operator: Any, data_steward: Any
) -> None:
    rows = good_rows(3, village="35.25.10.9999")
    path = write_csv(var_dir / "unknown.csv", rows)
    first = run_import(path, village=world.regency, user=data_steward, commit=True)
    assert first.status == BatchStatus.FAILED and first.error_code == "nothing_committed"
    assert first.rows_committed == 0 and Person.objects.count() == 0
    again = run_import(path, village=world.regency, user=data_steward, commit=True)
    assert again.error_code == "nothing_committed"  # not "already_imported": the failure blocks nothing
    fixed = write_csv(var_dir / "fixed.csv", good_rows(3))
    done = run_import(fixed, village=world.regency, user=data_steward, commit=True)
    assert done.status == BatchStatus.COMMITTED and done.rows_committed == 3


def test_a_birth_date_in_the_future_is_an_error_not_an_age_warning(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    future = dt.date.today() + dt.timedelta(days=400)
    row = [
        1,
        nik(future.day, future.month, future.year, 1),
        "Anak Masa Depan",
        "L",
        future.strftime("%d/%m/%Y"),
        world.leran.code,
        "Nelayan",
        "081234567801",
    ]
    path = write_csv(var_dir / "future.csv", [row, *good_rows(2, start=5)])
    batch = run_import(path, village=world.leran, user=leran_operator, commit=True)
    issue = batch.issues.get(code="birth_date_future")
    assert issue.severity == "error" and issue.row == 2 and "future" in issue.message_en
    assert not batch.issues.filter(code="age_outside_limits", row=2).exists()
    assert batch.rows_committed == 2
    assert not Person.objects.filter(full_name="Anak Masa Depan").exists()


def test_the_api_refuses_a_future_birth_date(world: Any, leran_operator: Any) -> None:
    from django.test import Client

    from jaring.accounts.models import ApiToken

    _t, key = ApiToken.issue(leran_operator, "t")
    future = dt.date.today() + dt.timedelta(days=30)
    body = {
        "nik": nik(future.day, future.month, future.year, 7),
        "full_name": "Bayi Belum Lahir",
        "sex": "L",
        "birth_date": future.isoformat(),
        "village_code": world.leran.code,
    }
    r = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
        "/api/v1/persons", body, content_type="application/json"
    )
    assert r.status_code == 422 and "birth_date_future" in r.content.decode()
