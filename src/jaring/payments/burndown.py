"""Budget burn-down per funding source and month: planned vs billed vs paid, and quota use."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from jaring.enrolment.services import approved_plan
from jaring.payments.models import Bill, BillKind, BillStatus
from jaring.programmes.models import Programme


def burndown(programme: Programme) -> dict[str, Any]:
    """Per source: budget, quota and, month by month, planned / billed / paid (rupiah and persons)."""
    plan = approved_plan(programme)
    planned = {s["key"]: s for s in plan.summary.get("sources", [])}
    billed: dict[tuple[int, str], dict[str, int]] = {}
    rows = (
        Bill.objects.filter(programme=programme)
        .exclude(status__in=[BillStatus.DRAFT, BillStatus.CANCELLED])
        .values("source_id", "month", "kind")
        .annotate(amount=Sum("amount"), persons=Sum("persons"), paid=Sum("paid_amount"))
        .order_by()
    )
    for r in rows:
        key = (r["source_id"], f"{r['month']:%Y-%m}")
        cell = billed.setdefault(key, {"billed": 0, "persons": 0, "paid": 0})
        cell["billed"] += int(r["amount"] or 0)
        cell["paid"] += int(r["paid"] or 0)
        sign = -1 if r["kind"] == BillKind.CREDIT else 1
        cell["persons"] += sign * int(r["persons"] or 0)
    sources = []
    for source in programme.sources.all():
        spec = planned.get(source.slug, {})
        months = []
        totals = {"planned": 0, "billed": 0, "paid": 0}
        for label in plan.months:
            p = spec.get("months", {}).get(label, {"persons": 0, "cost": 0})
            b = billed.get((source.pk, label), {"billed": 0, "persons": 0, "paid": 0})
            months.append(
                {
                    "month": label,
                    "planned_persons": int(p["persons"]),
                    "planned": int(p["cost"]),
                    "billed_persons": b["persons"],
                    "billed": b["billed"],
                    "paid": b["paid"],
                    "quota_used": (
                        round(b["persons"] / source.quota_persons, 4) if source.quota_persons else None
                    ),
                }
            )
            totals["planned"] += int(p["cost"])
            totals["billed"] += b["billed"]
            totals["paid"] += b["paid"]
        budget = source.budget_rupiah
        sources.append(
            {
                "payer": source.slug,
                "payer_kind": source.kind,
                "name": source.name,
                "budget": budget,
                "quota_persons": source.quota_persons,
                **totals,
                "budget_left": budget - totals["billed"] if budget is not None else None,
                "months": months,
            }
        )
    return {"programme": programme.slug, "plan_version": plan.version, "sources": sources}
