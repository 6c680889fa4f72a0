"""The upload form: one village and one open round preselected, a translated sheet label, the template."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from jaring.collection.services import create_round
from jaring.imports.services import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def leran_round(world: Any) -> Any:
    today = dt.date.today()
    return create_round(
        slug="leran-now",
        name="Pendataan Leran",
        period_start=today - dt.timedelta(days=10),
        period_end=today + dt.timedelta(days=30),
        organisation=world.organisations["diskominfo-gresik"],
        targets=[world.leran.code],
    )


def test_an_operator_of_one_village_and_one_open_round_finds_both_preselected(
    leran_round: Any, leran_client: Client
) -> None:
    page = leran_client.get("/imports/new/").content.decode()
    assert '<option value="35.25.10.2010" selected>' in page
    assert f'<option value="{leran_round.slug}" selected>' in page


def test_a_steward_of_many_villages_chooses_the_village_herself(
    leran_round: Any, steward_client: Client
) -> None:
    page = steward_client.get("/imports/new/").content.decode()
    assert '<option value="" selected>' in page.split('id="id_village"')[1].split("</select>")[0]


def test_the_sheet_label_is_in_indonesian(leran_client: Client) -> None:
    page = leran_client.get("/imports/new/").content.decode()
    assert "Lembar buku kerja (XLSX, opsional)" in page and "Sheet (" not in page


def test_the_template_has_the_headers_an_example_and_notes_and_imports_cleanly(
    leran_client: Client, world: Any, leran_operator: Any, var_dir: Path
) -> None:
    page = leran_client.get("/imports/new/").content.decode()
    assert 'href="/imports/template.xlsx" id="template-download"' in page
    response = leran_client.get("/imports/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Data", "Catatan"]
    data = list(book["Data"].iter_rows(values_only=True))
    assert data[0][:4] == ("NIK", "No KK", "Nama Lengkap", "Jenis Kelamin") and "Kode Desa" in data[0]
    assert data[1][0] == "3525101203850001" and "SINTETIS" in data[1][2]
    notes = [r for r in book["Catatan"].iter_rows(values_only=True) if r[0]]
    assert notes[0] == ("Kolom", "Wajib", "Yang ditulis") and len(notes) >= len(data[0])
    path = var_dir / "SINTETIS-template.xlsx"
    path.write_bytes(response.content)
    batch = run_import(path, village=world.leran, user=leran_operator, commit=False, is_synthetic=True)
    assert batch.status == "validated" and batch.rows_valid == 1, list(
        batch.issues.values_list("code", flat=True)
    )
    assert not batch.issues.filter(severity="error").exists()


def test_the_api_serves_the_template(leran_client: Client) -> None:
    response = leran_client.get("/api/v1/batches/template")
    assert response.status_code == 200 and response.content[:2] == b"PK"
