"""Leran's operator searches the registry, opens a person and switches the language."""

from __future__ import annotations

from typing import Any

import pytest

from jaring.core.world import ensure_world
from tests.browser.conftest import login
from tests.registry.factories import make_person

pytestmark = pytest.mark.browser


def test_leran_operator_searches_opens_a_person_and_switches_language(
    browser_page: Any, live_server: Any
) -> None:
    world = ensure_world()
    make_person(world.leran, "Siti Leranwati", sex="P", kk="3525100101010001", occupation_text="Nelayan")
    make_person(world.leran, "Ahmad Leranputra", kk="3525100101010001", is_household_head=True)
    make_person(world.gumeno, "Budi Gumenoputra")
    page = browser_page

    login(page, live_server, "operator.leran")
    assert page.locator("#synthetic-notice").is_visible()
    page.click("#nav-registry")
    page.fill("#id_q", "siti")
    page.click("#search-submit")
    rows = page.locator("#person-table tbody tr")
    assert rows.count() == 1
    assert "Siti Leranwati" in rows.first.inner_text()
    assert "SINTETIS" in rows.first.inner_text()

    page.fill("#id_q", "budi")
    page.click("#search-submit")
    assert "Budi" not in page.locator("#person-table").inner_text()

    page.fill("#id_q", "siti")
    page.click("#search-submit")
    page.click("text=Siti Leranwati")
    page.wait_for_selector("#person-name")
    assert "Ahmad Leranputra" in page.locator("#household").inner_text()
    assert page.locator("html").get_attribute("lang") == "id"

    page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    assert "Siti Leranwati" in page.locator("#person-name").inner_text()
    page.click("#lang-id")
    page.wait_for_selector("html[lang=id]")
