"""The data steward finds duplicates from the web page, merges a pair with a value of the other record, and
undoes the merge (only the steward merges: docs/roles.md; BPS supervises, read-only)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from jaring.core.world import ensure_world
from jaring.registry.models import Person
from tests.browser.conftest import login
from tests.dedup.conftest import fake_find_duplicates
from tests.registry.factories import make_person

pytestmark = pytest.mark.browser


def test_the_data_steward_merges_a_duplicate_pair_and_undoes_the_merge(
    browser_page: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake engine keeps this test about the pages; the real engine has its own tests.
    engine = SimpleNamespace(find_duplicates=fake_find_duplicates)
    monkeypatch.setattr("jaring.dedup.services.runs.linkage", lambda: engine)
    world = ensure_world()
    born = dt.date(1990, 5, 17)
    a = make_person(world.leran, "Siti Djuwariyah", sex="P", birth_date=born, phone="+6281234500001")
    b = make_person(world.gumeno, "Siti Juwariyah", sex="P", birth_date=born, phone="+6281234500002")
    make_person(world.leran, "Budi Santoso")
    before = {p.pk: p.snapshot() for p in (a, b)}
    page = browser_page

    login(page, live_server, "diskominfo.steward")
    page.click("#nav-dedup")
    page.wait_for_selector("#run-form")
    page.click("#run-start")
    page.wait_for_selector("#pair-table")
    rows = page.locator("#pair-table tbody tr")
    assert rows.count() == 1
    assert a.nik in rows.first.inner_text() and b.nik in rows.first.inner_text()

    rows.first.locator("a.prob").click()
    page.wait_for_selector("#compare-table")
    assert "differs" in (page.locator("#row-phone").get_attribute("class") or "")
    assert "differs" not in (page.locator("#row-birth_date").get_attribute("class") or "")
    page.check("#choice-phone-b")
    page.click("#merge-button")
    page.wait_for_selector("#undo-button")
    assert "merged" in (page.locator("#pair-status").get_attribute("class") or "")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.phone == "+6281234500002" and b.merged_into_id == a.pk
    assert Person.objects.current().count() == 2

    page.click("#undo-button")
    page.wait_for_selector("#merge-button")
    assert "open" in (page.locator("#pair-status").get_attribute("class") or "")
    for p in (a, b):
        p.refresh_from_db()
        assert p.snapshot() == before[p.pk] and p.merged_into_id is None
