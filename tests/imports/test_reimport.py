"""Re-importing a corrected full file: committed rows are "already in the registry, unchanged", not errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jaring.imports.models import Batch, BatchStatus
from jaring.imports.services import batch_summary, run_import
from jaring.registry.models import Person
from tests.collection.conftest import manyar_round
from tests.imports.conftest import LERAN, good_rows, write_csv

__all__ = ["manyar_round"]
pytestmark = pytest.mark.django_db
BAD = [9, "12345", "Salah", "L", "01/01/1980", LERAN, "Nelayan", ""]


def test_a_corrected_file_reports_the_committed_rows_as_unchanged_and_adds_only_the_fix(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    rows = good_rows(3)
    first = run_import(
        write_csv(var_dir / "v1.csv", [*rows, BAD]), village=world.leran, user=leran_operator, commit=True
    )
    assert first.rows_committed == 3 and first.rows_with_errors == 1
    fixed = [
        *rows,
        [9, good_rows(1, start=9)[0][1], "Salah", "L", good_rows(1, start=9)[0][4], LERAN, "Nelayan", ""],
    ]
    second = run_import(
        write_csv(var_dir / "v2.csv", fixed), village=world.leran, user=leran_operator, commit=True
    )
    assert second.status == BatchStatus.COMMITTED
    assert second.rows_committed == 1 and second.rows_with_errors == 0
    codes = list(second.issues.values_list("code", "severity"))
    assert ("nik_exists", "error") not in codes
    assert codes.count(("already_registered", "notice")) == 3
    notice = second.issues.filter(code="already_registered").first()
    assert (
        notice is not None
        and f"batch #{first.pk}" in notice.message_en
        and "not an error" in notice.message_en
    )
    assert "bukan kesalahan" in notice.message_id
    assert batch_summary(second)["rows_unchanged"] == 3
    assert Person.objects.count() == 4


def test_a_registered_nik_with_other_data_is_still_an_error(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    rows = good_rows(2)
    run_import(write_csv(var_dir / "v1.csv", rows), village=world.leran, user=leran_operator, commit=True)
    changed = [list(r) for r in rows]
    changed[1][2] = "Nama Lain"
    second = run_import(
        write_csv(var_dir / "v2.csv", changed), village=world.leran, user=leran_operator, commit=False
    )
    codes = list(second.issues.values_list("row", "code"))
    assert (2, "already_registered") in codes and (3, "nik_exists") in codes
    assert Person.objects.get(nik=rows[1][1]).full_name == "Warga 2"


def test_a_file_with_nothing_new_makes_no_second_batch_in_the_round(
    manyar_round: Any, world: Any, var_dir: Path, leran_operator: Any
) -> None:
    before = Batch.objects.filter(round=manyar_round, village=world.leran).count()
    again = write_csv(var_dir / "leran-again.csv", good_rows(2, LERAN))
    batch = run_import(again, village=world.leran, user=leran_operator, commit=True, round=manyar_round)
    assert batch.status == BatchStatus.FAILED and batch.error_code == "nothing_new"
    assert "nothing new to add" in batch.error_message
    assert Batch.objects.filter(round=manyar_round, village=world.leran).count() == before


def test_the_batch_page_says_what_the_new_batch_adds(world: Any, var_dir: Path, leran_operator: Any) -> None:
    rows = good_rows(2)
    run_import(write_csv(var_dir / "v1.csv", rows), village=world.leran, user=leran_operator, commit=True)
    more = [*rows, *good_rows(1, start=30)]
    second = run_import(
        write_csv(var_dir / "v2.csv", more), village=world.leran, user=leran_operator, commit=True
    )
    client = Client()
    client.force_login(leran_operator)
    page = client.get(f"/imports/{second.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="rows-unchanged"' in page
    assert "This batch adds 1 new person; 2 rows were already in the registry, unchanged." in page
    assert json.dumps(batch_summary(second)["rows_unchanged"]) == "2"
