"""Computing, explaining, approving and what-ifs of plans on a small approved registry."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import openpyxl
import pytest
from django.core.management import CommandError, call_command

from jaring.programmes import services
from jaring.programmes.models import Plan, PlanKind, ProgrammeChange
from tests.programmes.scenario import make_scenario


def months_of(view: services.PlanView, person: Any) -> list[str | None]:
    row = int(np.flatnonzero(view.person_ids == person.pk)[0])
    keys = [s["key"] for s in view.sources]
    return [keys[s] if s >= 0 else None for s in view.assignment[row]]


def test_the_plan_follows_quotas_months_and_hands_over_to_apbd(world: Any) -> None:
    sc = make_scenario(world)
    view = services.compute_plan(sc.programme)
    by_key = {s["key"]: s for s in view.summary["sources"]}
    assert by_key["dbhcht"]["persons"] == 2 and by_key["dbhcht"]["remaining_quota"] == 0
    assert by_key["csr"]["persons"] == 1 and by_key["csr"]["cost"] == 3 * 16_800
    dbhcht_paid = [p for p in sc.tobacco if months_of(view, p)[0] == "dbhcht"]
    assert len(dbhcht_paid) == 2
    # The third tobacco farmer waits for APBD (from September), as does the second fisherman.
    (left_out,) = [p for p in sc.tobacco if p not in dbhcht_paid]
    assert months_of(view, left_out) == [None, None, "apbd", "apbd", "apbd", "apbd"]
    csr_paid = [p for p in sc.fishers if months_of(view, p)[0] == "csr"]
    assert len(csr_paid) == 1
    assert months_of(view, csr_paid[0]) == ["csr", "csr", "csr", "apbd", "apbd", "apbd"]
    assert months_of(view, sc.ojek) == [None, None, "apbd", "apbd", "apbd", "apbd"]
    assert months_of(view, sc.member) == [None] * 6
    assert view.summary["uncovered_persons"] == {"NOT_ELIGIBLE": 1, "NO_SOURCE_IN_MONTH": 1, "CAPACITY": 2}
    assert services.plan_json(view)["uncovered"] == view.summary["uncovered_persons"]


def test_every_uncovered_month_has_a_reason_in_both_languages(world: Any) -> None:
    sc = make_scenario(world)
    view = services.compute_plan(sc.programme)
    member = services.person_coverage(view, sc.member)
    assert member is not None and {m["reason"] for m in member} == {"NOT_ELIGIBLE"}
    first = member[0]
    assert first["reason_en"].startswith("not eligible for any source: ")
    assert "occupation 'fisherman' is not among DBHCHT's categories" in first["reason_en"]
    assert "pekerjaan 'fisherman' tidak termasuk kategori DBHCHT" in first["reason_id"]
    assert {d["source"] for d in first["details"]} == {"dbhcht", "csr", "apbd"}

    ojek = services.person_coverage(view, sc.ojek)
    assert ojek is not None and ojek[0]["reason"] == "NO_SOURCE_IN_MONTH"
    assert "APBD Kabupaten Gresik pays 2025-09 – 2025-12" in ojek[0]["reason_en"]
    assert ojek[2]["source"] == "apbd" and ojek[2]["cost"] == 16_800

    (left_out,) = [p for p in sc.tobacco if months_of(view, p)[0] is None]
    waits = services.person_coverage(view, left_out)
    assert waits is not None and waits[0]["reason"] == "CAPACITY"
    (detail,) = waits[0]["details"]
    assert detail["source"] == "dbhcht" and detail["limits"] == ["QUOTA"]
    assert detail["priority"] <= detail["priority_cutoff"]
    assert (
        "quota of 2 persons reached" in waits[0]["reason_en"]
        and "kuota 2 orang penuh" in waits[0]["reason_id"]
    )


def test_a_what_if_with_a_lower_apbd_budget_shows_who_loses_and_leaves_the_approved_plan_alone(
    world: Any, programme_officer: Any
) -> None:
    sc = make_scenario(world)
    approved = services.approve_plan(
        services.compute_and_store(sc.programme, actor=programme_officer, via="web"), actor=programme_officer
    )
    before = services.plan_arrays(Plan.objects.get(pk=approved.pk))
    budget_before = sc.programme.sources.get(slug="apbd").budget_rupiah
    what_if = services.run_what_if(
        sc.programme, {"apbd": {"budget": 8 * 16_800}}, actor=programme_officer, via="web"
    )
    assert what_if.kind == PlanKind.WHAT_IF and what_if.base == approved
    assert what_if.overrides == {"sources": {"apbd": {"budget": 8 * 16_800}}}
    assert sc.programme.sources.get(slug="apbd").budget_rupiah == budget_before
    after = services.plan_arrays(Plan.objects.get(pk=approved.pk))
    assert all(np.array_equal(before[k], after[k]) for k in before)

    cmp = services.compare_plans(services.view_of(approved), services.view_of(what_if))
    apbd = next(s for s in cmp["sources"] if s["key"] == "apbd")
    assert apbd["cost"][1] <= 8 * 16_800 < apbd["cost"][0]
    assert cmp["losses"] > 0 and cmp["covered_person_months"][1] < cmp["covered_person_months"][0]
    page = services.changes_page(cmp["changes"], programme_officer, which="losses", per_page=1)
    assert page["total"] == cmp["losses"] and page["pages"] == cmp["losses"] and len(page["rows"]) == 1
    assert page["rows"][0]["delta"] < 0 and page["rows"][0]["nik"]


def test_a_sponsor_gets_counts_of_gains_and_losses_but_never_a_person(world: Any, sponsor: Any) -> None:
    sc = make_scenario(world)
    base = services.compute_plan(sc.programme)
    other = services.compute_plan(sc.programme, {"apbd": {"budget": 0}})
    cmp = services.compare_plans(base, other)
    page = services.changes_page(cmp["changes"], sponsor)
    assert page["total"] == cmp["losses"] > 0 and page["rows"] == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nope": {"budget": 1}}, "no source 'nope'"),
        ({"apbd": {"salary": 1}}, "field 'salary' cannot be changed"),
        ({"apbd": {"budget": "lots"}}, "bad value of 'budget'"),
        ({"apbd": {"first_month": "2024-01"}}, "within the programme's months"),
        ({"apbd": {"rule": "age = 3"}}, "use '==' to compare"),
        ({"apbd": {"max_months_per_person": 0}}, "At least one month"),
    ],
)
def test_a_what_if_that_cannot_be_applied_is_refused_clearly(world: Any, changes: Any, message: str) -> None:
    sc = make_scenario(world)
    with pytest.raises(services.WhatIfError, match=message):
        services.compute_plan(sc.programme, changes)


def test_a_what_if_can_move_a_start_month_and_change_a_rule(world: Any) -> None:
    sc = make_scenario(world)
    later = services.compute_plan(sc.programme, {"apbd": {"first_month": "2025-11"}})
    assert months_of(later, sc.ojek) == [None, None, None, None, "apbd", "apbd"]
    wider = services.compute_plan(sc.programme, {"apbd": {"rule": ""}, "dbhcht": {"quota": None}})
    assert months_of(wider, sc.member)[2:] == ["apbd"] * 4
    assert all(months_of(wider, p)[0] == "dbhcht" for p in sc.tobacco)


def test_approval_numbers_versions_and_the_demo_style_cli_prints_and_approves(
    world: Any, programme_officer: Any, tmp_path: Any
) -> None:
    sc = make_scenario(world)
    out = io.StringIO()
    call_command(
        "plan", "--programme", sc.programme.slug, "--approve", "--user", "disnaker.officer", stdout=out
    )
    assert "version 1" in out.getvalue()
    assert ProgrammeChange.objects.filter(model="plan", action="approve").count() == 1

    out = io.StringIO()
    call_command("plan", "--programme", sc.programme.slug, "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["programme"] == sc.programme.slug and printed["seconds"] >= 0
    assert [s["name"] for s in printed["sources"]] == [
        "DBHCHT",
        "CSR PT Petrokimia Gresik",
        "APBD Kabupaten Gresik",
    ]
    assert printed["sources"][1]["months"]["2025-07"] == {"persons": 1, "cost": 16_800}
    assert printed["uncovered"] == {"NOT_ELIGIBLE": 1, "NO_SOURCE_IN_MONTH": 1, "CAPACITY": 2}

    out = io.StringIO()
    call_command("plan", "--programme", sc.programme.slug, "--person", sc.ojek.nik, "--json", stdout=out)
    person = json.loads(out.getvalue())
    assert [m["source"] for m in person["months"]] == [None, None, "apbd", "apbd", "apbd", "apbd"]
    assert person["months"][0]["reason"] == "NO_SOURCE_IN_MONTH"

    what_if = tmp_path / "what-if.json"
    what_if.write_text(json.dumps({"sources": {"apbd": {"budget": 0}}}))
    out = io.StringIO()
    call_command("plan", "--programme", sc.programme.slug, "--what-if", str(what_if), "--json", stdout=out)
    assert json.loads(out.getvalue())["sources"][2]["persons"] == 0
    assert Plan.objects.filter(kind=PlanKind.WHAT_IF).count() == 0  # printed, not stored

    what_if.write_text(json.dumps({"sources": {"bpjs": {}}}))
    with pytest.raises(CommandError, match="no source 'bpjs'"):
        call_command("plan", "--programme", sc.programme.slug, "--what-if", str(what_if))
    with pytest.raises(CommandError, match="--user"):
        call_command("plan", "--programme", sc.programme.slug, "--approve")


def test_a_broken_what_if_file_is_a_bilingual_error_and_a_bug_is_not_hidden_as_one(
    world: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from jaring.programmes.management.commands.plan import read_what_if

    broken = tmp_path / "what-if.json"
    broken.write_text('{"sources": ')
    with pytest.raises(CommandError, match="tidak valid / the what-if file is not valid"):
        read_what_if(broken)
    yaml_file = tmp_path / "what-if.yaml"
    yaml_file.write_text("sources: [unclosed")
    with pytest.raises(CommandError, match="tidak valid / the what-if file is not valid"):
        read_what_if(yaml_file)

    def bug(text: str) -> Any:
        raise KeyError("a bug in the reader")

    # Only a bad file is reported as one; anything else surfaces as itself.
    monkeypatch.setattr("jaring.programmes.management.commands.plan.json.loads", bug)
    with pytest.raises(KeyError):
        read_what_if(broken)


def test_the_exports_hold_every_person_month_and_neutralise_formulas(
    world: Any, programme_officer: Any
) -> None:
    sc = make_scenario(world)
    view = services.compute_plan(sc.programme)
    wide = services.export_rows(view, programme_officer, layout="months")
    assert wide.height == 7 and "2025-07" in wide.columns
    assert "'=Ojek HYPERLINK" in wide["name"].to_list()
    long = services.export_rows(view, programme_officer, layout="person_months")
    assert long.height == 7 * 6
    reasons = services.reasons_rows(view, programme_officer, language="id")
    assert set(reasons["reason"].to_list()) == {"NOT_ELIGIBLE", "NO_SOURCE_IN_MONTH", "CAPACITY"}
    assert reasons.height == int((view.reasons > 0).sum())
    member = reasons.filter(reasons["reason"] == "NOT_ELIGIBLE")
    assert "pekerjaan 'fisherman' tidak termasuk kategori DBHCHT" in member["failing_clauses"][0]
    book = openpyxl.load_workbook(io.BytesIO(services.to_xlsx(wide, "plan")))
    cells = [c.value for row in book["plan"].iter_rows() for c in row]
    assert "'=Ojek HYPERLINK" in cells and not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_the_village_table_counts_only_the_users_villages(
    world: Any, leran_operator: Any, programme_officer: Any
) -> None:
    sc = make_scenario(world)
    view = services.compute_plan(sc.programme)
    everywhere = {r["code"]: r for r in services.village_table(view, programme_officer)}
    assert everywhere[world.leran.code]["persons"] == 5 and everywhere[world.gumeno.code]["persons"] == 2
    assert everywhere[world.gumeno.code]["covered"] == 1
    mine = services.village_table(view, leran_operator)
    assert [r["code"] for r in mine] == [world.leran.code]
