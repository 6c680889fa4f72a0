"""Review pages: queue, batch review page with actions and comments, round quality report and XLSX."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from jaring.collection.models import Round
from jaring.imports.models import Batch, ReviewStatus
from jaring.review.models import QualityThreshold, ReviewEvent, RowComment
from jaring.review.services import transition


@pytest.fixture
def demo_round(world: Any) -> Round:
    return Round.objects.create(
        slug="pendataan-2025",
        name="Pendataan Pekerja Rentan 2025",
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 7, 31),
        organisation=world.organisations["pemkab-gresik"],
        supervisor=world.organisations["bps-gresik"],
    )


def test_the_reviewer_queue_lists_submitted_batches_only(
    leran_batch: Batch, leran_operator: Any, reviewer_client: Client
) -> None:
    assert leran_batch.filename not in reviewer_client.get("/review/").content.decode()
    transition(leran_batch, "submit", leran_operator)
    page = reviewer_client.get("/review/").content.decode()
    assert leran_batch.filename in page and 'id="nav-review"' in page


def test_the_operator_sees_a_returned_batch_with_its_comment_and_resubmits(
    leran_batch: Batch, leran_operator: Any, bps_reviewer: Any, leran_client: Client
) -> None:
    transition(leran_batch, "submit", leran_operator)
    transition(leran_batch, "start", bps_reviewer)
    transition(leran_batch, "return", bps_reviewer, comment="Alamat kosong di semua baris")
    queue = leran_client.get("/review/").content.decode()
    assert "Alamat kosong di semua baris" in queue
    page = leran_client.get(f"/review/batches/{leran_batch.pk}/").content.decode()
    assert 'id="return-comment"' in page and "Alamat kosong" in page and 'id="action-resubmit"' in page
    response = leran_client.post(f"/review/batches/{leran_batch.pk}/action/", {"action": "resubmit"})
    assert response.status_code == 302
    assert Batch.objects.get(pk=leran_batch.pk).review_status == ReviewStatus.RESUBMITTED


def test_the_reviewer_returns_with_a_comment_and_a_row_comment_from_the_page(
    leran_batch: Batch, leran_operator: Any, reviewer_client: Client
) -> None:
    transition(leran_batch, "submit", leran_operator)
    url = f"/review/batches/{leran_batch.pk}/"
    reviewer_client.post(url + "action/", {"action": "start"})
    reviewer_client.post(url + "comments/", {"row": "3", "column": "No HP", "text": "Nomor HP tidak aktif"})
    response = reviewer_client.post(url + "action/", {"action": "return", "comment": "Perbaiki baris 3"})
    assert response.status_code == 302
    assert Batch.objects.get(pk=leran_batch.pk).review_status == ReviewStatus.RETURNED
    comment = RowComment.objects.get(batch=leran_batch)
    assert comment.row == 3 and comment.person is not None and comment.person.source_row == 3
    page = reviewer_client.get(url).content.decode()
    assert "Nomor HP tidak aktif" in page and "Perbaiki baris 3" in page


def test_an_illegal_step_from_the_page_changes_nothing_and_says_why(
    leran_batch: Batch, reviewer_client: Client
) -> None:
    response = reviewer_client.post(
        f"/review/batches/{leran_batch.pk}/action/", {"action": "approve"}, follow=True
    )
    assert Batch.objects.get(pk=leran_batch.pk).review_status == ReviewStatus.NOT_SUBMITTED
    assert not ReviewEvent.objects.exists()
    assert "tidak mungkin" in response.content.decode()


def test_the_review_page_shows_why_a_batch_is_over_a_threshold(
    leran_batch: Batch, reviewer_client: Client
) -> None:
    page = reviewer_client.get(f"/review/batches/{leran_batch.pk}/").content.decode()
    assert 'id="breaches"' in page
    assert "16,7%" in page  # the duplicate rate: one refused duplicate in six rows (Indonesian decimal comma)


def test_another_village_operator_and_a_sponsor_get_no_review_page(
    leran_batch: Batch, gumeno_client: Client, sponsor_client: Client
) -> None:
    assert gumeno_client.get(f"/review/batches/{leran_batch.pk}/").status_code == 404
    assert sponsor_client.get(f"/review/batches/{leran_batch.pk}/").status_code == 404
    assert sponsor_client.get("/review/").status_code == 403
    assert (
        gumeno_client.post(f"/review/batches/{leran_batch.pk}/action/", {"action": "submit"}).status_code
        == 404
    )


def test_the_batch_detail_page_links_to_its_review(leran_batch: Batch, leran_client: Client) -> None:
    page = leran_client.get(f"/imports/{leran_batch.pk}/").content.decode()
    assert f'href="/review/batches/{leran_batch.pk}/"' in page


def test_the_round_report_has_a_row_per_village_and_an_xlsx_export(
    leran_batch: Batch, demo_round: Round, reviewer_client: Client
) -> None:
    Batch.objects.filter(pk=leran_batch.pk).update(round=demo_round)
    page = reviewer_client.get(f"/review/quality/{demo_round.slug}/").content.decode()
    assert 'data-village="35.25.10.2010"' in page and "breach" in page
    assert f'href="/review/batches/{leran_batch.pk}/"' in page  # the per-batch table links to the review
    response = reviewer_client.get(f"/review/quality/{demo_round.slug}/quality.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    header = values[0]
    leran = next(r for r in values if r[0] == "35.25.10.2010")
    assert leran[header.index("persons")] == 5
    assert leran[header.index("duplicate_rate")] == pytest.approx(1 / 6)
    batches = openpyxl.load_workbook(io.BytesIO(response.content))["batches"]
    assert batches.cell(2, 1).value == leran_batch.pk
    batch_header = [c.value for c in batches[1]]
    batch_row = [c.value for c in batches[2]]
    assert batch_row[batch_header.index("persons")] == 5
    assert batch_row[batch_header.index("duplicate_rate")] == pytest.approx(1 / 6)
    assert batch_row[batch_header.index("breaches")] == leran[header.index("breaches")]


def test_the_round_export_neutralises_formulas_in_names(
    leran_batch: Batch, demo_round: Round, reviewer_client: Client
) -> None:
    Round.objects.filter(pk=demo_round.pk).update(name="=HYPERLINK(1)")
    Batch.objects.filter(pk=leran_batch.pk).update(round=demo_round)
    response = reviewer_client.get(f"/review/quality/{demo_round.slug}/quality.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.cell(1, 1).value == "'=HYPERLINK(1)"


def test_a_data_steward_edits_thresholds_in_the_admin(steward_client: Client) -> None:
    assert steward_client.get("/admin/review/qualitythreshold/").status_code == 200


def test_the_round_report_can_show_only_villages_over_a_threshold(
    leran_batch: Batch,
    demo_round: Round,
    reviewer_client: Client,
    world: Any,
    var_dir: Any,
    gumeno_operator: Any,
) -> None:
    from tests.review.conftest import GUMENO, committed_batch, good_rows

    clean = committed_batch(var_dir, world.gumeno, gumeno_operator, good_rows(3, GUMENO, start=50), "gumeno")
    Batch.objects.filter(pk__in=[leran_batch.pk, clean.pk]).update(round=demo_round)
    QualityThreshold.objects.filter(indicator="completeness").update(enabled=False)
    url = f"/review/quality/{demo_round.slug}/"
    everything = reviewer_client.get(url).content.decode()
    assert 'data-village="35.25.10.2004"' in everything and 'data-village="35.25.10.2010"' in everything
    over = reviewer_client.get(url + "?over=1").content.decode()
    assert 'data-village="35.25.10.2010"' in over  # its duplicate row
    assert 'data-village="35.25.10.2004"' not in over
