"""Gumeno's operator types a person already registered in Leran and is warned while typing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jaring.core.world import ensure_world
from tests.browser.conftest import login
from tests.registry.factories import make_person

pytestmark = pytest.mark.browser


def test_the_entry_form_warns_about_a_similar_person_in_another_village(
    browser_page: Any, live_server: Any
) -> None:
    world = ensure_world()
    make_person(world.leran, "Hj. Siti Aminah", sex="P", birth_date=dt.date(1985, 3, 12))
    page = browser_page
    login(page, live_server, "operator.gumeno")
    page.goto(f"{live_server.url}/persons/new/")
    warning = page.locator("#similar-warning")
    assert warning.is_hidden()
    page.fill("#id_full_name", "Siti Aminah binti Umar")
    page.fill("#id_birth_date", "1985-03-12")
    warning.wait_for(state="visible")
    text = warning.inner_text()
    assert "Orang dengan nama mirip dan tanggal lahir sama sudah terdaftar di Desa Leran" in text
    assert "3525" not in text  # another village's person: the village, never the NIK
    page.fill("#id_birth_date", "1990-01-01")
    warning.wait_for(state="hidden")
