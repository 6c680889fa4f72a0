"""BPS returns a batch with a comment, Leran's operator fixes the person and resubmits, BPS approves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jaring.core.world import ensure_world
from jaring.imports.models import Batch, ReviewStatus
from jaring.imports.services import run_import
from jaring.registry.models import Person
from jaring.review.models import ReviewEvent
from jaring.review.services import transition
from tests.browser.conftest import login
from tests.imports.conftest import good_rows, write_csv

pytestmark = pytest.mark.browser


def logout(page: Any) -> None:
    page.click("#logout")
    page.wait_for_selector("#id_username")


def test_bps_returns_the_operator_fixes_and_resubmits_bps_approves(
    browser_page: Any, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    world = ensure_world()
    operator = world.users["operator.leran"]
    path = write_csv(tmp_path / "SINTETIS-leran-review.csv", good_rows(4))
    batch = run_import(path, village=world.leran, user=operator, commit=True, is_synthetic=True)
    transition(batch, "submit", operator)
    page = browser_page

    # The reviewer finds the batch in the queue, starts the review and returns it with two comments.
    login(page, live_server, "bps.reviewer")
    page.click("#nav-review")
    page.click(f"#queue-table a[href='/review/batches/{batch.pk}/'].queue-link")
    page.click("#action-start")
    page.wait_for_selector("#action-return")
    page.fill("#id_row", "3")
    page.fill("#id_column", "Alamat")
    page.fill("#id_text", "Alamat belum diisi")
    page.click("#comment-submit")
    page.wait_for_selector("#comment-table >> text=Alamat belum diisi")
    page.fill("#id_comment", "Lengkapi alamat baris 3, lalu ajukan ulang")
    page.click("#action-return")
    page.wait_for_selector("#review-status.returned")
    assert Batch.objects.get(pk=batch.pk).review_status == ReviewStatus.RETURNED
    logout(page)

    # The operator sees the returned batch and its comments, fixes the person and resubmits.
    login(page, live_server, "operator.leran")
    page.click("#nav-review")
    assert "Lengkapi alamat baris 3" in page.locator("#queue-table").inner_text()
    page.click(f"#queue-table a[href='/review/batches/{batch.pk}/'].queue-link")
    assert "Lengkapi alamat baris 3" in page.locator("#return-comment").inner_text()
    person = Person.objects.get(batch=batch, source_row=3)
    page.click(f"#comment-table a[href='/persons/{person.pk}/']")
    page.click("#person-edit")
    page.fill("#id_address", "Jl. Raya Leran No. 3")
    page.click("#person-save")
    page.wait_for_selector("#person-edit")
    assert Person.objects.get(pk=person.pk).address == "Jl. Raya Leran No. 3"
    page.goto(f"{live_server.url}/review/batches/{batch.pk}/")
    page.click("#comment-table .resolve-button")
    page.wait_for_selector("#comment-table tr.comment-resolved")
    page.fill("#id_comment", "Alamat sudah dilengkapi")
    page.click("#action-resubmit")
    page.wait_for_selector("#review-status.resubmitted")
    logout(page)

    # The reviewer takes it up again and approves it: its persons now count for programmes.
    login(page, live_server, "bps.reviewer")
    page.click("#nav-review")
    page.click(f"#queue-table a[href='/review/batches/{batch.pk}/'].queue-link")
    page.click("#action-start")
    page.click("#action-approve")
    page.wait_for_selector("#review-status.approved")
    assert Person.objects.approved().filter(batch=batch).count() == 4
    history = page.locator("#event-table").inner_text()
    assert "Alamat sudah dilengkapi" in history
    actions = list(ReviewEvent.objects.filter(batch=batch).values_list("action", flat=True))
    assert actions == ["submit", "start", "return", "resubmit", "start", "approve"]
