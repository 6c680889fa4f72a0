"""The pipeline end to end: validate, commit, re-import, atomicity, multi-village files, XLSX, reports."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter

from jaring.imports.models import Batch, BatchStatus
from jaring.imports.services import batch_summary, commit_batch, issue_report, run_import
from jaring.registry.models import BatchChange, Person, PersonChange
from jaring.registry.services import person_changes
from tests.imports.conftest import GUMENO, LERAN, good_rows, nik, write_csv

pytestmark = pytest.mark.django_db


def test_it_validates_without_writing_then_commits_the_valid_rows(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    rows = good_rows(5)
    rows.append([6, "3.52510E+15", "Rusak", "L", "01/01/1980", LERAN, "Petani", ""])
    path = write_csv(var_dir / "leran.csv", rows)
    batch = run_import(path, village=world.leran, user=leran_operator, commit=False)
    assert batch.status == BatchStatus.VALIDATED
    assert (batch.rows_total, batch.rows_valid, batch.rows_with_errors) == (6, 5, 1)
    assert Person.objects.count() == 0
    issue = batch.issues.get(code="nik_scientific")
    assert issue.row == 7 and issue.column == "NIK" and "Text" in issue.message_en

    batch = commit_batch(batch, leran_operator)
    assert batch.status == BatchStatus.COMMITTED and batch.rows_committed == 5
    people = Person.objects.order_by("source_row")
    assert people.count() == 5
    first = people[0]
    assert first.batch_id == batch.pk and first.source_row == 2 and first.village_id == world.leran.pk
    assert (
        first.phone.startswith("+62812") and first.occupation is not None and first.occupation.slug != "other"
    )
    assert first.name_search == "warga 1"
    # One change event for the batch, no per-person image; the person's history still reads it.
    assert PersonChange.objects.count() == 0
    event = BatchChange.objects.get(batch=batch)
    assert event.rows == batch.rows_committed and len(event.rows_sha256) == 64
    (log,) = person_changes(first)
    assert log.action == "create" and log.via == "import" and log.batch_id == batch.pk
    assert log.actor == leran_operator and log.after["nik"] == first.nik
    assert log.after["full_name"] == first.full_name and log.after["village_id"] == first.village_id


def test_the_same_file_again_is_recognised_and_adds_nothing(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    path = write_csv(var_dir / "leran.csv", good_rows(3))
    first = run_import(path, village=world.leran, user=leran_operator, commit=True)
    again = run_import(path, village=world.leran, user=leran_operator, commit=True)
    assert first.status == BatchStatus.COMMITTED
    assert again.status == BatchStatus.FAILED and again.error_code == "already_imported"
    assert f"#{first.pk}" in again.issues.get().message_en
    assert Person.objects.count() == 3


def test_niks_already_in_the_registry_are_reported_and_never_overwritten(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    rows = good_rows(2)
    Person.objects.create(nik=rows[0][1], full_name="Nama Lama", sex="L", village=world.leran)
    batch = run_import(
        write_csv(var_dir / "a.csv", rows), village=world.leran, user=leran_operator, commit=True
    )
    assert batch.issues.filter(code="nik_exists", row=2).exists()
    assert batch.rows_committed == 1
    assert Person.objects.get(nik=rows[0][1]).full_name == "Nama Lama"


def test_duplicate_niks_in_a_file_keep_the_first_row(world: Any, var_dir: Path, leran_operator: Any) -> None:
    rows = good_rows(2)
    rows.append([3, rows[0][1], "Kembar", "L", rows[0][4], LERAN, "Nelayan", ""])
    batch = run_import(
        write_csv(var_dir / "d.csv", rows), village=world.leran, user=leran_operator, commit=True
    )
    dup = batch.issues.get(code="nik_duplicate_in_file")
    assert dup.row == 4 and "2" in dup.message_en
    assert Person.objects.filter(nik=rows[0][1]).get().full_name == "Warga 1"


def test_a_failure_in_the_middle_of_commit_writes_nothing_and_the_batch_can_be_rerun(
    world: Any, var_dir: Path, leran_operator: Any, monkeypatch: Any
) -> None:
    from jaring.registry import bulk

    monkeypatch.setattr(bulk, "CHUNK", 2)
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)  # SQLite: the drop-and-rebuild index path too
    indexes_before = _index_names()
    from jaring.registry.lib import batch_rows

    real = batch_rows.file_sha256

    def crash_after_the_insert(path: Any) -> str:
        assert Person.objects.count() == 7  # the persons are written, the batch event is not yet
        raise RuntimeError("power cut")

    monkeypatch.setattr(batch_rows, "file_sha256", crash_after_the_insert)
    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(7)), village=world.leran, user=leran_operator, commit=False
    )
    with pytest.raises(RuntimeError, match="power cut"):
        commit_batch(batch, leran_operator)
    assert Person.objects.count() == 0 and BatchChange.objects.count() == 0
    assert _index_names() == indexes_before
    batch.refresh_from_db()
    assert batch.status == BatchStatus.VALIDATED

    monkeypatch.setattr(batch_rows, "file_sha256", real)
    batch = commit_batch(batch, leran_operator)
    assert batch.status == BatchStatus.COMMITTED and Person.objects.count() == 7


def test_ids_of_a_big_load_never_collide_with_the_persons_created_after_it(
    world: Any, var_dir: Path, leran_operator: Any, monkeypatch: Any
) -> None:
    from jaring.registry import bulk

    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)  # the big-load path reserves its ids in one run
    big = run_import(
        write_csv(var_dir / "big.csv", good_rows(6)), village=world.leran, user=leran_operator, commit=True
    )
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10**9)  # then an ordinary village import
    small = run_import(
        write_csv(var_dir / "small.csv", good_rows(3, start=50)),
        village=world.leran,
        user=leran_operator,
        commit=True,
    )
    assert (big.rows_committed, small.rows_committed) == (6, 3)
    big_ids = set(Person.objects.filter(batch=big).values_list("id", flat=True))
    small_ids = set(Person.objects.filter(batch=small).values_list("id", flat=True))
    assert len(big_ids) == 6 and len(small_ids) == 3 and min(small_ids) > max(big_ids)


def _index_names() -> set[str]:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'registry_person%%'")
        else:
            cur.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'registry_person%'"
            )
        return {r[0] for r in cur.fetchall()}


def test_a_batch_left_committing_by_a_killed_process_can_be_committed(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(3)), village=world.leran, user=leran_operator, commit=False
    )
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMMITTING)
    batch.refresh_from_db()
    assert commit_batch(batch, leran_operator).rows_committed == 3


def test_a_district_file_puts_each_row_in_its_village_and_refuses_villages_outside(
    world: Any, var_dir: Path, data_steward: Any
) -> None:
    from jaring.geo.models import Area

    manyar = Area.objects.get(code="35.25.10")
    rows = good_rows(2, village=LERAN) + good_rows(1, village=GUMENO, start=10)
    rows.append([20, nik(3, 3, 1983, 20), "Orang Luar", "L", "03/03/1983", "35.25.01.2001", "Petani", ""])
    rows.append([21, nik(4, 3, 1983, 21), "Kode Salah", "L", "04/03/1983", "35.25.10.9999", "Petani", ""])
    rows.append([22, nik(5, 3, 1983, 22), "Tanpa Desa", "L", "05/03/1983", "", "Petani", ""])
    batch = run_import(write_csv(var_dir / "m.csv", rows), village=manyar, user=data_steward, commit=True)
    codes = {(i.row, i.code) for i in batch.issues.all()}
    assert (5, "village_outside_area") in codes
    assert (6, "village_unknown") in codes
    assert (7, "required_missing") in codes
    assert batch.rows_committed == 3
    assert Person.objects.filter(village__code=GUMENO).count() == 1


def test_a_village_file_without_a_village_column_puts_everyone_in_that_village(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    header = ["NIK", "Nama", "L/P", "Tgl Lahir"]
    rows = [[r[1], r[2], "Laki-laki", r[4]] for r in good_rows(3)]
    batch = run_import(
        write_csv(var_dir / "v.csv", rows, header, sep=";"),
        village=world.leran,
        user=leran_operator,
        commit=True,
    )
    assert batch.rows_committed == 3
    assert set(Person.objects.values_list("village__code", flat=True)) == {LERAN}


def test_an_explicit_mapping_names_unusual_headers_and_unknown_columns_are_warned(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    header = ["Nomor Induk", "Nama Warga", "Kelamin", "Tanggal Lahir", "Warna Favorit"]
    rows = [[r[1], r[2], "L", r[4], "biru"] for r in good_rows(2)]
    path = write_csv(var_dir / "m.csv", rows, header)
    batch = run_import(
        path, village=world.leran, user=leran_operator, commit=True, mapping={"Nomor Induk": "nik"}
    )
    assert batch.rows_committed == 2
    ignored = batch.issues.get(code="column_ignored")
    assert ignored.row == 0 and ignored.severity == "warning" and "Warna Favorit" in ignored.message_en


def test_an_xlsx_reports_real_sheet_rows_and_reads_numeric_niks_and_excel_dates(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    path = var_dir / "leran.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_string(0, 0, "Daftar pekerja rentan Desa Leran")  # a title row above the header
    ws.write_row(1, 0, ["NIK", "Nama Lengkap", "Jenis Kelamin", "Tanggal Lahir"])
    ws.write_row(2, 0, [int(nik(5, 3, 1985, 1)), "Budi", "L", 31111])  # serial 31111 = 05/03/1985
    ws.write_row(3, 0, [nik(6, 3, 1985, 2), "Joko", "X", "06/03/1985"])
    wb.close()
    # The title row is skipped: the header is found on sheet row 2, so the data rows are 3 and 4.
    batch = run_import(path, village=world.leran, user=leran_operator, commit=False)
    assert batch.status == BatchStatus.VALIDATED
    assert batch.issues.get(code="sex_invalid").row == 4
    path.unlink()

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["NIK", "Nama Lengkap", "Jenis Kelamin", "Tanggal Lahir"])
    ws.write_row(1, 0, [int(nik(5, 3, 1985, 1)), "Budi", "L", 31111])
    ws.write_row(2, 0, [nik(6, 3, 1985, 2), "Joko", "X", "06/03/1985"])
    wb.close()
    batch = run_import(path, village=world.leran, user=leran_operator, commit=True)
    assert batch.issues.get(code="sex_invalid").row == 3
    budi = Person.objects.get()
    assert budi.nik == nik(5, 3, 1985, 1) and str(budi.birth_date) == "1985-03-05"


def test_the_issue_report_holds_the_original_cells_and_neutralises_formulas(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    rows = good_rows(1)
    rows.append([2, "123", '=HYPERLINK("http://x")', "L", "01/01/1980", LERAN, "", ""])
    batch = run_import(
        write_csv(var_dir / "r.csv", rows), village=world.leran, user=leran_operator, commit=False
    )
    report = pl.read_csv(io.BytesIO(issue_report(batch, "csv")), infer_schema=False)
    assert report.get_column("row").to_list() == ["3"]
    assert report.get_column("Nama Lengkap")[0].startswith("'=")
    assert "nik_length" in report.get_column("issues")[0]
    assert issue_report(batch, "xlsx")[:2] == b"PK"


def test_the_json_summary_has_the_documented_keys(world: Any, var_dir: Path, leran_operator: Any) -> None:
    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(2)), village=world.leran, user=leran_operator, commit=True
    )
    s = batch_summary(batch)
    assert {
        "batch",
        "status",
        "rows_total",
        "rows_valid",
        "rows_with_errors",
        "rows_committed",
        "issues",
    } <= set(s)
    assert s["rows_committed"] == 2 and s["status"] == "committed"


def test_committing_a_batch_twice_writes_its_rows_once(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(3)), village=world.leran, user=leran_operator, commit=False
    )
    stale = Batch.objects.get(pk=batch.pk)  # a second job holding the batch as it was before the first commit
    commit_batch(batch, leran_operator)
    assert commit_batch(stale, leran_operator).status == BatchStatus.COMMITTED
    assert Person.objects.count() == 3 and BatchChange.objects.get(batch=batch).rows == 3


def test_a_person_an_import_created_shows_created_by_that_batch_on_the_page_and_in_the_api(
    world: Any, var_dir: Path, leran_operator: Any, leran_client: Any
) -> None:
    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(2)), village=world.leran, user=leran_operator, commit=True
    )
    person = Person.objects.order_by("pk").first()
    assert person is not None
    page = leran_client.get(f"/persons/{person.pk}/").content.decode()
    assert f'href="/imports/{batch.pk}/"' in page
    api = leran_client.get(f"/api/v1/persons/{person.pk}/changes").json()
    assert [(c["id"], c["action"], c["batch_id"], c["via"]) for c in api] == [
        (None, "create", batch.pk, "import")
    ]
    assert api[0]["changes"]["nik"] == [None, person.nik]
