"""The corpus of bad BPJS answer files and payment statements: each refused whole, with a clear error in
both languages, and nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jaring.enrolment import answers, services
from jaring.enrolment.models import AnswerImport, Enrolment, EnrolmentChange
from jaring.payments import services as bill_services
from jaring.payments import statements
from jaring.payments.models import Bill, Payment, PaymentChange, Statement
from tests.enrolment.flow import approved_scenario, enrol_all

DATA = Path(__file__).resolve().parents[1] / "data"
JULY = dt.date(2025, 7, 1)

BAD_ANSWERS = {
    "empty.csv": "file",
    "header_only.csv": "file",
    "fake.xlsx": "file",
    "binary.csv": "file",
    "no_nik_column.csv": "missing_column",
    "bad_nik.csv": "bad_nik",
    "unknown_reference.csv": "unknown_reference",
    "unmatched_nik.csv": "unmatched",
    "bad_status.csv": "bad_status",
    "bad_status.xlsx.csv": "bad_status",
    "missing_kpj.csv": "missing_kpj",
    "bad_kpj.csv": "bad_kpj",
    "bad_date.csv": "bad_date",
    "missing_date.csv": "missing_date",
    "date_outside.csv": "date_outside",
    "missing_reason.csv": "missing_reason",
    "duplicate.csv": "duplicate",
    "conflict_in_file.csv": "conflict_in_file",
    "kpj_taken.csv": "kpj_taken",
    "one_good_one_bad.csv": "bad_date",
}
BAD_STATEMENTS = {
    "empty.csv": "file",
    "fake.xlsx": "file",
    "no_amount_column.csv": "missing_column",
    "missing_reference.csv": "missing_reference",
    "bad_amount.csv": "bad_amount",
    "bad_amount.xlsx.csv": "bad_amount",
    "cents.csv": "bad_amount",
    "zero.csv": "not_positive",
    "negative.csv": "not_positive",
    "bad_date.csv": "bad_date",
    "future_date.csv": "future_date",
    "one_good_one_bad.csv": "bad_amount",
}


def render(template: Path, out_dir: Path, values: dict[str, str]) -> Path:
    """The corpus file with its placeholders filled; ``x.xlsx.csv`` becomes the workbook ``x.xlsx``."""
    data = template.read_bytes()
    for key, value in values.items():
        data = data.replace(("{" + key + "}").encode(), value.encode())
    if template.name.endswith(".xlsx.csv"):
        import io

        out = out_dir / template.name.removesuffix(".csv")
        pl.read_csv(io.BytesIO(data), infer_schema=False).write_excel(out)
        return out
    out = out_dir / template.name
    out.write_bytes(data)
    return out


def test_the_corpus_holds_at_least_fifteen_kinds_of_bad_files() -> None:
    assert len(set(BAD_ANSWERS.values()) | {"conflict"}) >= 15
    assert len(set(BAD_STATEMENTS.values())) >= 7
    on_disk = {p.name for p in (DATA / "enrolment" / "bad_answers").iterdir()}
    assert on_disk == set(BAD_ANSWERS)
    assert {p.name for p in (DATA / "payments" / "bad_statements").iterdir()} == set(BAD_STATEMENTS)


@pytest.mark.django_db
def test_every_bad_answer_file_is_refused_whole_with_its_error_and_nothing_written(
    world: Any, tmp_path: Path
) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    batch = services.create_batch(
        sc.programme, services.source_for(sc.programme, "dbhcht"), JULY, actor=officer, via="t"
    )
    services.export_batch(batch, tmp_path / "out.csv", actor=officer, via="t")
    nik1, nik2 = batch.enrolments.order_by("person__nik").values_list("person__nik", flat=True)
    values = {"REF": batch.reference, "NIK1": nik1, "NIK2": nik2}
    statuses = list(Enrolment.objects.order_by("pk").values_list("status", "kpj"))
    changes = EnrolmentChange.objects.count()
    for name, code in BAD_ANSWERS.items():
        path = render(DATA / "enrolment" / "bad_answers" / name, tmp_path, values)
        with pytest.raises(answers.AnswerRefused) as caught:
            answers.import_answer(path, actor=officer, via="t")
        report = caught.value.report()
        codes = {p["code"] for p in report["problems"]}
        assert code in codes, (name, codes)
        assert all(
            p["message_id"] and p["message_en"] and p["message_id"] != p["message_en"]
            for p in report["problems"]
        ), name
        assert list(Enrolment.objects.order_by("pk").values_list("status", "kpj")) == statuses, name
        assert EnrolmentChange.objects.count() == changes and not AnswerImport.objects.exists(), name


@pytest.mark.django_db
def test_an_answer_that_contradicts_an_applied_one_is_a_conflict(world: Any, tmp_path: Path) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    (batch, *_) = enrol_all(world, sc, tmp_path, JULY)
    e = batch.enrolments.select_related("person").first()
    path = tmp_path / "again.csv"
    path.write_text(f"REFERENSI_BATCH,NIK,STATUS,ALASAN\n{batch.reference},{e.person.nik},DITOLAK,salah\n")
    with pytest.raises(answers.AnswerRefused) as caught:
        answers.import_answer(path, actor=officer, via="t")
    assert [p["code"] for p in caught.value.report()["conflicting"]] == ["conflict"]


@pytest.mark.django_db
def test_every_bad_statement_is_refused_whole_with_the_lines_named_and_nothing_written(
    world: Any, tmp_path: Path
) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    enrol_all(world, sc, tmp_path, JULY)
    (bill, *_) = bill_services.issue_bills(sc.programme, JULY, actor=officer, via="t")
    before = list(Bill.objects.order_by("pk").values_list("status", "paid_amount"))
    changes = PaymentChange.objects.count()
    for name, code in BAD_STATEMENTS.items():
        path = render(DATA / "payments" / "bad_statements" / name, tmp_path, {"REF": bill.reference or ""})
        with pytest.raises(statements.StatementRefused) as caught:
            statements.import_statement(path, actor=officer, via="t")
        problems = caught.value.problems
        assert code in {p["code"] for p in problems}, (name, problems)
        assert all(p["message_id"] and p["message_en"] for p in problems)
        if code not in ("file", "missing_column"):
            assert all(p["line"] >= 2 for p in problems), name
        assert list(Bill.objects.order_by("pk").values_list("status", "paid_amount")) == before, name
        assert not Statement.objects.exists() and not Payment.objects.exists(), name
        assert PaymentChange.objects.count() == changes, name
