"""The access log: record every person-level read, and report it per agreement and month."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from jaring.agreements.lib.policy import Decision
from jaring.agreements.models import AccessEvent, AccessPerson, Agreement
from jaring.auditlog.services import append

# Detail reads keep the ids of the persons read; longer lists keep their query and count only.
MAX_IDS = 200


def record_access(
    user: Any,
    decision: Decision,
    *,
    purpose: str,
    kind: str,
    area_code: str,
    person_ids: Iterable[int] = (),
    count: int | None = None,
    query: str = "",
    path: str = "",
) -> AccessEvent:
    """Write one access event (and its link in the audit chain)."""
    ids = list(person_ids)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    event = AccessEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None and user.is_authenticated else "",
        organisation=profile.organisation if profile is not None else None,
        agreement_id=decision.agreement_id,
        agreement_version=decision.version,
        as_provider=decision.as_provider,
        purpose=purpose,
        kind=kind,
        area_code=area_code,
        fields=sorted(decision.fields()),
        person_ids=ids[:MAX_IDS] if len(ids) <= MAX_IDS else [],
        query=query,
        count=count if count is not None else len(ids),
        path=path[:300],
    )
    AccessPerson.objects.bulk_create([AccessPerson(event=event, person_id=i) for i in event.person_ids])
    append(
        "access",
        AccessEvent._meta.db_table,
        event.pk,
        kind,
        event.username,
        {
            "agreement": event.agreement_id,
            "version": event.agreement_version,
            "purpose": purpose,
            "fields": event.fields,
            "count": event.count,
            "persons": event.person_ids,
            "area": area_code,
        },
    )
    return event


def history_of(person_ids: Iterable[int]) -> QuerySet[AccessEvent]:
    """Every recorded read of these persons (a person's own access history), newest first."""
    return (
        AccessEvent.objects.filter(persons__person_id__in=list(person_ids))
        .distinct()
        .select_related("organisation", "agreement")
        .order_by("-at", "-id")
    )


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """The first day of ``YYYY-MM`` and the first day after it; ValueError for anything else."""
    start = dt.date.fromisoformat(f"{month}-01")
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def events_for(agreement: Agreement, month: str, area_code: str | None = None) -> QuerySet[AccessEvent]:
    """The agreement's access events in a month; with an area, only the reads of that area."""
    start, end = month_bounds(month)
    qs = AccessEvent.objects.filter(agreement=agreement, at__date__gte=start, at__date__lt=end)
    if area_code:
        qs = qs.filter(area_code__startswith=area_code)
    return qs.select_related("organisation").order_by("at", "id")


def report(agreement: Agreement, month: str, area_code: str | None = None) -> dict[str, Any]:
    """Who read the data under an agreement in a month, for what: totals and every event."""
    events = list(events_for(agreement, month, area_code))
    by_org: Counter[str] = Counter()
    by_purpose: Counter[str] = Counter()
    for e in events:
        by_org[e.organisation.name if e.organisation else e.username] += e.count
        by_purpose[e.purpose] += e.count
    return {
        "agreement": agreement.number,
        "month": month,
        "area": area_code or "",
        "events": len(events),
        "persons_read": sum(e.count for e in events),
        "by_organisation": dict(sorted(by_org.items())),
        "by_purpose": dict(sorted(by_purpose.items())),
        "items": [
            {
                "at": e.at.isoformat(timespec="seconds"),
                "user": e.username,
                "organisation": e.organisation.name if e.organisation else "",
                "version": e.agreement_version,
                "purpose": e.purpose,
                "kind": e.kind,
                "area": e.area_code,
                "fields": e.fields,
                "count": e.count,
                "persons": e.person_ids,
                "query": e.query,
            }
            for e in events
        ],
    }


def report_xlsx(data: dict[str, Any]) -> bytes:
    """The access report as an XLSX workbook (a summary sheet and one row per access)."""
    import xlsxwriter

    from jaring.core.lib.spreadsheet import neutralise_cell

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    summary = book.add_worksheet("Ringkasan")
    rows = [
        ("Perjanjian / Agreement", data["agreement"]),
        ("Bulan / Month", data["month"]),
        ("Wilayah / Area", data["area"] or "-"),
        ("Akses / Accesses", data["events"]),
        ("Orang dibaca / Persons read", data["persons_read"]),
    ]
    rows += [(f"Organisasi: {k}", v) for k, v in data["by_organisation"].items()]
    rows += [(f"Tujuan / Purpose: {k}", v) for k, v in data["by_purpose"].items()]
    for i, (label, value) in enumerate(rows):
        summary.write(i, 0, label)
        summary.write(i, 1, neutralise_cell(value))
    sheet = book.add_worksheet("Akses")
    head = ["at", "user", "organisation", "version", "purpose", "kind", "area", "fields", "count", "query"]
    for j, h in enumerate(head):
        sheet.write(0, j, h)
    for i, item in enumerate(data["items"], start=1):
        for j, h in enumerate(head):
            value = item[h]
            sheet.write(i, j, neutralise_cell(", ".join(value) if isinstance(value, list) else value))
    book.close()
    return buf.getvalue()
