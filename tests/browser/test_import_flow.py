"""Leran's operator uploads a spreadsheet with errors, reads the row issues, commits and opens a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jaring.core.world import ensure_world
from jaring.registry.models import Person
from tests.browser.conftest import login
from tests.imports.conftest import LERAN, good_rows, write_csv

pytestmark = pytest.mark.browser


def test_leran_operator_uploads_sees_row_issues_commits_and_opens_a_person(
    browser_page: Any, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_world()
    rows = good_rows(4)
    rows.append([5, "3.52510E+15", "Excel Rusak", "L", "01/01/1980", LERAN, "Nelayan", ""])
    rows.append([6, rows[0][1], "Kembar", "L", rows[0][4], LERAN, "Nelayan", ""])
    path = write_csv(tmp_path / "SINTETIS-leran-browser.csv", rows)
    page = browser_page

    login(page, live_server, "operator.leran")
    page.click("#nav-imports")
    page.click("#import-new")
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_village", LERAN)
    page.click("#upload-submit")

    page.wait_for_selector("#commit-button")
    issues = page.locator("#issue-table").inner_text()
    # Labels for readers; the codes stay in the cells' data-code (and title) attributes.
    assert "NIK rusak oleh Excel" in issues and "NIK berulang dalam berkas" in issues
    codes = page.locator("#issue-table td[data-code]").evaluate_all("els => els.map(e => e.dataset.code)")
    assert "nik_scientific" in codes and "nik_duplicate_in_file" in codes
    assert page.locator("#rows-errors").inner_text() == "2"
    assert page.locator("#rows-valid").inner_text() == "4"

    page.select_option("#id_severity", "error")
    page.click("#issue-filters button")
    assert page.locator("#issue-table tbody tr").count() == 2

    page.click("#commit-button")
    page.wait_for_selector("#to-registry")
    assert page.locator("#rows-committed").inner_text() == "4"
    assert Person.objects.count() == 4

    person = Person.objects.order_by("source_row").first()
    assert person is not None
    page.goto(f"{live_server.url}/persons/{person.pk}/")
    assert person.full_name in page.content()
    assert person.nik in page.content()
