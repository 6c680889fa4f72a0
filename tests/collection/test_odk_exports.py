"""Import of ODK Central and KoboToolbox exports: group prefixes, metadata columns, geopoints, UUIDs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from jaring.imports.lib.headers import map_headers
from jaring.imports.models import BatchStatus
from jaring.imports.services import run_import
from jaring.registry.models import Person
from tests.data.odk.make_odk_files import HERE, LATER, SUBMISSIONS, make_all


@pytest.fixture
def var_dir(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def test_the_committed_sample_files_are_what_the_script_makes(tmp_path: Path) -> None:
    for made in make_all(tmp_path):
        if made.suffix != ".xlsx":  # XLSX carries a timestamp; its content is checked by the import tests
            assert made.read_bytes() == (HERE / made.name).read_bytes(), made.name


def test_group_prefixed_headers_map_to_their_fields() -> None:
    headers = ["grp-identitas-nik", "identitas/nama_lengkap", "group/sub/jenis_kelamin", "KEY", "_uuid"]
    hmap = map_headers([*headers, "meta/instanceID", "SubmissionDate", "_submission_time", "lokasi"])
    assert hmap.fields == {
        "nik": 0,
        "full_name": 1,
        "sex": 2,
        "submission_uuid": 3,
        "submitted_at": 6,
        "geopoint": 8,
    }
    assert hmap.duplicates == [] and hmap.unknown == []


def test_split_geopoint_columns_map_to_latitude_and_longitude() -> None:
    central = map_headers(["lokasi-Latitude", "lokasi-Longitude", "lokasi-Altitude", "lokasi-Accuracy"])
    kobo = map_headers(["_lokasi_latitude", "_lokasi_longitude", "_lokasi_altitude", "_lokasi_precision"])
    for hmap in (central, kobo):
        assert hmap.fields == {"latitude": 0, "longitude": 1}
        assert hmap.unknown == []


def test_plain_spreadsheet_headers_are_not_stripped() -> None:
    hmap = map_headers(["Kode Desa/Kelurahan", "L/P", "Tgl. Lahir", "Catatan-lain"])
    assert hmap.fields == {"village_code": 0, "sex": 1, "birth_date": 2}
    assert hmap.unknown == ["Catatan-lain"]


def test_a_central_csv_export_becomes_persons_with_uuid_and_coordinates(world: Any, var_dir: Path) -> None:
    batch = run_import(HERE / "central-export.csv", village=world.leran, user=None, commit=True)
    assert batch.status == BatchStatus.COMMITTED, batch.error_message
    assert batch.rows_committed == len(SUBMISSIONS)
    assert not batch.issues.filter(code="column_ignored").exists()
    first = SUBMISSIONS[0]
    person = Person.objects.get(nik=first["identitas"]["nik"])
    assert person.submission_uuid == first["__id"].removeprefix("uuid:")
    lon, lat, _alt = first["lokasi"]["coordinates"]
    assert person.latitude == pytest.approx(lat) and person.longitude == pytest.approx(lon)
    assert person.occupation is not None and person.occupation.slug == first["pekerjaan_grp"]["pekerjaan"]
    assert person.employment_status == "own_account"
    assert person.monthly_income == first["pekerjaan_grp"]["penghasilan"]


def test_a_kobo_xlsx_export_gives_the_same_persons(world: Any, var_dir: Path) -> None:
    batch = run_import(HERE / "kobo-export.xlsx", village=world.leran, user=None, commit=True)
    assert batch.status == BatchStatus.COMMITTED, batch.error_message
    assert batch.rows_committed == len(SUBMISSIONS)
    assert not batch.issues.filter(code="column_ignored").exists()
    for s in SUBMISSIONS:
        person = Person.objects.get(submission_uuid=s["__id"].removeprefix("uuid:"))
        assert person.nik == s["identitas"]["nik"]
        assert person.latitude == pytest.approx(s["lokasi"]["coordinates"][1])


def test_a_later_export_adds_only_the_new_submissions(world: Any, var_dir: Path) -> None:
    run_import(HERE / "central-export.csv", village=world.leran, user=None, commit=True)
    # The regency-wide export holds the old five plus two new submissions.
    later = run_import(HERE / "central-export-later.csv", village=world.regency, user=None, commit=True)
    assert later.status == BatchStatus.COMMITTED, later.error_message
    assert later.rows_committed == len(LATER) - len(SUBMISSIONS)
    codes = set(later.issues.values_list("code", flat=True))
    assert "submission_exists" in codes
    assert "nik_exists" not in codes  # a known submission is not reported as a duplicate person
    warning = later.issues.filter(code="submission_exists").first()
    assert warning is not None and warning.severity == "warning"
    assert "sudah ada" in warning.message_id and "already in the registry" in warning.message_en
    assert later.issues.filter(code="submission_exists").count() == len(SUBMISSIONS)
    assert Person.objects.count() == len(LATER)


def test_the_same_submission_under_another_file_name_adds_nothing(world: Any, var_dir: Path) -> None:
    run_import(HERE / "central-export.csv", village=world.leran, user=None, commit=True)
    copy = var_dir / "kobo-copy.xlsx"
    shutil.copy(HERE / "kobo-export.xlsx", copy)
    again = run_import(copy, village=world.leran, user=None, commit=True)
    # Nothing new to store: the batch ends failed (it blocks no later import), nothing is added.
    assert again.status == BatchStatus.FAILED and again.error_code == "nothing_committed"
    assert again.rows_committed == 0
    assert again.rows_with_errors == 0
    assert Person.objects.count() == len(SUBMISSIONS)


def test_a_bad_geopoint_is_a_warning_not_a_crash(world: Any, var_dir: Path) -> None:
    path = var_dir / "geo.csv"
    path.write_text(
        "identitas/nik,identitas/nama_lengkap,identitas/jenis_kelamin,lokasi,_uuid\n"
        "3525100202760101,Ahmad,L,not a point,abc-1\n"
        "3525100303760102,Budi,L,-7.1 112.6 3 4,abc-2\n",
        encoding="utf-8",
    )
    batch = run_import(path, village=world.leran, user=None, commit=True)
    assert batch.status == BatchStatus.COMMITTED, batch.error_message
    assert batch.rows_committed == 2
    assert batch.issues.filter(code="coordinate_invalid", row=2).exists()
    assert Person.objects.get(submission_uuid="abc-2").longitude == pytest.approx(112.6)
    assert Person.objects.get(submission_uuid="abc-1").latitude is None
