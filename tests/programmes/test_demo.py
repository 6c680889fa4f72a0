"""The demo stage of programmes: gresik-2025 with DBHCHT, CSR PT Petrokimia Gresik and APBD; idempotent."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from jaring.imports.models import Batch, ReviewStatus
from jaring.programmes import demo, services
from jaring.programmes.models import FundingSource, Programme, ProgrammeChange
from jaring.programmes.services import premium
from jaring.registry.models import OccupationCategory
from tests.registry.factories import make_person


def test_the_demo_programme_holds_the_reference_scenario_and_a_second_run_changes_nothing(world: Any) -> None:
    batch = Batch.objects.create(
        village=world.leran, filename="a.csv", content_hash="a" * 64, review_status=ReviewStatus.APPROVED
    )
    occ = {o.slug: o for o in OccupationCategory.objects.all()}
    make_person(world.leran, "Petani", batch=batch, occupation=occ["tobacco_farmer"])
    make_person(world.leran, "Nelayan", batch=batch, occupation=occ["fisherman"])
    make_person(world.gumeno, "Ojek", batch=None, occupation=occ["ojek_driver"])  # not approved
    report = SimpleNamespace(world=world)
    said: list[str] = []
    out = demo.seed_demo(report, said.append)
    assert out["created"] == 4 and out["persons"] == 2
    assert out["eligible"] == {"dbhcht": 1, "csr-petrokimia": 2, "apbd": 2}
    programme = Programme.objects.get(slug="gresik-2025")
    assert programme.name == "Jaminan Sosial Pekerja Rentan Gresik 2025"
    csr = programme.sources.get(slug="csr-petrokimia")
    assert (csr.quota_persons, csr.max_months_per_person, len(csr.months())) == (50, 3, 3)
    # The CSR's budget is exactly 50 workers x 3 months at the July 2025 premium.
    assert csr.budget_rupiah == 50 * 3 * premium(None, "2025-07", "csr").total == 2_520_000
    assert programme.sources.get(slug="dbhcht").quota_persons == 1808
    assert programme.sources.get(slug="apbd").first_month == dt.date(2025, 9, 1)
    frame = services.person_frame(services.programme_persons(programme), programme.first_month)
    result = services.evaluate_source(programme.sources.get(slug="dbhcht"), frame)
    fisher = result.filter(~result["passes"])
    assert fisher["reason_en"].to_list() == ["occupation 'fisherman' is not among DBHCHT's categories"]

    changes = ProgrammeChange.objects.count()
    again = demo.seed_demo(report, said.append)
    assert again["created"] == 0 and again["eligible"] == out["eligible"]
    assert ProgrammeChange.objects.count() == changes == 6  # 4 creates, the plan and its approval
    assert FundingSource.objects.count() == 3
    assert "gresik-2025" in said[0]
