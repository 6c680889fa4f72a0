"""Web pages of events: the list, an event with its attendance rates, the phone/tablet attendance page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jaring.accounts.scope import scope_for
from jaring.events import services
from jaring.events.forms import AttendanceForm
from jaring.events.models import Event


def _event(request: HttpRequest, slug: str) -> Event:
    found = services.events_for(request.user).filter(slug=slug).first()
    if found is None:
        raise Http404(_("Event not found"))
    return found


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_see_aggregates:
        raise PermissionDenied(_("Your role does not see events."))
    found = list(services.events_for(request.user))
    counts = services.rates_by_event(found)
    events = [(e, counts[e.pk]) for e in found]
    return render(request, "events/event_list.html", {"events": events})


@login_required
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The event, attendance per village, and (for roles that read persons) the invitees in scope."""
    event = _event(request, slug)
    scope = scope_for(request.user)
    invitees = (
        event.invitations.filter(scope._village_q("person__village", by_id=True)).select_related(
            "person", "person__village"
        )
        if scope.can_read_personal_data
        else None
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "rates": services.rates(event),
            "programme_rates": services.programme_rates(event.programme),
            "invitees": invitees.order_by("person__full_name") if invitees is not None else None,
            "may_record": services.may_record(request.user, event),
        },
    )


@login_required
def record(request: HttpRequest, slug: str) -> HttpResponse:
    """The attendance page for a phone or tablet: a scanned invitation code (QR) or a typed NIK."""
    event = _event(request, slug)
    if not services.may_record(request.user, event):
        raise PermissionDenied(_("Your role cannot record attendance."))
    form = AttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.record_attendance(event, form.cleaned_data["code"], actor=request.user, via="web")
            text = (
                _("%(name)s (%(village)s) is recorded as present.")
                if not done["already"]
                else _("%(name)s (%(village)s) was already recorded.")
            )
            messages.success(request, text % done)
        except services.EventError as exc:
            messages.error(
                request, exc.message_id if (get_language() or "id").startswith("id") else exc.message_en
            )
        return redirect("events:record", slug=event.slug)
    return render(
        request, "events/record.html", {"event": event, "form": form, "rates": services.rates(event)}
    )


@login_required
def sheet(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """The attendance sheet (signature column) or the invitations (QR codes), as PDF."""
    event = _event(request, slug)
    if not scope_for(request.user).can_read_personal_data:
        raise PermissionDenied(_("Your role does not see the invitees."))
    body = services.sheet_pdf(event, invitations=kind == "invitations")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-{kind}.pdf"'
    return response
