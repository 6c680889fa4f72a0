"""A programme officer reads why a fisherman and an ojek driver are not covered; an operator's import form."""

from __future__ import annotations

import os
from typing import Any

import pytest

from jaring.core.world import ensure_world
from jaring.programmes import services
from tests.browser.conftest import login
from tests.programmes.scenario import make_scenario

pytestmark = pytest.mark.browser


def test_an_officer_reads_every_sources_reason_and_switches_the_plan(
    browser_page: Any, live_server: Any
) -> None:
    world = ensure_world()
    sc = make_scenario(world)
    officer = world.users["disnaker.officer"]
    first = services.compute_and_store(sc.programme, actor=officer, via="web")
    services.approve_plan(first, actor=officer, via="web")
    draft = services.compute_and_store(sc.programme, actor=officer, via="web")
    page = browser_page
    login(page, live_server, "disnaker.officer")
    page.goto(f"{live_server.url}/programmes/{sc.programme.slug}/coverage/?nik={sc.ojek.nik}")
    july = page.locator('#coverage-timeline tr[data-month="2025-07"]').inner_text()
    assert "APBD Kabupaten Gresik hanya membayar mulai Sep 2025" in july
    assert "CSR PT Petrokimia Gresik hanya membayar di Leran; orang ini tinggal di Gumeno" in july
    assert "ojek_driver" not in page.content() and "NO_SOURCE_IN_MONTH" not in page.content()
    assert "Versi disetujui 1 (berlaku)" in page.inner_text("#coverage-plan-shown")
    page.select_option("#coverage-plan", str(draft.pk))
    page.click("#coverage-lookup button[type=submit]")
    page.wait_for_selector("#coverage-timeline")
    assert "Draf" in page.inner_text("#coverage-plan-shown")


def test_the_operator_finds_village_and_round_chosen_and_a_template(
    browser_page: Any, live_server: Any
) -> None:
    import datetime as dt

    from jaring.collection.services import create_round

    world = ensure_world()
    today = dt.date.today()
    create_round(
        slug="leran-now",
        name="Pendataan Leran",
        period_start=today,
        period_end=today + dt.timedelta(days=30),
        organisation=world.organisations["diskominfo-gresik"],
        targets=[world.leran.code],
    )
    page = browser_page
    login(page, live_server, "operator.leran")
    page.goto(f"{live_server.url}/imports/new/")
    assert page.input_value("#id_village") == world.leran.code
    assert page.input_value("#id_round") == "leran-now"
    assert "Lembar buku kerja" in page.inner_text("#upload-form")
    shots = os.environ.get("JARING_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/import-form.png", full_page=True)
    with page.expect_download() as download:
        page.click("#template-download")
    assert download.value.suggested_filename == "jaring-import-template.xlsx"
