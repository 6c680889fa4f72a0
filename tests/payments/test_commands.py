"""The scripted interfaces: jaring enrol export/answer, bills, bills issue, payments import, ledger check."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jaring.enrolment.models import EnrolmentBatch
from jaring.payments.models import LedgerEntry
from tests.enrolment.flow import ANSWER_HEADER, answer_rows, approved_scenario, write_csv


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_commands_script_enrol_answer_bill_pay_and_check(world: Any, tmp_path: Path) -> None:
    sc = approved_scenario(world)
    slug = sc.programme.slug
    out = tmp_path / "csr.csv"
    exported = json.loads(
        run(
            "enrol",
            "export",
            "--programme",
            slug,
            "--payer",
            "csr",
            "--month",
            "2025-07",
            "--out",
            str(out),
            "--json",
        )
    )
    assert exported["persons"] == 1 and out.read_text().startswith("REFERENSI_BATCH,NIK,")
    answer = write_csv(tmp_path / "a.csv", ANSWER_HEADER, answer_rows(EnrolmentBatch.objects.get()))
    assert json.loads(run("enrol", "answer", str(answer), "--json"))["registered"] == 1
    bad = write_csv(tmp_path / "bad.csv", ANSWER_HEADER, [["ENR-X", "1", "?", "", "", ""]])
    with pytest.raises(CommandError, match="refused whole"):
        run("enrol", "answer", str(bad))
    issued = json.loads(
        run(
            "bills",
            "issue",
            "--programme",
            slug,
            "--month",
            "2025-07",
            "--user",
            "disnaker.officer",
            "--json",
        )
    )
    assert [(b["payer_kind"], b["amount"]) for b in issued] == [("csr", 16_800)]
    listed = json.loads(run("bills", "--programme", slug, "--payer", "csr", "--month", "2025-07", "--json"))
    assert listed == [{**issued[0]}] and isinstance(listed[0]["amount"], int)
    statement = write_csv(
        tmp_path / "s.csv",
        ["TANGGAL", "KODE_TAGIHAN", "JUMLAH"],
        [["2025-07-09", issued[0]["reference"], "20000"], ["2025-07-09", "NOPE", "1"]],
    )
    report = json.loads(run("payments", "import", str(statement), "--json"))
    assert (
        report["counts"]["over"] == 1
        and report["counts"]["unknown"] == 1
        and report["unknown"][0]["reference"] == "NOPE"
    )
    assert json.loads(run("ledger", "check", "--json"))["ok"] is True
    # A ledger row changed behind the bill's back: the check fails with exit 1.
    LedgerEntry.objects.update(amount=1)
    with pytest.raises(SystemExit) as exited:
        run("ledger", "check")
    assert exited.value.code == 1
    with pytest.raises(CommandError, match="no programme"):
        run("bills", "--programme", "nope")
