"""REST endpoints of events (mounted under /api/v1/events)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from jaring.events import services

router = Router(tags=["events"])


class EventOut(Schema):
    slug: str
    kind: str
    title: str
    date: str
    place: str
    village: str | None
    organiser: str
    funder: str | None
    programme: str
    attendance: dict[str, Any]


class AttendanceIn(Schema):
    code: str


class AttendanceOut(Schema):
    name: str
    village: str
    by: str
    already: bool


class EventErrorOut(Schema):
    detail: str
    code: str


@router.get("", response=list[EventOut])
def list_events(request: HttpRequest) -> Any:
    """Events you may see, with their attendance."""
    return [services.event_json(e) for e in services.events_for(request.user)]


@router.get("/{slug}", response=EventOut)
def show_event(request: HttpRequest, slug: str) -> Any:
    event = services.events_for(request.user).filter(slug=slug).first()
    if event is None:
        raise Http404("Not found / tidak ditemukan")
    return services.event_json(event)


@router.post("/{slug}/attendance", response={200: AttendanceOut, 422: EventErrorOut})
def record(request: HttpRequest, slug: str, data: AttendanceIn) -> Any:
    """Record an invitee's attendance by invitation code (QR) or NIK."""
    event = services.events_for(request.user).filter(slug=slug).first()
    if event is None:
        raise Http404("Not found / tidak ditemukan")
    try:
        return services.record_attendance(event, data.code, actor=request.user, via="api")
    except services.EventError as exc:
        return Status(422, {"detail": f"{exc.message_id} / {exc.message_en}", "code": exc.code})
