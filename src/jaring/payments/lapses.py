"""Lapses: a member whose month is unpaid after its due date is at risk; after more than 3 unpaid months
the membership has ended (BPU rule, DOMAIN.md §7), which stops bills and marks the person ``lapsed`` so
the next plan run treats them as not a member."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Min

from jaring.enrolment.models import EndReason, Enrolment, EnrolmentStatus
from jaring.payments.models import BillKind, BillStatus, LedgerEntry
from jaring.programmes.models import Programme

# More than this many unpaid months ends a BPU membership (DOMAIN.md §7).
MAX_UNPAID_MONTHS = 3


def unpaid(programme: Programme, today: dt.date, persons: Any = None) -> dict[int, dict[str, Any]]:
    """Per registered member with an unpaid month past its due date: count, first and last such month."""
    rows = LedgerEntry.objects.filter(
        bill__programme=programme,
        bill__kind=BillKind.BILL,
        bill__status__in=[BillStatus.ISSUED, BillStatus.PARTLY_PAID],
        bill__due_date__lt=today,
        credited_by__isnull=True,
    )
    if persons is not None:
        rows = rows.filter(person__in=persons)
    return {
        r["person_id"]: {"months": r["n"], "first": r["first"], "last": r["last"]}
        for r in rows.values("person_id")
        .annotate(n=Count("id"), first=Min("month"), last=Max("month"))
        .order_by()
    }


def states(programme: Programme, today: dt.date | None = None, persons: Any = None) -> dict[str, Any]:
    """Members at risk (1-3 unpaid months) and whose membership ended (more than 3), as of ``today``."""
    today = today or dt.date.today()
    found = unpaid(programme, today, persons)
    at_risk = {p: v for p, v in found.items() if v["months"] <= MAX_UNPAID_MONTHS}
    ended = {p: v for p, v in found.items() if v["months"] > MAX_UNPAID_MONTHS}
    return {"as_of": today.isoformat(), "at_risk": at_risk, "ended": ended}


def apply_lapses(programme: Programme, today: dt.date | None = None, *, actor: Any, via: str) -> list[int]:
    """End memberships with more than 3 unpaid months (no bills after the 4th); mark the persons lapsed."""
    from jaring.payments.services import end_membership
    from jaring.registry.models import Person
    from jaring.registry.services import update_person

    ended = states(programme, today)["ended"]
    done = []
    for e in Enrolment.objects.filter(
        programme=programme,
        status=EnrolmentStatus.REGISTERED,
        person_id__in=list(ended),
        ended_month__isnull=True,
    ):
        first = ended[e.person_id]["first"]
        fourth = (first.replace(day=1) + dt.timedelta(days=31 * MAX_UNPAID_MONTHS)).replace(day=1)
        end_membership(
            e,
            EndReason.LAPSED,
            fourth,
            actor=actor,
            via=via,
            note=f"{ended[e.person_id]['months']} unpaid months",
        )
        person = Person.objects.get(pk=e.person_id)
        # The hook into the next plan run: the registry says the BPJS membership lapsed.
        update_person(
            person, {"bpjs_status": "lapsed"}, actor=None, expected_version=person.version, via="system"
        )
        done.append(e.person_id)
    return done


def sync_registry(
    programme: Programme, today: dt.date | None = None, *, actor: Any, via: str
) -> dict[str, int]:
    """End the memberships of persons the registry now shows merged into another record (dedup) or
    living outside the programme's regency (moved out): no bills from the next month, reason kept."""
    from jaring.payments.services import end_membership

    today = today or dt.date.today()
    open_ = Enrolment.objects.filter(
        programme=programme, status=EnrolmentStatus.REGISTERED, ended_month__isnull=True
    ).select_related("person", "person__village", "person__merged_into")
    counts = {"merged": 0, "moved": 0}
    inside = programme.area.code + "."
    for e in open_.filter(person__merged_into__isnull=False):
        survivor = e.person.merged_into
        note = f"NIK {survivor.nik}" if survivor is not None else ""
        end_membership(e, EndReason.MERGED, today, actor=actor, via=via, note=note)
        counts["merged"] += 1
    for e in open_.filter(person__merged_into__isnull=True).exclude(person__village__code__startswith=inside):
        end_membership(e, EndReason.MOVED, today, actor=actor, via=via, note=e.person.village.code)
        counts["moved"] += 1
    return counts
