"""A small reference scenario, approved: DBHCHT with a quota, a Leran CSR, APBD from September."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jaring.imports.models import Batch, ReviewStatus
from jaring.programmes.models import Programme
from jaring.registry.models import OccupationCategory, Person
from tests.programmes.factories import DBHCHT_RULE, make_programme, make_source
from tests.registry.factories import make_person

ADULT = 'age >= 18 and age <= 65 and bpjs_status != "active"'


@dataclass
class Scenario:
    programme: Programme
    tobacco: list[Person]  # three tobacco farmers for a DBHCHT quota of two
    fishers: list[Person]  # two Leran fishermen for a CSR quota of one
    ojek: Person  # Gumeno: APBD only, from September
    member: Person  # already an active BPJS member: eligible for nothing


def make_scenario(world: Any, apbd_budget: int = 1_000_000) -> Scenario:
    """The programme and its approved persons (all registered at Rp1,000,000: Rp16,800 a month)."""
    # Seeded by migrations, but a transactional (browser) test before this one may have flushed them.
    from jaring.programmes import services
    from jaring.registry.occupations import OCCUPATIONS

    for slug, name, name_en, kbji, is_local, aliases in OCCUPATIONS:
        OccupationCategory.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "kbji_major": kbji,
                "is_local": is_local,
                "aliases": aliases,
            },
        )
    services.seed_premium_data()
    occ = {o.slug: o for o in OccupationCategory.objects.all()}
    leran = Batch.objects.create(
        village=world.leran, filename="l.csv", content_hash="l" * 64, review_status=ReviewStatus.APPROVED
    )
    gumeno = Batch.objects.create(
        village=world.gumeno, filename="g.csv", content_hash="g" * 64, review_status=ReviewStatus.APPROVED
    )
    programme = make_programme(world, slug="plan-2025", declared_income=1_000_000)
    make_source(programme, quota_persons=2, rule=f"{DBHCHT_RULE} and {ADULT}")
    make_source(
        programme,
        slug="csr",
        name="CSR PT Petrokimia Gresik",
        kind="csr",
        rule=f'village in ["{world.leran.code}"] and occupation in ["fisherman"] and {ADULT}',
        last_month=dt.date(2025, 9, 1),
        quota_persons=1,
        max_months_per_person=3,
        budget_rupiah=3 * 16_800,
    )
    make_source(
        programme,
        slug="apbd",
        name="APBD Kabupaten Gresik",
        kind="apbd",
        rule=ADULT,
        first_month=dt.date(2025, 9, 1),
        budget_rupiah=apbd_budget,
    )
    tobacco = [
        make_person(world.leran, f"Petani {i}", batch=leran, occupation=occ["tobacco_farmer"], dependants=i)
        for i in range(3)
    ]
    fishers = [
        make_person(
            world.leran, f"Nelayan {i}", sex="P", batch=leran, occupation=occ["fisherman"], dependants=i
        )
        for i in range(2)
    ]
    ojek = make_person(world.gumeno, "=Ojek HYPERLINK", batch=gumeno, occupation=occ["ojek_driver"])
    member = make_person(
        world.gumeno,
        "Anggota",
        batch=gumeno,
        occupation=occ["fisherman"],
        bpjs_status="active",
        birth_date=dt.date(1990, 1, 1),
    )
    return Scenario(programme, tobacco, fishers, ojek, member)
