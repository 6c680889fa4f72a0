"""Plan pages and API: roles and scope, compute/approve/what-if, coverage timelines, XLSX exports."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest
from django.test import Client

from jaring.programmes import services
from jaring.programmes.models import Plan, PlanKind, ProgrammeChange
from tests.programmes.scenario import Scenario, make_scenario
from tests.registry.factories import make_person

API = "/api/v1/programmes"


@pytest.fixture
def sc(world: Any) -> Scenario:
    return make_scenario(world)


@pytest.fixture
def officer_client(programme_officer: Any) -> Client:
    client = Client()
    client.force_login(programme_officer)
    return client


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_an_officer_computes_approves_and_sees_the_plan_page(sc: Scenario, officer_client: Client) -> None:
    url = f"/programmes/{sc.programme.slug}/plan/"
    assert "no-plan" in officer_client.get(url).content.decode()
    response = officer_client.post(url + "compute/")
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?plan={plan.pk}")
    page = officer_client.get(response["Location"]).content.decode()
    assert 'id="plan-approve"' in page and 'id="plan-months"' in page and "Leran" in page
    officer_client.post(url + f"{plan.pk}/approve/")
    plan.refresh_from_db()
    assert plan.version == 1 and plan.is_locked
    page = officer_client.get(url).content.decode()
    assert 'id="plan-approve"' not in page and "v1" in page
    assert ProgrammeChange.objects.filter(model="plan", action="approve", via="web").count() == 1


def test_a_sponsor_sees_the_plans_aggregates_but_never_a_person(
    sc: Scenario, sponsor_client: Client, programme_officer: Any
) -> None:
    services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    page = sponsor_client.get(f"/programmes/{sc.programme.slug}/plan/").content.decode()
    assert 'id="plan-months"' in page and "export-plan" not in page and "coverage-lookup" not in page
    assert sc.ojek.nik not in page
    base = f"/programmes/{sc.programme.slug}"
    assert sponsor_client.get(f"{base}/coverage/?nik={sc.ojek.nik}").status_code == 403
    assert sponsor_client.get(f"{base}/plan/export.xlsx").status_code == 403
    assert sponsor_client.get(f"{base}/what-if/").status_code == 403
    assert sponsor_client.post(f"{base}/plan/compute/").status_code == 403
    assert sponsor_client.get(f"{API}/{sc.programme.slug}/plan").status_code == 200
    assert sponsor_client.get(f"{API}/{sc.programme.slug}/persons/{sc.ojek.nik}/coverage").status_code == 404
    assert sponsor_client.get(f"{API}/{sc.programme.slug}/plan/export").status_code == 403
    assert post(sponsor_client, f"{API}/{sc.programme.slug}/plan", {}).status_code == 403


def test_the_coverage_page_gives_each_month_its_source_or_reason(
    sc: Scenario, officer_client: Client, programme_officer: Any
) -> None:
    services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    page = officer_client.get(
        f"/programmes/{sc.programme.slug}/coverage/?nik={sc.member.nik}"
    ).content.decode()
    # Indonesian by default, in words: no raw reason code.
    assert "NOT_ELIGIBLE" not in page and "DBHCHT tidak mencakup Nelayan" in page
    page = officer_client.get(
        f"/programmes/{sc.programme.slug}/coverage/?nik=3525000000000000"
    ).content.decode()
    assert "coverage-not-found" in page


def test_the_what_if_form_compares_and_lists_who_loses(sc: Scenario, officer_client: Client) -> None:
    base = f"/programmes/{sc.programme.slug}"
    officer_client.post(f"{base}/plan/compute/")
    response = officer_client.post(
        f"{base}/what-if/", {"apbd__budget": "0", "apbd__rule": sc.programme.sources.get(slug="apbd").rule}
    )
    what_if = Plan.objects.get(kind=PlanKind.WHAT_IF)
    assert response.status_code == 302 and what_if.overrides == {"sources": {"apbd": {"budget": 0}}}
    page = officer_client.get(f"{base}/what-if/{what_if.pk}/?which=losses").content.decode()
    assert 'id="what-if-compare"' in page and sc.ojek.nik in page
    bad = officer_client.post(f"{base}/what-if/", {"apbd__first_month": "2030-01"}).content.decode()
    assert 'id="what-if-error"' in bad
    assert Plan.objects.filter(kind=PlanKind.WHAT_IF).count() == 1


def test_the_api_computes_approves_compares_and_explains(sc: Scenario, officer_client: Client) -> None:
    url = f"{API}/{sc.programme.slug}"
    assert officer_client.get(f"{url}/plan").status_code == 404
    created = post(officer_client, f"{url}/plan", {})
    assert created.status_code == 201
    body = created.json()
    assert body["kind"] == "draft" and body["covered_persons"] == 6
    assert {s["key"]: s["persons"] for s in body["sources"]} == {"dbhcht": 2, "csr": 1, "apbd": 4}
    approved = post(officer_client, f"{url}/plan/approve", {})
    assert approved.status_code == 200 and approved.json()["version"] == 1
    assert post(officer_client, f"{url}/plan/approve", {}).status_code == 404  # no draft left
    assert officer_client.get(f"{url}/plan").json()["version"] == 1

    compared = post(officer_client, f"{url}/what-if", {"sources": {"apbd": {"budget": 8 * 16_800}}})
    assert compared.status_code == 201
    cmp = compared.json()
    assert cmp["base"]["version"] == 1 and cmp["losses"] > 0 and cmp["rows"][0]["delta"] < 0
    again = officer_client.get(f"{url}/what-if/{cmp['what_if']['id']}", {"which": "gains"}).json()
    assert again["total"] == cmp["gains"]
    bad = post(officer_client, f"{url}/what-if", {"sources": {"apbd": {"rule": "age >"}}})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_what_if"
    assert [p["kind"] for p in officer_client.get(f"{url}/plans").json()] == ["what_if", "approved"]

    coverage = officer_client.get(f"{url}/persons/{sc.ojek.nik}/coverage").json()
    assert [m["source"] for m in coverage["months"]] == [None, None, "apbd", "apbd", "apbd", "apbd"]
    assert coverage["months"][0]["reason"] == "NO_SOURCE_IN_MONTH"

    export = officer_client.get(f"{url}/plan/export", {"layout": "person_months"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book["plan"].max_row == 1 + 7 * 6
    reasons = officer_client.get(f"{url}/plan/reasons", {"lang": "id"})
    sheet = openpyxl.load_workbook(io.BytesIO(reasons.content))["reasons"]
    assert sheet.max_row == 1 + 12  # 6 + 2 + 4 uncovered person-months


def test_a_village_operator_gets_no_plan_through_the_api_nor_other_pages(
    sc: Scenario, leran_client: Client, programme_officer: Any
) -> None:
    services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    assert leran_client.get(f"{API}/{sc.programme.slug}/plan").status_code == 404
    assert leran_client.get(f"/programmes/{sc.programme.slug}/coverage/?nik={sc.ojek.nik}").status_code == 403
    assert leran_client.get(f"/programmes/{sc.programme.slug}/what-if/").status_code == 403


def test_a_big_registry_is_planned_as_a_background_job_with_its_progress(
    sc: Scenario, officer_client: Client, settings: Any
) -> None:
    from jaring.programmes.models import PlanJob

    settings.JARING_PLAN_BACKGROUND_FROM = 1  # every registry counts as big
    base = f"/programmes/{sc.programme.slug}"
    response = officer_client.post(f"{base}/plan/compute/")
    job = PlanJob.objects.get()
    assert response["Location"] == f"{base}/plan/jobs/{job.pk}/"
    # The test settings run tasks at once: the job is done and its page leads to the plan.
    assert (job.status, job.progress, job.plan.kind) == ("done", 1.0, "draft")
    assert job.message_en.startswith("done in ") and job.message_id.startswith("selesai dalam ")
    assert officer_client.get(response["Location"])["Location"].endswith(f"?plan={job.plan_id}")

    response = officer_client.post(f"{base}/what-if/", {"apbd__budget": "0"})
    what_if_job = PlanJob.objects.exclude(pk=job.pk).get()
    assert what_if_job.kind == "what_if" and what_if_job.plan.base == job.plan
    assert officer_client.get(response["Location"])["Location"] == f"{base}/what-if/{what_if_job.plan_id}/"


def test_a_failed_background_job_says_why_in_both_languages(sc: Scenario, programme_officer: Any) -> None:
    from jaring.programmes.models import PlanJob

    job = PlanJob.objects.create(programme=sc.programme, kind="what_if", overrides={"nope": {}})
    services.run_plan_job(job)
    job.refresh_from_db()
    assert job.status == "failed" and job.plan is None
    assert "no source 'nope'" in job.message_en and "sumber 'nope' tidak ada" in job.message_id


def test_a_persons_page_can_link_to_their_timeline_by_nik(
    sc: Scenario, officer_client: Client, programme_officer: Any, sponsor_client: Client
) -> None:
    url = f"/programmes/persons/?nik={sc.ojek.nik}"
    assert "person-programmes" in officer_client.get(url).content.decode()
    services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    response = officer_client.get(f"/programmes/persons/?nik={sc.ojek.nik}")
    assert response["Location"] == f"/programmes/{sc.programme.slug}/coverage/?nik={sc.ojek.nik}"
    assert sponsor_client.get(f"/programmes/persons/?nik={sc.ojek.nik}").status_code == 403


def test_a_village_operator_sees_the_plan_over_their_village_only(
    sc: Scenario, leran_client: Client, gumeno_client: Client, programme_officer: Any
) -> None:
    plan = services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    page = leran_client.get(f"/programmes/{sc.programme.slug}/plan/").content.decode()
    assert 'id="village-only"' in page and "Gumeno" not in page and "plan-history" not in page
    assert sc.ojek.nik not in page and "export-plan" not in page
    leran = services.scoped_summary(services.view_of(plan), leran_client_user(sc))
    assert leran["persons"] == 5 and leran["covered_persons"] == 5  # the Gumeno pair is left out
    assert {s["key"]: s["persons"] for s in leran["sources"]} == {"dbhcht": 2, "csr": 1, "apbd": 3}
    gumeno = gumeno_client.get(f"/programmes/{sc.programme.slug}/plan/").content.decode()
    assert "Leran" not in gumeno and 'id="plan-months"' in gumeno


def leran_client_user(sc: Scenario) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="operator.leran")


def test_a_person_page_links_to_their_coverage_for_staff_but_not_for_operators(
    world: Any, officer_client: Client, leran_client: Client
) -> None:
    person = make_person(world.leran, "Siti")
    page = officer_client.get(f"/persons/{person.pk}/").content.decode()
    assert f'href="/programmes/persons/?nik={person.nik}" id="person-coverage"' in page
    assert 'id="person-coverage"' not in leran_client.get(f"/persons/{person.pk}/").content.decode()
