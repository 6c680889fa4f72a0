"""The programme pages: list, programme and source pages, forms with the rule editor; roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jaring.imports.models import Batch, ReviewStatus
from jaring.programmes.models import FundingSource, Programme, ProgrammeChange
from jaring.registry.models import OccupationCategory
from tests.programmes.factories import make_programme, make_source
from tests.registry.factories import make_person


@pytest.fixture
def officer_client(programme_officer: Any) -> Client:
    client = Client()
    client.force_login(programme_officer)
    return client


def test_the_nav_links_programmes_for_staff_and_sponsors_only(
    world: Any, officer_client: Client, sponsor_client: Client, leran_client: Client
) -> None:
    assert 'id="nav-programmes"' in officer_client.get("/").content.decode()
    assert 'id="nav-programmes"' in sponsor_client.get("/").content.decode()
    assert 'id="nav-programmes"' not in leran_client.get("/").content.decode()
    assert leran_client.get("/programmes/").status_code == 403


def test_an_officer_creates_a_programme_and_a_source_through_the_pages(
    world: Any, officer_client: Client
) -> None:
    r = officer_client.post(
        "/programmes/new/",
        {
            "slug": "p1",
            "name": "P1",
            "area": world.regency.pk,
            "first_month": "2025-07",
            "last_month": "2025-12",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Programme.objects.get(slug="p1").last_month == dt.date(2025, 12, 1)
    form = {
        "slug": "dbhcht",
        "name": "DBHCHT",
        "kind": "dbhcht",
        "rule": 'occupation in ["tobacco_farmer"] and age >= 18',
        "first_month": "2025-07",
        "last_month": "2025-12",
        "quota_persons": "1808",
    }
    r = officer_client.post("/programmes/p1/sources/new/", form)
    assert r.status_code == 302
    assert FundingSource.objects.get(slug="dbhcht").quota_persons == 1808
    assert ProgrammeChange.objects.filter(via="web").count() == 2
    r = officer_client.post("/programmes/p1/sources/new/", form)  # the same slug again
    assert r.status_code == 200 and "sudah memakai slug ini" in r.content.decode()


def test_a_bad_rule_is_shown_with_its_position_and_not_saved(world: Any, officer_client: Client) -> None:
    programme = make_programme(world, "p1")
    source = make_source(programme)
    r = officer_client.post(
        f"/programmes/p1/sources/{source.slug}/edit/",
        {
            "name": "DBHCHT",
            "kind": "dbhcht",
            "rule": "age >= 18 and",
            "first_month": "2025-07",
            "last_month": "2025-12",
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and "column 14" in page and "kolom 14" in page
    source.refresh_from_db()
    assert source.rule.startswith("occupation in")


def test_the_source_page_counts_who_passes_and_why_others_fail(world: Any, sponsor_client: Client) -> None:
    batch = Batch.objects.create(
        village=world.leran, filename="a.csv", content_hash="a" * 64, review_status=ReviewStatus.APPROVED
    )
    farmer = OccupationCategory.objects.get(slug="tobacco_farmer")
    fisher = OccupationCategory.objects.get(slug="fisherman")
    make_person(world.leran, "Siti Aminah", sex="P", batch=batch, occupation=farmer)
    make_person(world.leran, "Rudi Hartono", batch=batch, occupation=fisher)
    make_person(world.leran, "Joko Susilo", batch=batch, occupation=fisher)
    make_source(make_programme(world, "p1"))
    page = sponsor_client.get("/programmes/p1/sources/dbhcht/").content.decode()
    assert "1 dari 3 orang tersetujui" in page
    # The default language is Indonesian, so is the reason.
    assert "pekerjaan &#x27;fisherman&#x27; tidak termasuk kategori DBHCHT (2)" in page
    assert "Siti Aminah" not in page and "Rudi" not in page  # counts only, never persons
    assert 'id="source-edit"' not in page


def test_the_rule_editor_page_carries_the_live_check(world: Any, officer_client: Client) -> None:
    make_source(make_programme(world, "p1"))
    page = officer_client.get("/programmes/p1/sources/dbhcht/edit/").content.decode()
    assert 'data-check-url="/api/v1/programmes/rules/check"' in page
    assert "programmes/rule_editor.js" in page and "cdn" not in page.lower()


def test_readers_cannot_open_the_forms(world: Any, sponsor_client: Client, reviewer_client: Client) -> None:
    make_source(make_programme(world, "p1"))
    assert sponsor_client.get("/programmes/p1/edit/").status_code == 403
    assert reviewer_client.get("/programmes/p1/sources/dbhcht/edit/").status_code == 403
    assert reviewer_client.get("/programmes/p1/").status_code == 200
    assert reviewer_client.get("/programmes/nope/").status_code == 404


def test_the_premium_page_marks_unverified_rates_and_computes_a_month(
    world: Any, sponsor_client: Client
) -> None:
    page = sponsor_client.get("/programmes/premiums/").content.decode()
    assert "PP 50/2025: pekerja transportasi" in page and "<strong>belum terverifikasi</strong>" in page
    assert "transport workers" not in page and "BPU contributions" not in page  # one language per page
    assert "207,000" in page or "207.000" in page
    page = sponsor_client.get(
        "/programmes/premiums/",
        {"income": "1000000", "month": "2026-02", "payer": "csr", "occupation": "ojek_driver"},
    ).content.decode()
    assert 'id="premium-result"' in page and ("8,400" in page or "8.400" in page)
    page = sponsor_client.get("/programmes/premiums/", {"month": "2001-01", "payer": "csr"}).content.decode()
    assert 'id="premium-error"' in page and "2001-01" in page


def test_a_source_without_budget_or_quota_shows_a_dash_not_none(world: Any, officer_client: Client) -> None:
    make_source(make_programme(world, "p1"), quota_persons=None)
    for url in ("/programmes/p1/", "/programmes/p1/sources/dbhcht/"):
        page = officer_client.get(url).content.decode()
        assert ">None<" not in page and "—" in page
