"""The role × action table drives every decision: each role, each action, own area and another area.

The expected answer of every cell is read from ``jaring.accounts.roles.ROLE_ACTIONS``; the decisions are
taken by the functions the pages and endpoints call (scope, dedup, review, programmes), and a few cells
are checked end to end over HTTP (the two faults the security review found).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jaring.accounts.models import ApiToken, Role
from jaring.accounts.roles import ROLE_ACTIONS, Action, markdown_table
from jaring.accounts.scope import scope_for
from jaring.geo.models import Area, AreaLevel
from tests.registry.factories import make_person

ROOT = Path(__file__).resolve().parents[2]
ACTORS = {
    Role.VILLAGE_OPERATOR: "operator.leran",
    Role.BPS_REVIEWER: "bps.reviewer",
    Role.PROGRAMME_OFFICER: "disnaker.officer",
    Role.DATA_STEWARD: "diskominfo.steward",
    Role.SPONSOR: "petrokimia.sponsor",
    Role.AUDITOR: "auditor",
}


@pytest.fixture
def other_village(world: Any) -> Area:
    """A village of another regency (Lamongan), outside every demo user's area."""
    province = world.regency.parent
    regency = Area.objects.create(code="35.24", name="Lamongan", level=AreaLevel.REGENCY, parent=province)
    district = Area.objects.create(code="35.24.01", name="Sukorame", level=AreaLevel.DISTRICT, parent=regency)
    return Area.objects.create(
        code="35.24.01.2001", name="Desa Lain", level=AreaLevel.VILLAGE, parent=district
    )


def _decide(user: Any, action: Action, area: Area) -> bool:
    """What the code that serves ``action`` decides for ``user`` on an object of ``area``."""
    from jaring.dedup.services import can_decide
    from jaring.programmes.services import can_edit, can_read
    from jaring.review.services import is_reviewer

    scope = scope_for(user)
    covers = scope.covers_area(area)
    if action == Action.READ_PERSON:
        return scope.persons().filter(village=area).exists()
    if action in (Action.EDIT_PERSON, Action.IMPORT):
        return scope.can_edit and covers
    if action == Action.READ_CHANGELOG:
        return scope.can_read_changelog and covers
    if action == Action.SEE_AGGREGATES:
        return scope.persons_for_aggregates().filter(village=area).exists()
    if action == Action.REVIEW_STEP:
        return is_reviewer(user) and covers
    if action == Action.MERGE:
        return can_decide(scope, area)
    if action == Action.READ_PROGRAMME:
        return can_read(scope) and scope.areas().filter(pk=area.parent.parent_id).exists()
    if action in (Action.EDIT_PROGRAMME, Action.APPROVE_PLAN):
        return can_edit(scope) and covers and scope.may(action)
    if action == Action.ADMINISTER:
        from jaring.core.admin_site import is_steward

        return is_steward(user) and covers
    raise AssertionError(f"no decision known for {action}")


@pytest.mark.parametrize("role", list(ACTORS))
@pytest.mark.parametrize("action", list(Action))
def test_every_role_action_and_area_cell_follows_the_table(world, other_village, role, action) -> None:
    make_person(world.leran, "Siti Leranwati")
    make_person(other_village, "Budi Lainputra")
    user = world.users[ACTORS[role]]
    expected = action in ROLE_ACTIONS[role]
    assert _decide(user, action, world.leran) == expected, f"{role} {action} own area"
    assert _decide(user, action, other_village) is False, f"{role} {action} other area"


def test_every_role_has_a_row_and_every_action_a_column() -> None:
    assert set(ROLE_ACTIONS) == set(Role.values)
    assert {a for actions in ROLE_ACTIONS.values() for a in actions} == set(Action)


def test_docs_roles_md_holds_the_table_as_generated() -> None:
    doc = (ROOT / "docs" / "roles.md").read_text()
    block = re.search(r"<!-- roles-table:start -->\n(.*?)\n<!-- roles-table:end -->", doc, re.S)
    assert block is not None and block.group(1).strip() == markdown_table().strip()


def _token(user: Any) -> Client:
    _t, key = ApiToken.issue(user, "matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_bps_reviewer_cannot_merge_over_the_api_but_a_data_steward_can(world, bps_reviewer) -> None:
    from jaring.dedup.models import CandidatePair, DedupRun

    a = make_person(world.leran, "Siti Leranwati", birth_date=dt.date(1990, 1, 1))
    b = make_person(world.leran, "Siti Leranwati", birth_date=dt.date(1990, 1, 1))
    run = DedupRun.objects.create(status="done")
    pair = CandidatePair.objects.create(run=run, person_a=a, person_b=b, probability=0.99)
    body = {"version_a": a.version, "version_b": b.version}
    r = _token(bps_reviewer).post(
        f"/api/v1/dedup/pairs/{pair.pk}/merge", body, content_type="application/json"
    )
    assert r.status_code == 403
    steward = world.users["diskominfo.steward"]
    r = _token(steward).post(f"/api/v1/dedup/pairs/{pair.pk}/merge", body, content_type="application/json")
    assert r.status_code == 200, r.content


def test_only_the_programme_officer_creates_programmes(world, programme_officer, data_steward) -> None:
    body = {
        "name": "Program Uji",
        "slug": "program-uji",
        "area_code": world.regency.code,
        "first_month": "2026-01",
        "last_month": "2026-12",
    }
    for user, ok in ((data_steward, False), (world.users["bps.reviewer"], False), (programme_officer, True)):
        r = _token(user).post("/api/v1/programmes", body, content_type="application/json")
        assert (r.status_code == 201) == ok, (user.username, r.status_code, r.content[:200])
