"""Events: invitations from an enrolment batch, attendance by NIK or invitation code (QR), rates, PDFs."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from jaring.accounts.scope import scope_for
from jaring.enrolment.models import EnrolmentBatch, EnrolmentStatus
from jaring.enrolment.services import can_edit
from jaring.events.models import Event, EventChange, Invitation

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper


class EventError(ValueError):
    """A request about an event that cannot be carried out, in both languages."""

    def __init__(self, code: str, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.code, self.message_id, self.message_en = code, message_id, message_en


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def log(obj: Any, action: str, *, actor: Any, via: str, after: Any = None) -> None:
    EventChange.objects.create(
        model=obj._meta.model_name, object_id=obj.pk, action=action, actor=_user(actor), via=via, after=after
    )


def events_for(user: Any) -> QuerySet[Event]:
    """Events of the programmes of a regency in or around the user's scope."""
    scope = scope_for(user)
    if not scope.can_see_aggregates:
        return Event.objects.none()
    return Event.objects.filter(programme__area__in=scope.areas()).select_related(
        "programme", "organiser", "funder", "village"
    )


def may_record(user: Any, event: Event) -> bool:
    """Programme officers and data stewards, and the operator of the event's village, record attendance."""
    scope = scope_for(user)
    return can_edit(user) or (
        scope.can_edit and event.village is not None and scope.covers_area(event.village)
    )


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def invite_from_batch(event: Event, batch: EnrolmentBatch, *, actor: Any, via: str) -> int:
    """Invite the registered persons of an enrolment batch (e.g. the CSR 50); the number newly invited."""
    if not can_edit(actor):
        raise PermissionDenied("Your role cannot invite / peran Anda tidak dapat mengundang")
    ids = set(
        batch.enrolments.filter(status=EnrolmentStatus.REGISTERED).values_list("person_id", flat=True)
    ) - set(event.invitations.values_list("person_id", flat=True))
    with transaction.atomic():
        Invitation.objects.bulk_create(
            [Invitation(event=event, person_id=i, code=new_code()) for i in sorted(ids)]
        )
        log(event, "invite", actor=actor, via=via, after={"batch": batch.reference, "invited": len(ids)})
    return len(ids)


def record_attendance(event: Event, text: str, *, actor: Any, via: str) -> dict[str, Any]:
    """Record one invitee's attendance from a scanned/typed invitation code or a NIK (idempotent)."""
    if not may_record(actor, event):
        raise PermissionDenied(
            "Your role cannot record attendance / peran Anda tidak dapat mencatat kehadiran"
        )
    value = re.sub(r"\s", "", text or "").upper()
    by = "nik" if re.fullmatch(r"\d{16}", value) else "qr"
    q = Q(person__nik=value) if by == "nik" else Q(code=value)
    inv = event.invitations.select_related("person", "person__village").filter(q).first()
    if inv is None:
        raise EventError(
            "not_invited",
            f"'{value}' tidak ada dalam daftar undangan acara ini",
            f"'{value}' is not on this event's invitation list",
        )
    already = inv.attended_at is not None
    if not already:
        inv.attended_at, inv.recorded_by, inv.recorded_via = timezone.now(), _user(actor), by
        inv.save(update_fields=["attended_at", "recorded_by", "recorded_via"])
        log(inv, "attend", actor=actor, via=via, after={"event": event.slug, "by": by})
    return {"name": inv.person.full_name, "village": inv.person.village.name, "by": by, "already": already}


def rates(event: Event) -> dict[str, Any]:
    """Invited, attended and the rate, for the event and per village."""
    rows = (
        event.invitations.values("person__village__code", "person__village__name")
        .annotate(invited=Count("id"), attended=Count("id", filter=Q(attended_at__isnull=False)))
        .order_by("person__village__code")
    )
    villages = [
        {
            "village": r["person__village__code"],
            "name": r["person__village__name"],
            "invited": r["invited"],
            "attended": r["attended"],
            "rate": round(r["attended"] / r["invited"], 3) if r["invited"] else None,
        }
        for r in rows
    ]
    invited = sum(v["invited"] for v in villages)
    attended = sum(v["attended"] for v in villages)
    return {
        "invited": invited,
        "attended": attended,
        "rate": round(attended / invited, 3) if invited else None,
        "villages": villages,
    }


def rates_by_event(events: list[Event]) -> dict[int, dict[str, int]]:
    """Invited and attended for many events in one query (the list page)."""
    out = {e.pk: {"invited": 0, "attended": 0} for e in events}
    rows = Invitation.objects.filter(event__in=[e.pk for e in events]).values("event_id")
    for r in rows.annotate(
        invited=Count("id"), attended=Count("id", filter=Q(attended_at__isnull=False))
    ).order_by():
        out[r["event_id"]] = {"invited": r["invited"], "attended": r["attended"]}
    return out


def programme_rates(programme: Any) -> dict[str, Any]:
    """Attendance over all events of a programme."""
    agg = Invitation.objects.filter(event__programme=programme).aggregate(
        invited=Count("id"), attended=Count("id", filter=Q(attended_at__isnull=False))
    )
    return {**agg, "rate": round(agg["attended"] / agg["invited"], 3) if agg["invited"] else None}


def event_json(event: Event, with_rates: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "slug": event.slug,
        "kind": event.kind,
        "title": event.title,
        "date": event.date.isoformat(),
        "place": event.place,
        "village": event.village.code if event.village else None,
        "organiser": event.organiser.name,
        "funder": event.funder.name if event.funder else None,
        "programme": event.programme.slug,
    }
    if with_rates:
        out["attendance"] = rates(event)
    return out


def _mask(nik: str) -> str:
    return nik[:4] + "•" * 8 + nik[-4:]


def _qr(code: str) -> str:
    import segno

    svg = segno.make(code, error="m").svg_inline(scale=3)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def sheet_pdf(event: Event, *, invitations: bool = False) -> bytes:
    """The printable attendance sheet (a signature column), or the invitations with their QR codes."""
    from weasyprint import HTML

    rows = list(event.invitations.select_related("person", "person__village").order_by("person__full_name"))
    context = {
        "event": event,
        "rows": [
            {"n": i, "inv": r, "nik": _mask(r.person.nik), "qr": _qr(r.code) if invitations else ""}
            for i, r in enumerate(rows, 1)
        ],
    }
    template = "events/invitations_pdf.html" if invitations else "events/sheet_pdf.html"
    return bytes(HTML(string=render_to_string(template, context)).write_pdf())
