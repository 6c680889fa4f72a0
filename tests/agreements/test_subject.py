"""A data subject's request (UU PDP): everything held about one NIK, for the data steward to hand over."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jaring.agreements import access, services
from jaring.programmes import services as programmes
from tests.programmes.scenario import make_scenario


def test_the_export_holds_records_changes_coverage_and_every_read(
    agreements: dict, world: Any, programme_officer: Any, tmp_path: Any
) -> None:
    scenario = make_scenario(world)
    plan = programmes.compute_and_store(scenario.programme, actor=programme_officer, via="web")
    programmes.approve_plan(plan, actor=programme_officer)
    fisher = scenario.fishers[0]
    decision = services.decide_for(
        programme_officer, area_code=fisher.village.code, purpose="targeting", field_groups=["identity"]
    )
    access.record_access(
        programme_officer,
        decision,
        purpose="targeting",
        kind="detail",
        area_code=fisher.village.code,
        person_ids=[fisher.pk],
    )
    out = tmp_path / "subject.json"
    call_command(
        "subject-export",
        "--nik",
        fisher.nik,
        "--user",
        "diskominfo.steward",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    data = json.loads(out.read_text())
    assert data["found"] and [r["id"] for r in data["records"]] == [fisher.pk]
    assert data["records"][0]["village"] == "Leran"
    assert [c["programme"] for c in data["coverage"]] == [scenario.programme.slug]
    assert len(data["coverage"][0]["months"]) == len(plan.months)
    assert [(a["user"], a["agreement"]) for a in data["accesses"]] == [
        ("disnaker.officer", "MOU/PRT/GRESIK/2025")
    ]


def test_only_a_data_steward_handles_the_request_and_an_unknown_nik_is_said_so(agreements: dict) -> None:
    with pytest.raises(CommandError, match="data steward"):
        call_command("subject-export", "--nik", "1", "--user", "disnaker.officer", stdout=StringIO())
    with pytest.raises(CommandError, match="not registered"):
        call_command(
            "subject-export", "--nik", "3525100000000000", "--user", "diskominfo.steward", stdout=StringIO()
        )
