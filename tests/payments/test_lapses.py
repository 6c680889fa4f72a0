"""Lapses: unpaid after the due date is at risk; more than 3 unpaid months ends the membership, stops the
bills and tells the next plan run; the JKM warning for a 3-month sponsorship."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jaring.enrolment import services as enrolment_services
from jaring.enrolment.models import Enrolment, MembershipRule
from jaring.payments import lapses, services
from jaring.payments.models import Bill, LedgerEntry
from jaring.registry.models import Person, PersonChange
from tests.enrolment.flow import approved_scenario, enrol_all

JULY = dt.date(2025, 7, 1)


@pytest.mark.django_db
def test_unpaid_months_put_members_at_risk_and_more_than_three_end_the_membership(
    world: Any, tmp_path: Path
) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    enrol_all(world, sc, tmp_path, JULY)
    for m in (7, 8, 9, 10):
        services.issue_bills(sc.programme, dt.date(2025, m, 1), actor=officer, via="t")
    services.build_drafts(sc.programme, [dt.date(2025, 11, 1), dt.date(2025, 12, 1)], actor=officer, via="t")
    early = lapses.states(sc.programme, dt.date(2025, 7, 20))
    billed_in_july = set(LedgerEntry.objects.filter(month=JULY).values_list("person_id", flat=True))
    assert set(early["at_risk"]) == billed_in_july and len(billed_in_july) == 3 and not early["ended"]
    assert all(v["months"] == 1 for v in early["at_risk"].values())
    late = lapses.states(sc.programme, dt.date(2025, 11, 1))
    assert late["ended"] and all(v["months"] == 4 for v in late["ended"].values())
    ended = lapses.apply_lapses(sc.programme, dt.date(2025, 11, 1), actor=officer, via="t")
    assert set(ended) == set(late["ended"])
    e = Enrolment.objects.get(person_id=ended[0])
    assert (e.ended_month, e.end_reason) == (dt.date(2025, 11, 1), "lapsed")
    # No bill from November; the person is a lapsed member for the next plan run, in the change log.
    assert not LedgerEntry.objects.filter(person_id=ended[0], month__gte=dt.date(2025, 11, 1)).exists()
    assert Person.objects.get(pk=ended[0]).bpjs_status == "lapsed"
    assert PersonChange.objects.filter(person_id=ended[0], action="update").exists()
    nov = Bill.objects.filter(month=dt.date(2025, 11, 1), status="draft")
    assert all(b.persons == b.lines.count() for b in nov)
    # Applying again changes nothing.
    assert lapses.apply_lapses(sc.programme, dt.date(2025, 11, 1), actor=officer, via="t") == []


@pytest.mark.django_db
def test_a_three_month_sponsorship_shows_the_jkm_warning_with_its_source(world: Any) -> None:
    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    csr = enrolment_services.source_for(sc.programme, "csr")
    batch = enrolment_services.create_batch(sc.programme, csr, JULY, actor=officer, via="t")
    (warning,) = enrolment_services.membership_warnings(batch)
    assert warning["rule"] == "jkm-full-benefit" and warning["payer_months"] == 3
    assert warning["verified"] is False and "DOMAIN.md" in warning["source"]
    page = _client(officer).get(f"/enrolment/{batch.reference}/").content.decode()
    assert "full JKM death benefit" in page and "unverified" in page
    # The rule is data: without it, no warning.
    MembershipRule.objects.all().delete()
    assert enrolment_services.membership_warnings(batch) == []


def _client(user: Any) -> Any:
    from django.test import Client

    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_a_dedup_merge_or_a_move_out_of_the_regency_stops_bills_from_the_next_month(
    world: Any, tmp_path: Path
) -> None:
    from django.core.management import call_command

    from jaring.geo.models import Area

    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    enrol_all(world, sc, tmp_path, JULY)
    services.build_drafts(sc.programme, actor=officer, via="t")
    merged, moved, died = (e.person for e in Enrolment.objects.filter(status="registered").order_by("pk")[:3])
    Person.objects.filter(pk=merged.pk).update(merged_into=moved)
    elsewhere = Area.objects.villages().exclude(code__startswith="35.25.").first()
    if elsewhere is None:  # the test world loads Gresik only: make a village of another regency
        elsewhere = Area.objects.create(code="35.24.01.2001", name="Desa Lain", level=4)
    Person.objects.filter(pk=moved.pk).update(village=elsewhere)
    counts = lapses.sync_registry(sc.programme, dt.date(2025, 8, 10), actor=officer, via="t")
    assert counts == {"merged": 1, "moved": 1}
    call_command(
        "enrol",
        "end",
        "--programme",
        sc.programme.slug,
        "--nik",
        died.nik,
        "--reason",
        "died",
        "--on",
        "2025-08-03",
        "--user",
        "disnaker.officer",
    )
    for person, reason in ((merged, "merged"), (moved, "moved"), (died, "died")):
        e = Enrolment.objects.get(person=person)
        assert (e.ended_month, e.end_reason) == (dt.date(2025, 9, 1), reason)
        assert not LedgerEntry.objects.filter(person=person, month__gte=dt.date(2025, 9, 1)).exists()
        assert LedgerEntry.objects.filter(person=person, month=dt.date(2025, 8, 1)).exists()
