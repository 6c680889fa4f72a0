"""The programmes API: programmes and sources, rule check with counts, premiums; roles and scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from jaring.imports.models import Batch, ReviewStatus
from jaring.programmes.models import FundingSource, Programme, ProgrammeChange
from jaring.registry.models import OccupationCategory
from tests.programmes.factories import DBHCHT_RULE, make_programme, make_source
from tests.registry.factories import make_person

API = "/api/v1/programmes"


@pytest.fixture
def officer_client(programme_officer: Any) -> Client:
    client = Client()
    client.force_login(programme_officer)
    return client


@pytest.fixture
def auditor_client(auditor: Any) -> Client:
    client = Client()
    client.force_login(auditor)
    return client


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def approved_persons(world: Any) -> None:
    """Three approved persons in Leran (two tobacco farmers, one fisherman) and one pending in Gumeno."""
    batch = Batch.objects.create(
        village=world.leran, filename="a.csv", content_hash="a" * 64, review_status=ReviewStatus.APPROVED
    )
    farmer = OccupationCategory.objects.get(slug="tobacco_farmer")
    fisher = OccupationCategory.objects.get(slug="fisherman")
    make_person(world.leran, "Siti", sex="P", batch=batch, occupation=farmer)
    make_person(world.leran, "Ahmad", batch=batch, occupation=farmer, birth_date=dt.date(2009, 1, 1))
    make_person(world.leran, "Rudi", batch=batch, occupation=fisher)
    make_person(world.gumeno, "Budi", occupation=farmer)  # no approved batch: never counted


def test_an_officer_creates_a_programme_and_a_source_and_both_are_logged(
    world: Any, officer_client: Client
) -> None:
    body = {
        "slug": "gresik-x",
        "name": "X",
        "area_code": "35.25",
        "first_month": "2025-07",
        "last_month": "2025-12",
    }
    r = post(officer_client, API, body)
    assert r.status_code == 201, r.content
    assert r.json()["first_month"] == "2025-07" and r.json()["area_name"]
    src = {
        "slug": "csr",
        "name": "CSR PT Petrokimia Gresik",
        "kind": "csr",
        "payer": "petrokimia-gresik",
        "rule": 'village in ["35.25.10.2010"]',
        "first_month": "2025-07",
        "last_month": "2025-09",
        "quota_persons": 50,
        "max_months_per_person": 3,
    }
    r = post(officer_client, f"{API}/gresik-x/sources", src)
    assert r.status_code == 201, r.content
    assert r.json()["payer_name"] == "PT Petrokimia Gresik"
    r = patch(
        officer_client, f"{API}/gresik-x/sources/csr", {"quota_persons": None, "budget_rupiah": 2_520_000}
    )
    assert (
        r.status_code == 200 and r.json()["quota_persons"] is None and r.json()["budget_rupiah"] == 2_520_000
    )
    log = officer_client.get(f"{API}/gresik-x/changes").json()
    assert [(c["model"], c["action"]) for c in log] == [
        ("fundingsource", "update"),
        ("fundingsource", "create"),
        ("programme", "create"),
    ]
    assert log[0]["actor"] == "disnaker.officer" and log[0]["changes"]["quota_persons"] == [50, None]


def test_a_source_with_a_bad_rule_is_refused_and_nothing_is_saved(world: Any, officer_client: Client) -> None:
    make_programme(world, "p1")
    src = {
        "slug": "d",
        "name": "DBHCHT",
        "kind": "dbhcht",
        "rule": "occupation in [fisherman]",
        "first_month": "2025-07",
        "last_month": "2025-12",
    }
    r = post(officer_client, f"{API}/p1/sources", src)
    assert r.status_code == 422
    assert "column 16" in r.json()["detail"] and "kolom 16" in r.json()["detail"]
    assert not FundingSource.objects.exists() and not ProgrammeChange.objects.exists()


def test_months_outside_the_programme_or_reversed_are_refused(world: Any, officer_client: Client) -> None:
    make_programme(world, "p1")
    src = {"slug": "a", "name": "APBD", "kind": "apbd", "first_month": "2025-09", "last_month": "2026-02"}
    assert post(officer_client, f"{API}/p1/sources", src).status_code == 422
    r = patch(officer_client, f"{API}/p1", {"last_month": "2025-01"})
    assert r.status_code == 422 and "last_month" in r.json()["detail"]
    make_source(Programme.objects.get(slug="p1"))  # July to December
    r = patch(officer_client, f"{API}/p1", {"last_month": "2025-10"})
    assert r.status_code == 422 and "DBHCHT" in r.json()["detail"]


def test_readers_read_and_cannot_write_and_operators_see_nothing(
    world: Any, auditor_client: Client, sponsor_client: Client, leran_client: Client
) -> None:
    make_source(make_programme(world, "p1"))
    assert auditor_client.get(f"{API}/p1/sources/dbhcht").status_code == 200
    assert sponsor_client.get(f"{API}/p1").status_code == 200
    assert patch(auditor_client, f"{API}/p1", {"name": "Y"}).status_code == 403
    assert patch(sponsor_client, f"{API}/p1/sources/dbhcht", {"quota_persons": 1}).status_code == 403
    assert leran_client.get(API).json() == []
    assert leran_client.get(f"{API}/p1").status_code == 404
    assert sponsor_client.get(f"{API}/p1/changes").status_code == 403


def test_the_rule_check_counts_approved_persons_in_the_callers_scope(
    world: Any, officer_client: Client, gumeno_client: Client
) -> None:
    approved_persons(world)
    make_programme(world, "p1")
    r = post(
        officer_client, f"{API}/rules/check", {"rule": DBHCHT_RULE + " and age >= 18", "programme": "p1"}
    )
    assert r.status_code == 200
    assert r.json() | {"clauses": []} == {"ok": True, "error": None, "eligible": 1, "total": 3, "clauses": []}
    r = post(officer_client, f"{API}/rules/check", {"rule": ""})
    assert r.json()["eligible"] == 3
    r = post(gumeno_client, f"{API}/rules/check", {"rule": ""})  # Gumeno's approved persons: none
    assert r.json()["eligible"] == 0


def test_the_rule_check_returns_the_error_with_its_column(world: Any, officer_client: Client) -> None:
    r = post(officer_client, f"{API}/rules/check", {"rule": "age >= 18 and incomee > 5"})
    body = r.json()
    assert r.status_code == 200 and body["ok"] is False and body["eligible"] is None
    assert body["error"]["code"] == "unknown_field" and body["error"]["column"] == 15


def test_the_premium_endpoint_gives_the_domain_figures(world: Any, auditor_client: Client) -> None:
    r = auditor_client.get(f"{API}/premium", {"income": 1_000_000, "month": "2025-07", "payer": "csr"})
    assert r.status_code == 200 and r.json()["total"] == 16_800
    r = auditor_client.get(f"{API}/premium", {"month": "2026-05", "payer": "csr", "occupation": "fisherman"})
    assert r.json()["total"] == 8_400 and "PP 50/2025" in r.json()["discount"]
    r = auditor_client.get(f"{API}/premium", {"month": "2026-05", "payer": "apbd", "occupation": "fisherman"})
    assert r.json()["total"] == 16_800 and r.json()["discount"] is None
    assert auditor_client.get(f"{API}/premium", {"month": "2001-01", "payer": "csr"}).status_code == 422
    assert auditor_client.get(f"{API}/premium", {"month": "2025-07", "payer": "bank"}).status_code == 422


def test_anonymous_callers_get_401(anonymous_client: Client) -> None:
    assert anonymous_client.get(API).status_code == 401


def test_a_sponsor_reads_who_passes_a_source_and_why_not_in_both_languages(
    world: Any, sponsor_client: Client
) -> None:
    approved_persons(world)
    make_source(make_programme(world, "p1"), rule=DBHCHT_RULE + " and age >= 18")
    body = sponsor_client.get(f"{API}/p1/sources/dbhcht/eligibility").json()
    assert (body["ok"], body["total"], body["eligible"]) == (True, 3, 1)
    assert [c["failed"] for c in body["clauses"]] == [1, 1]
    assert body["clauses"][0]["reasons"] == [
        {"reason": "occupation 'fisherman' is not among DBHCHT's categories", "persons": 1}
    ]
    body = sponsor_client.get(f"{API}/p1/sources/dbhcht/eligibility", {"lang": "id"}).json()
    assert body["clauses"][1]["reasons"][0]["reason"].startswith("usia 16 kurang dari 18")


def test_priority_criteria_are_validated_through_the_api(world: Any, officer_client: Client) -> None:
    make_programme(world, "p1")
    bad = patch(officer_client, f"{API}/p1", {"priority_criteria": [{"column": "nik", "points": 1}]})
    assert bad.status_code == 422 and "priority_criteria" in bad.json()["detail"]
    good = [{"column": "dependants", "points": 1, "cap": 4}]
    r = patch(officer_client, f"{API}/p1", {"priority_criteria": good})
    assert r.status_code == 200 and r.json()["priority_criteria"] == good
