"""A new user's walk in a browser: a one-line top bar at 1280 px, paged long tables, the audit trail."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from jaring.core.world import USERS, ensure_world
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Every element of the top bar, and every menu link: their vertical centres must agree (one line).
_LINE = """() => {
  const bar = document.querySelector('header.topbar');
  const items = [...bar.querySelectorAll('.brand, .mainnav a, .langswitch button, #whoami, #logout')];
  const mids = items.map(e => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; });
  const nav = bar.querySelector('.mainnav'), right = bar.querySelector('.topbar-right');
  return {height: bar.getBoundingClientRect().height, spread: Math.max(...mids) - Math.min(...mids),
          overlap: nav ? nav.getBoundingClientRect().right - right.getBoundingClientRect().left : 0,
          width: document.documentElement.scrollWidth, links: bar.querySelectorAll('.mainnav a').length};
}"""


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_top_bar_is_one_line_at_1280_px_for_every_role(
    browser_page: Any, live_server: Any, language: str
) -> None:
    ensure_world()
    page = browser_page
    for username in [u[0] for u in USERS] + ["admin"]:
        page.context.clear_cookies()
        login(page, live_server, username)
        if language == "en":
            page.click("#lang-en")
            page.wait_for_selector("html[lang=en]")
        bar = page.evaluate(_LINE)
        assert bar["spread"] < 4, f"{username} ({language}): the top bar wraps ({bar})"
        assert bar["height"] < 56, f"{username} ({language}): the top bar is {bar['height']} px tall"
        assert bar["overlap"] <= 0 and bar["width"] <= 1280, (
            f"{username} ({language}): the menu overflows ({bar})"
        )


def test_the_plan_page_pages_sorts_and_searches_its_villages(browser_page: Any, live_server: Any) -> None:
    from jaring.programmes import services
    from tests.programmes.scenario import make_scenario

    world = ensure_world()
    sc = make_scenario(world)
    officer = world.users["disnaker.officer"]
    services.approve_plan(services.compute_and_store(sc.programme, actor=officer, via="web"), actor=officer)
    page = browser_page
    login(page, live_server, "disnaker.officer")
    page.goto(f"{live_server.url}/programmes/{sc.programme.slug}/plan/")
    rows = page.locator("#plan-villages tbody tr")
    assert 1 <= rows.count() <= 25
    page.click("#plan-villages-sort-village")
    names = page.locator("#plan-villages tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names, key=str.casefold)
    page.fill("#plan-villages-q", "Leran")
    page.click("#plan-villages-search button[type=submit]")
    page.wait_for_url("**q=Leran**")
    assert all("Leran" in t for t in page.locator("#plan-villages tbody tr td:first-child").all_inner_texts())
    if os.environ.get("JARING_SCREENSHOTS") or os.environ.get("JARING_WALK_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.goto(f"{live_server.url}/programmes/{sc.programme.slug}/plan/")
        page.screenshot(path=str(SHOTS / "plan-paged.png"), full_page=True)


def test_the_auditor_opens_the_audit_trail_from_the_menu(browser_page: Any, live_server: Any) -> None:
    from jaring.registry.services import create_person
    from tests.registry.factories import nik_for

    world = ensure_world()
    create_person(
        {
            "nik": nik_for(world.leran, sex="P"),
            "full_name": "Siti Aminah",
            "sex": "P",
            "village": world.leran,
        },
        actor=world.users["operator.leran"],
    )
    page = browser_page
    login(page, live_server, "auditor")
    page.click("#nav-audit")
    page.wait_for_selector("#audit-table")
    assert "Siti Aminah" in page.inner_text("#audit-table")
    if os.environ.get("JARING_SCREENSHOTS") or os.environ.get("JARING_WALK_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "audit-trail.png"), full_page=True)
