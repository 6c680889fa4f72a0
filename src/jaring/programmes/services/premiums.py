"""Premium data as stored (schedules, brackets, discounts) for the pure premium engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jaring.planning import premiums as prem
from jaring.programmes.models import (
    JkkBracket,
    OccupationGroup,
    PremiumDiscount,
    PremiumSchedule,
)
from jaring.registry.models import OccupationCategory


def premium_data() -> prem.PremiumData:
    """The premium schedules and discounts as stored (what the administrator last saved)."""
    schedules = []
    for s in PremiumSchedule.objects.prefetch_related("brackets"):
        brackets = tuple(
            prem.Bracket(b.income_from, b.declared_income, b.jkk_amount, b.is_verified)
            for b in sorted(s.brackets.all(), key=lambda b: b.income_from)
        )
        schedules.append(
            prem.Schedule(
                name=s.name,
                first_month=s.first_month,
                last_month=s.last_month,
                jkm=s.jkm_amount,
                jht_rate=Decimal(s.jht_rate),
                legal_basis=s.legal_basis,
                brackets=brackets,
                verified=s.is_verified,
            )
        )
    discounts = []
    for d in PremiumDiscount.objects.select_related("group").prefetch_related("group__occupations"):
        slugs = frozenset(o.slug for o in d.group.occupations.all()) if d.group else frozenset()
        discounts.append(
            prem.Discount(
                name=d.name,
                first_month=d.first_month,
                last_month=d.last_month,
                percent=d.percent,
                group_match=d.group_match,
                group_occupations=slugs,
                excluded_payer_kinds=frozenset(d.excluded_payer_kinds or []),
                legal_basis=d.legal_basis,
                verified=d.is_verified,
            )
        )
    return prem.PremiumData(schedules=tuple(schedules), discounts=tuple(discounts))


def premium(
    income: int | None,
    month: str | dt.date,
    payer_kind: str,
    occupation: str | None = None,
    jht: bool = False,
    data: prem.PremiumData | None = None,
) -> prem.Breakdown:
    """:func:`jaring.planning.premiums.premium` with the stored premium data unless ``data`` is given."""
    return prem.premium(
        income, month, payer_kind, occupation, jht, data=data if data is not None else premium_data()
    )


def seed_premium_data(apps: Any = None) -> int:
    """Load the default premium data where it is missing (idempotent); the number of rows created."""
    get = (lambda name: apps.get_model("programmes", name)) if apps is not None else None
    Schedule = get("PremiumSchedule") if get else PremiumSchedule
    Bracket = get("JkkBracket") if get else JkkBracket
    Group = get("OccupationGroup") if get else OccupationGroup
    Discount = get("PremiumDiscount") if get else PremiumDiscount
    Occupation = apps.get_model("registry", "OccupationCategory") if apps is not None else OccupationCategory
    created = 0
    s = prem.DEFAULT_SCHEDULE
    schedule, new = Schedule.objects.get_or_create(
        name=s.name,
        defaults={
            "first_month": s.first_month,
            "last_month": s.last_month,
            "jkm_amount": s.jkm,
            "jht_rate": s.jht_rate,
            "legal_basis": s.legal_basis,
            "is_verified": s.verified,
            "note": (
                "JKM Rp6,800 flat and JHT 2% of declared income; JKK from the bracket table "
                "(brackets marked unverified are a reconstruction)."
            ),
        },
    )
    created += int(new)
    if new:
        Bracket.objects.bulk_create(
            [
                Bracket(
                    schedule=schedule,
                    income_from=b.income_from,
                    declared_income=b.declared_income,
                    jkk_amount=b.jkk,
                    is_verified=b.verified,
                    note="" if b.verified else prem.JKK_BRACKET_NOTE[:300],
                )
                for b in s.brackets
            ]
        )
        created += len(s.brackets)
    g = prem.TRANSPORT_GROUP
    group, new = Group.objects.get_or_create(
        slug=g["slug"], defaults={"name": g["name"], "name_en": g["name_en"], "note": g["note"]}
    )
    if new:
        group.occupations.set(Occupation.objects.filter(slug__in=g["occupations"]))
        created += 1
    for d in prem.DEFAULT_DISCOUNTS:
        _obj, new = Discount.objects.get_or_create(
            name=d.name,
            defaults={
                "first_month": d.first_month,
                "last_month": d.last_month,
                "percent": d.percent,
                "group": group,
                "group_match": d.group_match,
                "excluded_payer_kinds": sorted(d.excluded_payer_kinds),
                "legal_basis": d.legal_basis,
                "note": prem.PP50_NOTE,
                "is_verified": d.verified,
            },
        )
        created += int(new)
    return created
