"""Events: invitations from an enrolment batch, attendance by QR code or NIK, rates, the printed sheet;
the village's operator records attendance, another village's operator cannot, a sponsor sees rates only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from jaring.events import services
from jaring.events.models import Event
from tests.enrolment.flow import approved_scenario, enrol_all


def ceremony(world: Any, tmp: Path) -> tuple[Any, Event]:
    sc = approved_scenario(world)
    batches = enrol_all(world, sc, tmp, dt.date(2025, 7, 1))
    event = Event.objects.create(
        slug="handover",
        kind="handover",
        title="Serah terima premi",
        date=dt.date(2025, 7, 17),
        place="Balai Desa Leran",
        village=world.leran,
        organiser=world.organisations["disnaker-gresik"],
        funder=world.organisations["petrokimia-gresik"],
        programme=sc.programme,
    )
    for b in batches:
        services.invite_from_batch(event, b, actor=world.users["disnaker.officer"], via="t")
    return sc, event


@pytest.mark.django_db
def test_attendance_by_qr_code_or_nik_is_recorded_once_and_counted_per_village(
    world: Any, tmp_path: Path
) -> None:
    sc, event = ceremony(world, tmp_path)
    officer = world.users["disnaker.officer"]
    assert event.invitations.count() == 3  # the CSR fisherman and the two DBHCHT tobacco farmers
    first = event.invitations.select_related("person").first()
    assert services.record_attendance(event, first.code.lower(), actor=officer, via="t")["by"] == "qr"
    again = services.record_attendance(event, first.person.nik, actor=officer, via="t")
    assert again["already"] is True and again["by"] == "nik"
    with pytest.raises(services.EventError) as caught:
        services.record_attendance(event, "ZZZZZZZZ", actor=officer, via="t")
    assert caught.value.code == "not_invited" and "tidak ada" in caught.value.message_id
    rates = services.rates(event)
    assert (rates["invited"], rates["attended"], rates["rate"]) == (3, 1, 0.333)
    assert rates["villages"] == [
        {"village": world.leran.code, "name": world.leran.name, "invited": 3, "attended": 1, "rate": 0.333}
    ]
    # A second invitation run adds nobody twice.
    assert (
        services.invite_from_batch(event, sc.programme.enrolment_batches.first(), actor=officer, via="t") == 0
    )


@pytest.mark.django_db
def test_the_villages_operator_records_attendance_on_the_phone_page_and_others_cannot(
    world: Any, tmp_path: Path
) -> None:
    _, event = ceremony(world, tmp_path)
    inv = event.invitations.select_related("person").first()
    leran = Client(HTTP_ACCEPT_LANGUAGE="en")
    leran.force_login(world.users["operator.leran"])
    r = leran.post(f"/events/{event.slug}/record/", {"code": inv.code}, follow=True)
    assert "is recorded as present" in r.content.decode()
    inv.refresh_from_db()
    assert inv.attended_at is not None and inv.recorded_via == "qr"
    with pytest.raises(PermissionDenied):
        services.record_attendance(event, inv.code, actor=world.users["operator.gumeno"], via="t")
    sponsor = Client()
    sponsor.force_login(world.users["petrokimia.sponsor"])
    page = sponsor.get(f"/events/{event.slug}/").content.decode()
    assert inv.person.full_name not in page and 'id="event-rate"' in page
    assert sponsor.get(f"/events/{event.slug}/sheet.pdf").status_code == 403


@pytest.mark.django_db
def test_the_attendance_sheet_and_the_invitations_print_as_pdf(world: Any, tmp_path: Path) -> None:
    from django.template.loader import render_to_string

    _, event = ceremony(world, tmp_path)
    officer = Client()
    officer.force_login(world.users["disnaker.officer"])
    sheet = officer.get(f"/events/{event.slug}/sheet.pdf")
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")
    rows = [{"n": 1, "inv": event.invitations.first(), "nik": "3525••••••••0001", "qr": ""}]
    from django.utils import translation

    with translation.override("id"):
        html = render_to_string("events/sheet_pdf.html", {"event": event, "rows": rows})
    assert "Tanda tangan" in html and "Daftar hadir" in html and "SINTETIS" in html
    invitations = services.sheet_pdf(event, invitations=True)
    assert invitations.startswith(b"%PDF") and len(invitations) > 2000
    api = officer.get("/api/v1/events").json()
    assert api[0]["attendance"]["invited"] == 3 and api[0]["funder"] == "PT Petrokimia Gresik"
