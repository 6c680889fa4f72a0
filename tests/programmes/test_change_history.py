"""Change history a reader understands: field labels, names of related objects, Ya/Tidak, choice labels."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jaring.core import changelog
from jaring.programmes import services
from jaring.programmes.models import FundingSource, ProgrammeChange
from jaring.registry.models import Person, PersonChange
from tests.programmes.scenario import Scenario, make_scenario


@pytest.fixture
def sc(world: Any) -> Scenario:
    return make_scenario(world)


def _history(page: str) -> str:
    return page[page.index('id="changelog"') :]


def test_the_programme_history_names_the_approver_and_says_yes_or_no(
    sc: Scenario, programme_officer: Any, data_steward: Any
) -> None:
    plan = services.compute_and_store(sc.programme, actor=programme_officer, via="web")
    services.approve_plan(plan, actor=programme_officer, via="web")
    assert ProgrammeChange.objects.filter(model="plan").exists()
    client = Client()
    client.force_login(data_steward)
    english = _history(
        client.get(f"/programmes/{sc.programme.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    # Values are data, marked translate="no" (the one-language crawl reads labels, not values).
    value = '<span translate="no">{}</span>'
    assert f"Approved by</strong>: {value.format('—')} → {value.format('disnaker.officer')}" in english
    assert f"Locked</strong>: {value.format('No')} → {value.format('Yes')}" in english
    for raw in ("approved_by", "is_locked", "programme: ", ": False", "→ True"):
        assert raw not in english, raw
    indonesian = _history(client.get(f"/programmes/{sc.programme.slug}/").content.decode())
    assert f"{value.format('Tidak')} → {value.format('Ya')}" in indonesian


def test_a_foreign_key_shows_the_objects_name_and_a_choice_its_label(sc: Scenario, world: Any) -> None:
    source = FundingSource.objects.get(programme=sc.programme, slug="csr")
    change = ProgrammeChange(
        model="fundingsource",
        object_id=source.pk,
        action="create",
        before=None,
        after={"programme": sc.programme.pk, "kind": "csr", "quota_persons": 1500, "updated_at": "x"},
    )
    with translation.override("en"):
        (entry,) = changelog.annotate([change], lambda _c: FundingSource)
    lines = {line.field: line for line in entry.lines}
    assert set(lines) == {"programme", "kind", "quota_persons"}
    assert lines["programme"].after == sc.programme.name
    assert lines["kind"].after == "CSR (company)" and lines["kind"].label == "Kind"
    assert lines["quota_persons"].after == "1.500" and lines["programme"].before == "—"


def test_a_persons_history_names_the_village_and_occupation(sc: Scenario, world: Any) -> None:
    person = sc.fishers[0]
    change = PersonChange.objects.create(
        person_id=person.pk,
        nik=person.nik,
        action="update",
        before={"village_id": world.gumeno.pk, "has_disability": False},
        after={"village_id": world.leran.pk, "has_disability": True},
    )
    with translation.override("id"):
        (entry,) = changelog.annotate([change], lambda _c: Person, lambda c: c.changed_fields())
    lines = {line.field: (line.before, line.after) for line in entry.lines}
    assert lines["village_id"] == ("Gumeno", "Leran")  # the village's name, never its bare code
    assert lines["has_disability"] == ("Tidak", "Ya")
