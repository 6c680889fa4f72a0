"""Everything held about one NIK, for a data subject's request under UU 27/2022 (PDP)."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict

from jaring.agreements.access import history_of
from jaring.registry.models import Person, PersonChange


def subject_export(nik: str) -> dict[str, Any]:
    """The person's records (merged ones too), their change history, batches, coverage and who read them."""
    from jaring.programmes import services as programmes
    from jaring.programmes.models import Programme

    persons = list(
        Person.objects.filter(nik=nik).select_related("village", "batch", "occupation").order_by("pk")
    )
    ids = [p.pk for p in persons]
    records = []
    for p in persons:
        record = model_to_dict(p)
        record["village"] = p.village.name if p.village_id else None
        record["occupation"] = str(p.occupation) if p.occupation_id else None
        record["batch"] = {"id": p.batch.pk, "file": p.batch.filename} if p.batch is not None else None
        records.append(record)
    changes = [
        {
            "person": c.person_id,
            "at": c.at.isoformat(),
            "action": c.action,
            "via": c.via,
            "by": c.actor.get_username() if c.actor else None,
            "before": c.before,
            "after": c.after,
        }
        for c in PersonChange.objects.filter(nik=nik).select_related("actor").order_by("at", "pk")
    ]
    coverage = []
    for programme in Programme.objects.order_by("slug"):
        plan = programmes.current_plan(programme)
        if plan is None:
            continue
        view = programmes.view_of(plan)
        for p in persons:
            months = programmes.person_coverage(view, p)
            if months is not None:
                coverage.append(
                    {"programme": programme.slug, "plan": plan.pk, "person": p.pk, "months": months}
                )
    reads = [
        {
            "at": e.at.isoformat(timespec="seconds"),
            "user": e.username,
            "organisation": e.organisation.name if e.organisation else "",
            "agreement": e.agreement.number if e.agreement else None,
            "version": e.agreement_version,
            "purpose": e.purpose,
            "kind": e.kind,
            "fields": e.fields,
        }
        for e in history_of(ids)
    ]
    return {
        "nik": nik,
        "found": bool(persons),
        "synthetic": any(p.is_synthetic for p in persons),
        "records": records,
        "changes": changes,
        "coverage": coverage,
        "accesses": reads,
    }
