"""The reference scenario in the demo: the full demo's registry, planned and approved as version 1."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command

from jaring.core.world import LERAN
from jaring.programmes import services
from jaring.programmes.models import Plan, Programme, ProgrammeChange
from jaring.registry.models import Person

NOT_FOR_DBHCHT = ["fisherman", "ojek_driver", "bpbd_volunteer"]


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_plan_holds_the_press_release_figures_and_is_approved_once(
    tmp_path: Any, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    call_command("demo", stdout=StringIO())
    programme = Programme.objects.get(slug="gresik-2025")
    plan = Plan.objects.get(programme=programme)
    assert (plan.version, plan.is_locked, plan.kind) == (1, True, "approved")
    view = services.view_of(plan)
    by_key = {s["key"]: s for s in view.summary["sources"]}
    months = view.months
    assert months == ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]

    # DBHCHT: tobacco-sector workers up to its quota, every month.
    dbhcht, csr, apbd = by_key["dbhcht"], by_key["csr-petrokimia"], by_key["apbd"]
    assert dbhcht["persons"] == 1808 and dbhcht["remaining_quota"] == 0
    assert all(dbhcht["months"][m]["persons"] == 1808 for m in months)
    keys = [s["key"] for s in view.sources]
    d, c, a = keys.index("dbhcht"), keys.index("csr-petrokimia"), keys.index("apbd")
    paid_by_dbhcht = view.person_ids[(view.assignment == d).any(axis=1)]
    slugs = dict(Person.objects.filter(pk__in=paid_by_dbhcht.tolist()).values_list("pk", "occupation__slug"))
    assert set(slugs.values()) <= {"tobacco_farmer", "tobacco_farm_labourer", "cigarette_factory_worker"}

    # CSR: 50 Leran workers, July-September, Rp16,800 a month, Rp2,520,000 in all.
    assert csr["persons"] == 50 and csr["cost"] == 2_520_000
    assert [csr["months"][m]["persons"] for m in months] == [50, 50, 50, 0, 0, 0]
    assert {csr["months"][m]["cost"] for m in months[:3]} == {50 * 16_800}
    csr_rows = np.flatnonzero((view.assignment == c).any(axis=1))
    csr_ids = view.person_ids[csr_rows].tolist()
    assert set(Person.objects.filter(pk__in=csr_ids).values_list("village__code", flat=True)) == {LERAN}
    # ... and APBD takes them over once their three months end.
    assert (view.assignment[csr_rows][:, 3:] == a).all()

    # APBD: nobody before September; afterwards everyone eligible who is not paid by another source,
    # within its budget.
    assert apbd["months"]["2025-07"]["persons"] == apbd["months"]["2025-08"]["persons"] == 0
    assert apbd["cost"] <= programme.sources.get(slug="apbd").budget_rupiah
    assert apbd["remaining_budget"] >= 0
    assert not (view.reasons[:, 2:] == 3).any()  # no capacity shortfall from September on

    # Fishermen, ojek drivers and BPBD volunteers are shown as not eligible for DBHCHT.
    for slug in NOT_FOR_DBHCHT:
        person = Person.objects.approved().filter(occupation__slug=slug).first()
        assert person is not None
        months_of = services.person_coverage(view, person)
        assert months_of is not None
        if months_of[0]["source"] is None:
            assert months_of[0]["reason"] in ("NOT_ELIGIBLE", "NO_SOURCE_IN_MONTH", "CAPACITY")
        assert d not in view.assignment[services._row_of(view, person.pk)]
    frame = services.person_frame(
        Person.objects.approved().filter(occupation__slug="ojek_driver"), programme.first_month
    )
    result = services.evaluate_source(programme.sources.get(slug="dbhcht"), frame)
    assert not result["passes"].any()
    assert result["reason_en"][0] == "occupation 'ojek_driver' is not among DBHCHT's categories"

    # `jaring plan --json` prints the same figures.
    out = StringIO()
    call_command("plan", "--programme", "gresik-2025", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert set(printed) == {"programme", "sources", "uncovered", "seconds"}
    assert [(s["name"], s["persons"], s["cost"]) for s in printed["sources"]] == [
        (s["name"], s["persons"], s["cost"]) for s in view.summary["sources"]
    ]

    # A second run changes nothing.
    changes = ProgrammeChange.objects.count()
    call_command("demo", stdout=StringIO())
    assert Plan.objects.filter(programme=programme).count() == 1
    assert ProgrammeChange.objects.count() == changes
