"""The demo tells the story: July's CSR 50 registered and billed Rp840,000 a month for July-September,
paid and reconciled (Rp2,520,000); APBD billed from September; DBHCHT for tobacco-sector workers; a
statement with a short payment and a duplicate; the handover ceremony in Desa Leran. Twice: no change."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from jaring.core.world import LERAN
from jaring.enrolment.models import EnrolmentBatch, EnrolmentChange
from jaring.events.models import Event, Invitation
from jaring.payments import ledger
from jaring.payments.models import Bill, LedgerEntry, Payment, PaymentChange, Statement

TOBACCO = {"tobacco_farmer", "tobacco_farm_labourer", "cigarette_factory_worker"}


def _counts() -> tuple[int, ...]:
    models = (Bill, LedgerEntry, Payment, Statement, PaymentChange, EnrolmentChange, Invitation)
    return tuple(m.objects.count() for m in models)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_enrols_bills_pays_and_reconciles_the_csr_50_and_holds_the_ceremony(
    tmp_path: Any, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    call_command("demo", stdout=StringIO())
    csr_batch = EnrolmentBatch.objects.get(reference="ENR-GRESIK-2025-CSR-PETROKIMIA-202507")
    registered = csr_batch.enrolments.filter(status="registered")
    assert registered.count() == 50
    assert set(registered.values_list("person__village__code", flat=True)) == {LERAN}
    csr = Bill.objects.filter(source__slug="csr-petrokimia", kind="bill").order_by("month")
    assert [(f"{b.month:%Y-%m}", b.persons, b.amount, b.paid_amount, b.status) for b in csr] == [
        (m, 50, 840_000, 840_000, "reconciled") for m in ("2025-07", "2025-08", "2025-09")
    ]
    assert sum(b.amount for b in csr) == 2_520_000
    apbd = Bill.objects.filter(payer_kind="apbd").order_by("month")
    assert apbd.first().month == dt.date(2025, 9, 1)
    dbhcht_people = LedgerEntry.objects.filter(source__slug="dbhcht")
    assert set(dbhcht_people.values_list("person__occupation__slug", flat=True)) <= TOBACCO
    assert Bill.objects.get(payer_kind="dbhcht", month=dt.date(2025, 7, 1)).persons == 1808
    report = Statement.objects.get().counts
    assert (report["counts"]["short"], report["counts"]["duplicate"]) == (1, 1)
    assert report["duplicate"][0]["reference"] == "TAG-GRESIK-2025-CSR-PETROKIMIA-202507"
    check = ledger.check()
    assert check["ok"], check["problems"][:3]
    event = Event.objects.get(kind="handover")
    assert event.village.code == LERAN and 15 <= event.date.day <= 21 and event.date.month == 7
    assert set(event.invitations.values_list("person_id", flat=True)) == set(
        registered.values_list("person_id", flat=True)
    )
    assert event.invitations.filter(attended_at__isnull=False).count() == 44
    before = _counts()
    call_command("demo", stdout=StringIO())
    assert _counts() == before
