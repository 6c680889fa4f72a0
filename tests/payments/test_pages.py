"""Enrolment and bill pages and the API, walked by the roles who do each step, in both languages, with
each role's scope: a village operator sees only their own village's persons, a sponsor only totals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jaring.enrolment.models import Enrolment
from jaring.payments.models import Bill
from tests.enrolment.flow import ANSWER_HEADER, answer_rows, approved_scenario, write_csv

JULY = dt.date(2025, 7, 1)


def client_for(user: Any, language: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    c.cookies["django_language"] = language
    return c


@pytest.mark.django_db
def test_the_programme_officer_enrols_imports_the_answer_issues_and_records_payment_on_the_pages(
    world: Any, tmp_path: Path
) -> None:
    sc = approved_scenario(world)
    officer = client_for(world.users["disnaker.officer"])
    r = officer.post("/enrolment/", {"programme": sc.programme.slug, "payer": "csr", "month": "2025-07"})
    assert r.status_code == 302 and r["Location"].endswith("/enrolment/ENR-PLAN-2025-CSR-202507/")
    page = officer.get(r["Location"])
    assert page.status_code == 200 and any(p.nik in page.content.decode() for p in sc.fishers)
    xlsx = officer.get("/enrolment/ENR-PLAN-2025-CSR-202507/file.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    batch = sc.programme.enrolment_batches.get()
    path = write_csv(tmp_path / "answer.csv", ANSWER_HEADER, answer_rows(batch))
    with path.open("rb") as fh:
        done = officer.post("/enrolment/answer/", {"file": fh})
    assert done.status_code == 200 and "1 registered" in done.content.decode()
    r = officer.post("/payments/issue/", {"programme": sc.programme.slug, "month": "2025-07"})
    assert r.status_code == 302
    listing = officer.get("/payments/?programme=plan-2025&month=2025-07").content.decode()
    assert "TAG-PLAN-2025-CSR-202507" in listing and "Rp16,800" in listing
    statement = write_csv(
        tmp_path / "s.csv",
        ["TANGGAL", "KODE_TAGIHAN", "JUMLAH"],
        [["2025-07-10", "TAG-PLAN-2025-CSR-202507", "16800"]],
    )
    with statement.open("rb") as fh:
        r = officer.post("/payments/statements/", {"file": fh})
    assert r.status_code == 302
    report = officer.get(r["Location"]).content.decode()
    assert "Full payments (1)" in report
    officer.post("/payments/reconcile/", {"programme": sc.programme.slug, "month": "2025-07"})
    assert Bill.objects.get(reference="TAG-PLAN-2025-CSR-202507").status == "reconciled"
    burn = (
        client_for(world.users["disnaker.officer"], "id")
        .get("/payments/burndown/plan-2025/")
        .content.decode()
    )
    assert "Rp16.800" in burn and "Jul 2025" in burn


@pytest.mark.django_db
def test_a_bad_statement_on_the_page_names_its_lines_and_writes_nothing(world: Any, tmp_path: Path) -> None:
    approved_scenario(world)
    officer = client_for(world.users["disnaker.officer"], "id")
    bad = write_csv(tmp_path / "bad.csv", ["TANGGAL", "KODE_TAGIHAN", "JUMLAH"], [["2025-07-10", "X", "abc"]])
    with bad.open("rb") as fh:
        page = officer.post("/payments/statements/", {"file": fh}).content.decode()
    assert "jumlah &#x27;abc&#x27; bukan rupiah bulat" in page


@pytest.mark.django_db
def test_a_village_operator_sees_only_their_villages_persons_and_a_sponsor_only_counts(world: Any) -> None:
    from jaring.enrolment import services

    sc = approved_scenario(world)
    officer = world.users["disnaker.officer"]
    apbd = services.source_for(sc.programme, "apbd")
    batch = services.create_batch(sc.programme, apbd, dt.date(2025, 9, 1), actor=officer, via="t")
    url = f"/enrolment/{batch.reference}/"
    leran_niks = set(
        Enrolment.objects.filter(batch=batch, person__village=world.leran).values_list(
            "person__nik", flat=True
        )
    )
    assert leran_niks and sc.ojek.nik not in leran_niks
    gumeno = client_for(world.users["operator.gumeno"]).get(url).content.decode()
    assert sc.ojek.nik in gumeno and not any(n in gumeno for n in leran_niks)
    leran = client_for(world.users["operator.leran"]).get(url).content.decode()
    assert sc.ojek.nik not in leran and all(n in leran for n in leran_niks)
    sponsor = client_for(world.users["petrokimia.sponsor"])
    page = sponsor.get(url).content.decode()
    assert 'id="aggregates-only"' in page and sc.ojek.nik not in page and "ojek" not in page.lower()
    assert (
        sponsor.post("/payments/issue/", {"programme": sc.programme.slug, "month": "2025-09"}).status_code
        == 403
    )
    assert sponsor.get(f"/enrolment/{batch.reference}/file.csv").status_code == 403
    assert Client().get(url).status_code == 302  # anonymous: to the login page


@pytest.mark.django_db
def test_the_api_walks_batch_file_answer_issue_statement_and_ledger_check(world: Any, tmp_path: Path) -> None:
    sc = approved_scenario(world)
    officer = client_for(world.users["disnaker.officer"])
    r = officer.post(
        "/api/v1/enrolment/batches",
        {"programme": "plan-2025", "payer": "dbhcht", "month": "2025-07"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["persons"] == 2
    ref = r.json()["reference"]
    assert officer.get(f"/api/v1/enrolment/batches/{ref}/file?format=csv").status_code == 200
    batch = sc.programme.enrolment_batches.get(reference=ref)
    path = write_csv(tmp_path / "a.csv", ANSWER_HEADER, answer_rows(batch))
    with path.open("rb") as fh:
        assert officer.post("/api/v1/enrolment/answers", {"file": fh}).json()["registered"] == 2
    bad = write_csv(tmp_path / "b.csv", ANSWER_HEADER, [[ref, "123", "TERDAFTAR", "1", "", ""]])
    with bad.open("rb") as fh:
        refused = officer.post("/api/v1/enrolment/answers", {"file": fh})
    assert refused.status_code == 422 and "bad_nik" in {p["code"] for p in refused.json()["problems"]}
    bills = officer.post(
        "/api/v1/payments/bills/issue",
        {"programme": "plan-2025", "month": "2025-07"},
        content_type="application/json",
    ).json()
    assert {(b["payer_kind"], b["persons"], b["amount"], b["status"]) for b in bills} == {
        ("dbhcht", 2, 33_600, "issued")
    }
    s = write_csv(
        tmp_path / "s.csv",
        ["TANGGAL", "KODE_TAGIHAN", "JUMLAH"],
        [["2025-07-10", bills[0]["reference"], "30000"]],
    )
    with s.open("rb") as fh:
        report = officer.post("/api/v1/payments/statements", {"file": fh}).json()
    assert report["counts"]["short"] == 1
    assert officer.get("/api/v1/payments/ledger/check").json()["ok"] is True
    sponsor = client_for(world.users["petrokimia.sponsor"])
    listed = sponsor.get("/api/v1/payments/bills?programme=plan-2025").json()
    assert [b["amount"] for b in listed] == [33_600]
    r = sponsor.post(
        "/api/v1/payments/bills/issue",
        {"programme": "plan-2025", "month": "2025-08"},
        content_type="application/json",
    )
    assert r.status_code == 403
    with s.open("rb") as fh:
        assert sponsor.post("/api/v1/payments/statements", {"file": fh}).status_code == 403
    with bad.open("rb") as fh:
        assert sponsor.post("/api/v1/enrolment/answers", {"file": fh}).status_code == 403
    assert Client().get("/api/v1/payments/bills?programme=plan-2025").status_code == 401
