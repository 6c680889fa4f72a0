"""The person coverage page in words: every source's reason, which plan is shown, a true "not found"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jaring.programmes import explain, services
from jaring.programmes.models import Plan
from tests.programmes.scenario import Scenario, make_scenario
from tests.registry.factories import make_person

RAW_CODES = ["NOT_ELIGIBLE", "NO_SOURCE_IN_MONTH", "CAPACITY", "fisherman", "ojek_driver", "tobacco_farmer"]
AREA_CODE = re.compile(r"\b\d{2}\.\d{2}\.\d{2}\.\d{4}\b")


@pytest.fixture
def sc(world: Any) -> Scenario:
    return make_scenario(world)


@pytest.fixture
def officer_client(programme_officer: Any) -> Client:
    client = Client()
    client.force_login(programme_officer)
    return client


def _timeline(page: str) -> str:
    """The page's main content (the lookup form, the plan shown and the timeline)."""
    return page[page.index("<h1>") : page.index("</main>") if "</main>" in page else len(page)]


def _left_out_fisher(sc: Scenario, view: Any) -> Any:
    keys = [s["key"] for s in view.sources]
    csr = keys.index("csr")
    for person in sc.fishers:
        row = list(view.person_ids).index(person.pk)
        if (view.assignment[row] != csr).all():
            return person
    raise AssertionError("one fisherman should be left out of the CSR")


def test_the_left_out_fisherman_reads_every_sources_reason_in_indonesian(
    sc: Scenario, officer_client: Client, programme_officer: Any
) -> None:
    plan = services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    fisher = _left_out_fisher(sc, services.view_of(plan))
    page = officer_client.get(f"/programmes/{sc.programme.slug}/coverage/?nik={fisher.nik}").content.decode()
    main = _timeline(page)
    july = main[main.index('data-month="2025-07"') : main.index('data-month="2025-08"')]
    assert "DBHCHT tidak mencakup Nelayan" in july and "Petani tembakau" in july
    assert "APBD Kabupaten Gresik hanya membayar mulai Sep 2025" in july
    assert "Semua 1 tempat CSR PT Petrokimia Gresik sudah terisi" in july
    assert "batas prioritas" in july
    assert "Jul 2025" in main and "Desa Leran" in main
    for code in RAW_CODES:
        assert code not in main, code
    assert not AREA_CODE.search(main)


def test_the_ojek_driver_reads_in_english_that_apbd_pays_only_from_september(
    sc: Scenario, officer_client: Client, programme_officer: Any
) -> None:
    services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    page = officer_client.get(
        f"/programmes/{sc.programme.slug}/coverage/?nik={sc.ojek.nik}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    main = _timeline(page)
    july = main[main.index('data-month="2025-07"') : main.index('data-month="2025-08"')]
    assert "APBD Kabupaten Gresik pays only from Sep 2025." in july
    assert "DBHCHT does not cover Ojek driver" in july or "DBHCHT does not cover Motorcycle taxi" in july
    assert "CSR PT Petrokimia Gresik pays only in Leran; this person lives in Gumeno." in july
    for code in RAW_CODES:
        assert code not in main, code
    assert not AREA_CODE.search(main)


def test_an_active_bpjs_member_is_told_why_no_source_pays(sc: Scenario, programme_officer: Any) -> None:
    plan = services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    with translation.override("en"):
        explained = explain.explain(services.view_of(plan), sc.member)
    assert explained is not None
    lines = {line.source: line.text for line in explained.months[0].lines}
    assert lines["apbd"] == (
        "APBD Kabupaten Gresik does not cover persons whose BPJS status is Active member."
    )


def test_the_page_says_which_plan_it_shows_and_offers_the_others(
    sc: Scenario, officer_client: Client, programme_officer: Any
) -> None:
    first = services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    services.approve_plan(first, actor=programme_officer, via="web")
    draft = services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    url = f"/programmes/{sc.programme.slug}/coverage/?nik={sc.ojek.nik}"
    page = officer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Approved version 1 (in force)" in page
    assert f'<option value="{draft.pk}">Draft of' in page
    assert f'id="coverage-newer-draft" href="?nik={sc.ojek.nik}&amp;plan={draft.pk}"' in page
    switched = officer_client.get(f"{url}&plan={draft.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Plan shown:</strong> Draft of" in switched


def test_a_person_approved_after_the_plan_is_told_so_not_outside_your_village(
    sc: Scenario, officer_client: Client, programme_officer: Any, world: Any
) -> None:
    plan = services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    services.approve_plan(plan, actor=programme_officer, via="web")
    late = make_person(world.leran, "Datang Belakangan", batch=sc.fishers[0].batch)
    services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    url = f"/programmes/{sc.programme.slug}/coverage/?nik={late.nik}"
    page = officer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "is approved but not in this plan" in page and "outside your village" not in page
    newer = Plan.objects.filter(kind="draft").latest("created_at")
    assert f"plan={newer.pk}" in page and 'id="coverage-newer-plan"' in page
    unknown = officer_client.get(
        f"/programmes/{sc.programme.slug}/coverage/?nik=3525000000000000", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No person with this NIK is in the registry of" in unknown
    assert "outside your village" not in unknown


def test_the_plans_source_table_explains_the_priority_cut_off(
    sc: Scenario, officer_client: Client, programme_officer: Any
) -> None:
    services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    page = officer_client.get(f"/programmes/{sc.programme.slug}/plan/").content.decode()
    assert 'id="plan-cutoff-help"' in page and "Batas prioritas" in page
