"""A programme officer lowers the APBD budget in a what-if and sees who loses coverage."""

from __future__ import annotations

import os
from typing import Any

import pytest

from jaring.core.world import ensure_world
from jaring.programmes import services
from jaring.programmes.models import Plan, PlanKind
from tests.browser.conftest import login
from tests.programmes.scenario import make_scenario

pytestmark = pytest.mark.browser


def test_an_officer_lowers_the_apbd_budget_in_a_what_if_and_sees_who_loses(
    browser_page: Any, live_server: Any
) -> None:
    world = ensure_world()
    sc = make_scenario(world)
    officer = world.users["disnaker.officer"]
    approved = services.approve_plan(
        services.compute_and_store(sc.programme, actor=officer, via="web"), actor=officer
    )
    page = browser_page
    shots = os.environ.get("JARING_SCREENSHOTS")

    login(page, live_server, "disnaker.officer")
    page.goto(f"{live_server.url}/programmes/{sc.programme.slug}/")
    page.click("#plan-link")
    page.wait_for_selector("#plan-months")
    assert "1" in page.inner_text("#plan-state")  # version 1
    apbd = next(s for s in approved.summary["sources"] if s["key"] == "apbd")
    cells = page.locator("#plan-sources tr[data-source=apbd] td").all_inner_texts()
    assert cells[2] == str(apbd["persons"]) and cells[3] == str(apbd["person_months"])
    if shots:
        page.screenshot(path=f"{shots}/plan.png", full_page=True)

    page.click("#what-if-new")
    page.fill("#wi-apbd-budget", str(8 * 16_800))
    page.click("#what-if-run")
    page.wait_for_selector("#what-if-compare")
    if shots:
        page.screenshot(path=f"{shots}/what-if.png", full_page=True)

    what_if = Plan.objects.get(kind=PlanKind.WHAT_IF)
    cmp = services.compare_plans(services.view_of(approved), services.view_of(what_if))
    assert cmp["losses"] > 0
    text = page.inner_text("#gains-losses")
    assert str(cmp["losses"]) in text
    rows = page.locator("#what-if-persons tbody tr")
    assert rows.count() == cmp["losses"]
    losers = set(cmp["changes"].filter(cmp["changes"]["delta"] < 0)["person_id"].to_list())
    niks = {p.nik for p in [*sc.tobacco, *sc.fishers, sc.ojek] if p.pk in losers}
    shown = {rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())}
    assert shown == niks
    # The approved plan and the source are untouched.
    assert sc.programme.sources.get(slug="apbd").budget_rupiah == 1_000_000
    assert Plan.objects.get(pk=approved.pk).summary == approved.summary

    # From the list, a person's timeline in the what-if says why a month is not covered.
    rows.first.locator("a").click()
    page.wait_for_selector("#coverage-timeline")
    timeline = page.inner_text("#coverage-timeline")
    assert "CAPACITY" not in timeline  # in words, not the planner's code
    assert page.locator('#coverage-timeline li[data-source="apbd"][data-status="full"]').count() > 0
    assert "Anggaran APBD Kabupaten Gresik" in timeline and "sudah habis" in timeline
    if shots:
        page.screenshot(path=f"{shots}/coverage.png", full_page=True)
