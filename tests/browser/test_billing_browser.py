"""Enrol → answer → bill → pay → reconcile in the browser, as the roles who do each step: the Disnaker
programme officer enrols, imports BPJS's answer, issues the bills, imports the bank statement and
reconciles; the CSR sponsor then sees its bill reconciled (totals only, no NIK)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jaring.core.world import ensure_world
from jaring.enrolment.models import EnrolmentBatch
from jaring.payments.models import Bill
from jaring.programmes import services as programme_services
from tests.browser.conftest import login
from tests.enrolment.flow import ANSWER_HEADER, answer_rows, write_csv
from tests.programmes.scenario import make_scenario

pytestmark = pytest.mark.browser


def test_enrol_answer_bill_pay_and_reconcile_as_the_roles_who_do_each_step(
    browser_page: Any, live_server: Any, tmp_path: Path
) -> None:
    world = ensure_world()
    sc = make_scenario(world)
    officer = world.users["disnaker.officer"]
    programme_services.approve_plan(
        programme_services.compute_and_store(sc.programme, actor=officer, via="web"), actor=officer
    )
    page = browser_page
    login(page, live_server, "disnaker.officer")
    # 1. Enrol: July's CSR batch from the approved plan, and its registration file.
    page.goto(f"{live_server.url}/enrolment/")
    page.fill("#id_programme", sc.programme.slug)
    page.fill("#id_payer", "csr")
    page.fill("#id_month", "2025-07")
    page.click("#batch-create")
    page.wait_for_selector("#batch-counts")
    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename == "ENR-PLAN-2025-CSR-202507.csv"
    # 2. BPJS's answer, imported on the batch page.
    batch = EnrolmentBatch.objects.get()
    assert batch.enrolments.filter(status="sent").count() == 1
    answer = write_csv(tmp_path / "jawaban.csv", ANSWER_HEADER, answer_rows(batch))
    page.goto(f"{live_server.url}/enrolment/{batch.reference}/")
    page.set_input_files("#answer-form input[type=file]", str(answer))
    page.click("#answer-submit")
    page.wait_for_selector("#answer-done")
    assert "1 terdaftar" in page.inner_text("#answer-done")
    # 3. Bill: issue July.
    page.goto(f"{live_server.url}/payments/")
    page.fill("#issue-form #id_programme", sc.programme.slug)
    page.fill("#issue-form #id_month", "2025-07")
    page.click("#issue-submit")
    page.wait_for_selector("tr[data-reference='TAG-PLAN-2025-CSR-202507']")
    assert "Rp16.800" in page.inner_text("tr[data-reference='TAG-PLAN-2025-CSR-202507']")
    # 4. Pay: the bank statement, with the same transfer twice.
    rows = [
        ["2025-07-10", "TAG-PLAN-2025-CSR-202507", "16.800", "T1"],
        ["2025-07-11", "TAG-PLAN-2025-CSR-202507", "16.800", "T2"],
    ]
    statement = write_csv(
        tmp_path / "rekening.csv", ["TANGGAL", "KODE_TAGIHAN", "JUMLAH", "NO_TRANSAKSI"], rows
    )
    page.set_input_files("#statement-form input[type=file]", str(statement))
    page.click("#statement-submit")
    page.wait_for_selector("#outcome-duplicate")
    assert "(1)" in page.inner_text("#outcome-full h2") and "(1)" in page.inner_text("#outcome-duplicate h2")
    # 5. Reconcile July.
    page.goto(f"{live_server.url}/payments/")
    page.fill("#issue-form #id_programme", sc.programme.slug)
    page.fill("#issue-form #id_month", "2025-07")
    page.click("#reconcile-submit")
    page.wait_for_selector("tr[data-reference='TAG-PLAN-2025-CSR-202507'] .status-reconciled")
    assert Bill.objects.get(reference="TAG-PLAN-2025-CSR-202507").status == "reconciled"
    assert "OK" in page.inner_text("#ledger-check")
    # The sponsor sees its bill reconciled, and no person.
    page.click("form[action$='/logout/'] button")
    login(page, live_server, "petrokimia.sponsor")
    page.goto(f"{live_server.url}/payments/?programme={sc.programme.slug}&payer=csr")
    assert "Direkonsiliasi" in page.inner_text("tr[data-reference='TAG-PLAN-2025-CSR-202507']")
    page.goto(f"{live_server.url}/enrolment/{batch.reference}/")
    assert page.locator("#aggregates-only").count() == 1
    assert all(p.nik not in page.content() for p in sc.fishers)
