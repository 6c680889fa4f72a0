"""Demo stage of events: the premium-handover ceremony in Desa Leran in the third week of July 2025 with
the CSR 50 invited and their attendance (44 present: half by the invitation's QR code, half by NIK), and a
training on the Gresik Kerja job platform and social-security benefits in August. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jaring.enrolment.models import EnrolmentBatch
from jaring.events import services
from jaring.events.models import Event

CEREMONY = "serah-terima-premi-leran-2025-07"
TRAINING = "pelatihan-gresik-kerja-2025-08"
PRESENT = 44


def seed_demo(report: Any, say: Callable[[str], None]) -> dict[str, Any]:
    """Create the two events, invite the CSR 50, record the ceremony's attendance (once)."""
    world = report.world
    officer = world.users["disnaker.officer"]
    batch = EnrolmentBatch.objects.get(reference="ENR-GRESIK-2025-CSR-PETROKIMIA-202507")
    specs = [
        (
            CEREMONY,
            "handover",
            "Penyerahan premi BPJS Ketenagakerjaan untuk 50 pekerja rentan Desa Leran",
            dt.date(2025, 7, 17),
            "Balai Desa Leran, Kecamatan Manyar",
            "petrokimia-gresik",
        ),
        (
            TRAINING,
            "training",
            "Pelatihan Gresik Kerja dan manfaat jaminan sosial ketenagakerjaan",
            dt.date(2025, 8, 7),
            "Balai Desa Leran, Kecamatan Manyar",
            None,
        ),
    ]
    for slug, kind, title, date, place, funder in specs:
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            event = Event.objects.create(
                slug=slug,
                kind=kind,
                title=title,
                date=date,
                place=place,
                village=world.leran,
                organiser=world.organisations["disnaker-gresik"],
                funder=world.organisations[funder] if funder else None,
                programme=batch.programme,
                notes="Demo event (SINTETIS invitees).",
            )
            services.log(event, "create", actor=officer, via="demo")
        services.invite_from_batch(event, batch, actor=officer, via="demo")
    ceremony = Event.objects.get(slug=CEREMONY)
    if not ceremony.invitations.filter(attended_at__isnull=False).exists():
        for i, inv in enumerate(
            ceremony.invitations.select_related("person").order_by("person__nik")[:PRESENT]
        ):
            services.record_attendance(
                ceremony, inv.code if i % 2 else inv.person.nik, actor=officer, via="demo"
            )
    rates = services.rates(ceremony)
    say(f"Event {CEREMONY}: {rates['invited']} invited, {rates['attended']} attended ({ceremony.date})")
    return {"ceremony": CEREMONY, "invited": rates["invited"], "attended": rates["attended"]}
