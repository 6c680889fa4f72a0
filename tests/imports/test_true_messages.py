"""Import messages that are true: each fixed message on the row that used to get a wrong one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jaring.imports.lib.messages import MESSAGES
from jaring.imports.services import run_import
from tests.imports.conftest import HEADER, LERAN, nik, write_csv

pytestmark = pytest.mark.django_db


def _issues(
    world: Any, var_dir: Path, user: Any, row: list[Any], header: list[str] | None = None
) -> dict[str, Any]:
    path = write_csv(var_dir / "SINTETIS-one.csv", [row], header=header)
    batch = run_import(path, village=world.leran, user=user, commit=False, is_synthetic=True)
    return {i.code: i for i in batch.issues.filter(row=2)}


def test_an_impossible_date_in_the_right_format_is_called_impossible(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    found = _issues(
        world,
        var_dir,
        leran_operator,
        [1, nik(28, 2, 1988, 1), "Warga", "L", "31/02/1988", LERAN, "Nelayan", ""],
    )
    assert "date_invalid" not in found
    issue = found["date_impossible"]
    assert "does not exist" in issue.message_en and "The format is right" in issue.message_en
    assert "not recognised" not in issue.message_en and "tidak ada di kalender" in issue.message_id


def test_a_month_first_date_is_told_to_put_the_day_first(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    found = _issues(
        world, var_dir, leran_operator, [1, nik(12, 3, 1988, 1), "Warga", "L", "03/31/1988", LERAN, "", ""]
    )
    assert set(found) & {"date_invalid", "date_impossible"} == set()
    assert "day first" in found["date_month_first"].message_en


def test_a_date_in_no_known_form_is_still_not_recognised(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    found = _issues(
        world, var_dir, leran_operator, [1, nik(12, 3, 1988, 1), "Warga", "L", "kemarin", LERAN, "", ""]
    )
    assert "not recognised (use dd/mm/yyyy)" in found["date_invalid"].message_en


def test_a_birth_date_in_the_future_is_an_error_not_a_negative_age(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    year = dt.date.today().year + 3
    found = _issues(
        world, var_dir, leran_operator, [1, nik(1, 1, year, 1), "Warga", "L", f"01/01/{year}", LERAN, "", ""]
    )
    assert found["birth_date_future"].severity == "error"
    assert "age_outside_limits" not in found  # never "Age -3 is outside working age"


def test_a_nik_with_a_letter_is_not_told_it_lacks_digits(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    bad = nik(12, 3, 1988, 1)[:15] + "O"  # the letter O for a zero: still 16 characters
    found = _issues(world, var_dir, leran_operator, [1, bad, "Warga", "L", "12/03/1988", LERAN, "", ""])
    assert "nik_length" not in found  # it used to say "must be 16 digits (it has 16)"
    assert "letters or signs" in found["nik_not_digits"].message_en


def test_a_negative_number_is_called_negative_not_unrecognised(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    header = [*HEADER, "Jumlah Tanggungan"]
    found = _issues(
        world,
        var_dir,
        leran_operator,
        [1, nik(12, 3, 1988, 1), "Warga", "L", "12/03/1988", LERAN, "", "", "-2"],
        header,
    )
    assert "number_invalid" not in found
    assert "is negative" in found["number_negative"].message_en


def test_a_birth_date_mismatch_shows_only_the_year_digits_the_nik_holds(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    found = _issues(
        world, var_dir, leran_operator, [1, nik(12, 3, 1925, 1), "Warga", "L", "13/03/1925", LERAN, "", ""]
    )
    message = found["nik_birth_date_mismatch"].message_en
    assert "the NIK says 12/03/25" in message and "2025" not in message


def test_messages_no_longer_send_web_users_to_a_mapping_file_only() -> None:
    _, text_id, text_en = MESSAGES["headers_unrecognised"]
    assert "Rename the headers" in text_en and "command line" in text_en and "Ganti judul" in text_id
    _, text_id, text_en = MESSAGES["nik_outside_regency"]
    assert "this village's" not in text_en  # a district file has no single village
