"""Aggregates for the dashboard: counts only, never a person (sponsors see these too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from jaring.accounts.scope import Scope


@dataclass
class Bar:
    """One row of a bar table."""

    label: str
    code: str
    count: int
    synthetic: int
    width: float  # percent of the largest row


def _bars(rows: list[dict[str, Any]], label: str, code: str) -> list[Bar]:
    top = max((r["n"] for r in rows), default=0) or 1
    return [
        Bar(
            label=r[label] or "—",
            code=r[code] or "",
            count=r["n"],
            synthetic=r["syn"],
            width=round(100 * r["n"] / top, 1),
        )
        for r in rows
    ]


def dashboard_stats(scope: Scope) -> dict[str, Any]:
    """Workers per village and per occupation inside the scope, with totals."""
    qs = scope.persons_for_aggregates().order_by()
    syn = Count("id", filter=Q(is_synthetic=True))
    by_village = list(
        qs.values("village__code", "village__name")
        .annotate(n=Count("id"), syn=syn)
        .order_by("-n", "village__code")
    )
    by_occupation = list(
        qs.values("occupation__slug", "occupation__name").annotate(n=Count("id"), syn=syn).order_by("-n")
    )
    totals = qs.aggregate(
        total=Count("id"),
        synthetic=syn,
        bpjs_active=Count("id", filter=Q(bpjs_status="active")),
        women=Count("id", filter=Q(sex="P")),
    )
    return {
        "by_village": _bars(by_village, "village__name", "village__code"),
        "by_occupation": _bars(by_occupation, "occupation__name", "occupation__slug"),
        "totals": totals,
    }
