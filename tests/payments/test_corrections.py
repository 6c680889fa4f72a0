"""A plan re-approved mid-year changes only unbilled months; a payment for a cancelled bill is reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jaring.payments import ledger, services, statements
from jaring.payments.models import Bill
from jaring.programmes import services as programme_services
from tests.enrolment.flow import approved_scenario, enrol_all, write_csv

JULY, AUG = dt.date(2025, 7, 1), dt.date(2025, 8, 1)


@pytest.mark.django_db
def test_a_plan_approved_again_changes_only_the_unbilled_months(world: Any, tmp_path: Path) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    enrol_all(world, sc, tmp_path, JULY)
    july = {b.payer_kind: b for b in services.issue_bills(sc.programme, JULY, actor=officer, via="t")}
    services.build_drafts(sc.programme, [AUG], actor=officer, via="t")
    assert Bill.objects.get(payer_kind="dbhcht", month=AUG).persons == 2
    # Version 2: one of DBHCHT's farmers is no longer covered at all.
    v1 = programme_services.approved_plans(sc.programme).first()
    arrays = programme_services.plan_arrays(v1)
    dropped = july["dbhcht"].lines.order_by("person_id").first().person_id
    assignment = arrays["assignment"].copy()
    assignment[list(arrays["person_ids"]).index(dropped), :] = -1
    v2 = programme_services.store_plan(
        sc.programme,
        person_ids=arrays["person_ids"],
        assignment=assignment,
        reasons=arrays["reasons"],
        months=v1.months,
        sources=v1.sources,
        summary=v1.summary,
        actor=officer,
        via="t",
    )
    assert programme_services.approve_plan(v2, actor=officer, via="t").version == 2
    result = services.build_drafts(sc.programme, [JULY, AUG], actor=officer, via="t")
    assert result["plan_version"] == 2
    july_bill = Bill.objects.get(pk=july["dbhcht"].pk)
    assert (july_bill.persons, july_bill.amount, july_bill.status, july_bill.plan.version) == (
        2,
        33_600,
        "issued",
        1,
    )
    aug = Bill.objects.get(payer_kind="dbhcht", month=AUG)
    assert (aug.persons, aug.amount, aug.plan.version) == (1, 16_800, 2)
    # The July correction is a credit note, never a silent rewrite.
    note = services.credit_note(july_bill, [dropped], "plan version 2", actor=officer, via="t")
    assert note is not None and services.due_of(july_bill) == 16_800
    assert ledger.check()["ok"]


@pytest.mark.django_db
def test_a_payment_for_a_cancelled_bill_is_reported_and_not_applied(world: Any, tmp_path: Path) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    enrol_all(world, sc, tmp_path, JULY)
    bill = next(
        b for b in services.issue_bills(sc.programme, JULY, actor=officer, via="t") if b.payer_kind == "csr"
    )
    services.cancel_bill(bill, "issued by mistake", actor=officer, via="t")
    path = write_csv(
        tmp_path / "s.csv", ["TANGGAL", "KODE_TAGIHAN", "JUMLAH"], [["2025-07-10", bill.reference, "16800"]]
    )
    report = statements.import_statement(path, actor=officer, via="t")
    assert report["counts"]["cancelled"] == 1 and report["cancelled"][0]["applied"] == 0
    bill.refresh_from_db()
    assert (bill.status, bill.paid_amount, bill.lines.count()) == ("cancelled", 0, 0)
    assert ledger.check()["ok"]


@pytest.mark.django_db
def test_a_debit_note_bills_a_person_the_plan_assigns_who_is_missing_from_an_issued_bill(
    world: Any, tmp_path: Path
) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    enrol_all(world, sc, tmp_path, JULY)
    bill = next(
        b
        for b in services.issue_bills(sc.programme, JULY, actor=officer, via="t")
        if b.payer_kind == "dbhcht"
    )
    person = bill.lines.first().person_id
    services.credit_note(bill, [person], "taken off by mistake", actor=officer, via="t")
    note = services.debit_note(bill, [person], "put back", actor=officer, via="t")
    assert note is not None and (note.kind, note.amount, note.persons) == ("debit", 16_800, 1)
    assert note.reference.endswith("-D2")
    assert services.debit_note(bill, [person], "again", actor=officer, via="t") is None  # already billed
    assert ledger.check()["ok"], ledger.check()["problems"]
