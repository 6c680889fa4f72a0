"""From an approved plan to registered members: batches per payer and start month, export, BPJS's answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jaring.enrolment import answers, services
from jaring.enrolment.models import Enrolment, EnrolmentChange
from tests.enrolment.flow import ANSWER_HEADER, answer_rows, approved_scenario, write_csv

JULY = dt.date(2025, 7, 1)


@pytest.mark.django_db
def test_the_programme_officer_exports_julys_csr_batch_and_bpjs_registers_it(
    world: Any, tmp_path: Path
) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    csr = services.source_for(sc.programme, "csr")
    batch = services.create_batch(sc.programme, csr, JULY, actor=officer, via="test")
    assert batch.persons == 1 and batch.reference == "ENR-PLAN-2025-CSR-202507"
    # The same request again gives the same batch, not a second one.
    assert services.create_batch(sc.programme, csr, JULY, actor=officer, via="test").pk == batch.pk
    out = tmp_path / "csr.xlsx"
    result = services.export_batch(batch, out, actor=officer, via="test")
    assert result == {"batch": batch.reference, "persons": 1, "sent": 1, "file": str(out)}
    sheet = pl.read_excel(out, schema_overrides={"NIK": pl.String})
    assert sheet.columns[:4] == ["REFERENSI_BATCH", "NIK", "NAMA_LENGKAP", "TANGGAL_LAHIR"]
    assert sheet["NIK"][0] in {p.nik for p in sc.fishers} and sheet["PENGHASILAN"][0] == "1000000"
    path = write_csv(tmp_path / "answer.csv", ANSWER_HEADER, answer_rows(batch))
    report = answers.import_answer(path, actor=officer, via="test")
    assert (report["applied"], report["registered"], report["changed"]) == (True, 1, 1)
    e = Enrolment.objects.get(batch=batch)
    assert (e.status, e.kpj, e.start_date) == ("registered", "25070000000", JULY)
    assert list(
        EnrolmentChange.objects.filter(model="enrolment", object_id=e.pk).values_list("action", flat=True)
    ) == ["answer", "sent"]
    # Re-importing the same file changes nothing.
    again = answers.import_answer(path, actor=officer, via="test")
    assert again["already_imported"] and again["changed"] == 0


@pytest.mark.django_db
def test_a_person_already_enrolled_is_not_listed_in_a_later_batch(world: Any) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    dbhcht = services.source_for(sc.programme, "dbhcht")
    first = services.create_batch(sc.programme, dbhcht, JULY, actor=officer, via="test")
    assert first.persons == 2
    apbd = services.source_for(sc.programme, "apbd")
    sept = services.create_batch(sc.programme, apbd, dt.date(2025, 9, 1), actor=officer, via="test")
    ids = set(sept.enrolments.values_list("person_id", flat=True))
    assert sc.ojek.pk in ids and not ids & set(first.enrolments.values_list("person_id", flat=True))


@pytest.mark.django_db
def test_a_sponsor_cannot_enrol(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    sc = approved_scenario(world)
    csr = services.source_for(sc.programme, "csr")
    with pytest.raises(PermissionDenied):
        services.create_batch(sc.programme, csr, JULY, actor=world.users["petrokimia.sponsor"], via="test")
