"""Bills per payer and month from the approved plan and the registered members; one ledger under them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from jaring.payments import ledger, services, statements
from jaring.payments.models import Bill, LedgerEntry
from tests.enrolment.flow import approved_scenario, enrol_all, write_csv

JULY, AUG, SEPT = dt.date(2025, 7, 1), dt.date(2025, 8, 1), dt.date(2025, 9, 1)
STATEMENT_HEADER = ["TANGGAL", "KODE_TAGIHAN", "JUMLAH", "NO_TRANSAKSI"]


def billed(world: Any, tmp: Path) -> Any:
    sc = approved_scenario(world)
    enrol_all(world, sc, tmp, JULY)
    enrol_all(world, sc, tmp, SEPT)
    return sc


@pytest.mark.django_db
def test_julys_bills_list_the_registered_persons_the_plan_assigns_each_payer(
    world: Any, tmp_path: Path
) -> None:
    sc = billed(world, tmp_path)
    officer = world.users["disnaker.officer"]
    issued = services.issue_bills(sc.programme, JULY, actor=officer, via="test")
    got = {b.payer_kind: (b.persons, b.amount, b.status) for b in issued}
    assert got == {"dbhcht": (2, 33_600, "issued"), "csr": (1, 16_800, "issued")}
    assert {b.reference for b in issued} == {"TAG-PLAN-2025-DBHCHT-202507", "TAG-PLAN-2025-CSR-202507"}
    assert all(b.due_date == dt.date(2025, 7, 15) for b in issued)
    # No APBD bill before September; from September the ojek driver is on it.
    services.issue_bills(sc.programme, SEPT, actor=officer, via="test")
    apbd = Bill.objects.get(payer_kind="apbd", month=SEPT)
    on_apbd = set(apbd.lines.values_list("person_id", flat=True))
    july = set(LedgerEntry.objects.filter(month=JULY).values_list("person_id", flat=True))
    assert sc.ojek.pk in on_apbd and len(on_apbd) == 3
    # DBHCHT keeps paying its two in September: nobody of July's DBHCHT bill moved to APBD.
    dbhcht_july = set(
        Bill.objects.get(payer_kind="dbhcht", month=JULY).lines.values_list("person_id", flat=True)
    )
    assert not on_apbd & dbhcht_july and dbhcht_july <= july
    assert ledger.check()["ok"]


@pytest.mark.django_db
def test_a_second_payer_for_the_same_person_month_is_refused_by_the_database(
    world: Any, tmp_path: Path
) -> None:
    sc = billed(world, tmp_path)
    officer = world.users["disnaker.officer"]
    services.issue_bills(sc.programme, JULY, actor=officer, via="test")
    line = LedgerEntry.objects.filter(month=JULY).select_related("bill").first()
    other = Bill.objects.exclude(pk=line.bill_id).filter(month=JULY).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            person_id=line.person_id, month=JULY, bill=other, source=other.source, amount=1
        )


@pytest.mark.django_db
def test_issued_bills_are_never_rewritten_and_a_death_gives_a_credit_note(world: Any, tmp_path: Path) -> None:
    sc = billed(world, tmp_path)
    officer = world.users["disnaker.officer"]
    services.build_drafts(sc.programme, actor=officer, via="test")
    services.issue_bills(sc.programme, AUG, actor=officer, via="test")
    dbhcht_aug = Bill.objects.get(payer_kind="dbhcht", month=AUG)
    person = dbhcht_aug.lines.first().person
    enrolment = person.enrolments.get()
    # The member died on 20 July: no bill from August, and August's issued bill gets a credit note.
    result = services.end_membership(enrolment, "died", dt.date(2025, 7, 20), actor=officer, via="test")
    assert result["ended_month"] == "2025-08" and len(result["credit_notes"]) == 1
    dbhcht_aug.refresh_from_db()
    assert (dbhcht_aug.amount, dbhcht_aug.persons) == (33_600, 2)  # the issued bill itself is unchanged
    assert services.due_of(dbhcht_aug) == 16_800
    later = Bill.objects.get(payer_kind="dbhcht", month=dt.date(2025, 10, 1))
    assert later.status == "draft" and later.persons == 1
    # Rebuilding the drafts keeps the issued month as it was.
    services.build_drafts(sc.programme, actor=officer, via="test")
    assert Bill.objects.get(payer_kind="dbhcht", month=AUG, kind="bill").amount == 33_600
    assert ledger.check()["ok"], ledger.check()["problems"]


@pytest.mark.django_db
def test_a_statement_reports_full_short_duplicate_and_unknown_and_reimport_changes_nothing(
    world: Any, tmp_path: Path
) -> None:
    sc = billed(world, tmp_path)
    officer = world.users["disnaker.officer"]
    services.issue_bills(sc.programme, JULY, actor=officer, via="test")
    path = write_csv(
        tmp_path / "statement.csv",
        STATEMENT_HEADER,
        [
            ["2025-07-10", "TAG-PLAN-2025-CSR-202507", "16.800", "T1"],
            ["2025-07-11", "TAG-PLAN-2025-CSR-202507", "16800", "T2"],
            ["2025-07-12", "TAG-PLAN-2025-DBHCHT-202507", "Rp 30.000", "T3"],
            ["2025-07-12", "TAG-NOPE", "5000", "T4"],
        ],
    )
    report = statements.import_statement(path, actor=officer, via="test")
    assert report["counts"] == {
        "full": 1,
        "short": 1,
        "over": 0,
        "duplicate": 1,
        "unknown": 1,
        "cancelled": 0,
    }
    csr = Bill.objects.get(reference="TAG-PLAN-2025-CSR-202507")
    dbhcht = Bill.objects.get(reference="TAG-PLAN-2025-DBHCHT-202507")
    assert (csr.status, csr.paid_amount, dbhcht.status, dbhcht.paid_amount) == (
        "paid",
        16_800,
        "partly_paid",
        30_000,
    )
    again = statements.import_statement(path, actor=officer, via="test")
    assert again["already_imported"] and again["changed"] == 0
    csr.refresh_from_db()
    assert csr.paid_amount == 16_800
    services.reconcile(csr, actor=officer, via="test")
    result = ledger.check()
    assert result["ok"], result["problems"]
    assert result["totals"]["reconciled_bills"] == result["totals"]["reconciled_payments"] == 16_800


@pytest.mark.django_db
def test_a_person_month_moved_to_another_payer_by_credit_and_debit_notes_keeps_one_payer(
    world: Any, tmp_path: Path
) -> None:
    sc = billed(world, tmp_path)
    officer = world.users["disnaker.officer"]
    services.issue_bills(sc.programme, SEPT, actor=officer, via="test")
    apbd = Bill.objects.get(payer_kind="apbd", month=SEPT)
    dbhcht = Bill.objects.get(payer_kind="dbhcht", month=SEPT)
    person = dbhcht.lines.first().person_id
    note = services.credit_note(dbhcht, [person], "wrong payer", actor=officer, via="test")
    assert note is not None and note.amount == -16_800 and note.reference.endswith("-K1")
    # The credited row stays (history) but no longer holds the person-month: another payer may take it.
    line = LedgerEntry.objects.get(person_id=person, month=SEPT)
    assert line.credited_by_id == note.pk
    LedgerEntry.objects.create(person_id=person, month=SEPT, bill=apbd, source=apbd.source, amount=16_800)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(person_id=person, month=SEPT, bill=apbd, source=apbd.source, amount=1)
    # The hand-written row makes the APBD bill disagree with its ledger: the check says so.
    problems = ledger.check()["problems"]
    assert {p["code"] for p in problems} == {"bill_ledger", "total"}
