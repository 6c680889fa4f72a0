"""A programme officer edits a funding source's rule and sees errors and the eligible count live."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jaring.core.world import ensure_world
from jaring.imports.models import Batch, ReviewStatus
from jaring.programmes.models import FundingSource
from tests.browser.conftest import login
from tests.programmes.factories import make_programme, make_source
from tests.registry.factories import make_person

pytestmark = pytest.mark.browser


def test_an_officer_sees_rule_errors_and_the_live_count_of_eligible_persons(
    browser_page: Any, live_server: Any
) -> None:
    world = ensure_world()
    batch = Batch.objects.create(
        village=world.leran, filename="a.csv", content_hash="a" * 64, review_status=ReviewStatus.APPROVED
    )
    make_person(world.leran, "Siti", sex="P", batch=batch, birth_date=dt.date(1980, 1, 1))
    make_person(world.leran, "Ahmad", batch=batch, birth_date=dt.date(1990, 1, 1))
    make_person(world.leran, "Dewi", sex="P", batch=batch, birth_date=dt.date(2010, 1, 1))
    make_source(make_programme(world, "p1"), rule="age >= 18")
    page = browser_page

    login(page, live_server, "disnaker.officer")
    page.click("#nav-programmes")
    page.click("text=Programme p1")
    page.click("text=DBHCHT")
    page.click("#source-edit")
    status = page.locator("#rule-status")
    page.wait_for_selector("#rule-status.ok")  # a selector, not a JS string: the CSP forbids eval
    assert "2 dari 3" in status.inner_text()

    page.fill("#rule-input", 'age >= 18 and sex == "X"')
    page.wait_for_selector("#rule-status.error")
    assert "kolom 22" in status.inner_text()  # the page is in Indonesian
    pointer = page.locator("#rule-pointer")
    assert pointer.is_visible() and pointer.inner_text().splitlines()[1] == " " * 21 + "^"

    page.fill("#rule-input", 'age >= 18 and sex == "P"')
    page.wait_for_selector("#rule-status.ok")  # a selector, not a JS string: the CSP forbids eval
    assert "1 dari 3" in status.inner_text() and not pointer.is_visible()
    page.click("#source-save")
    page.wait_for_selector("#source-rule")
    assert FundingSource.objects.get(slug="dbhcht").rule == 'age >= 18 and sex == "P"'
