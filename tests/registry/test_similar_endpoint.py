"""GET /api/v1/persons/similar: the entry form's warning, and what each role may learn from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.registry.factories import make_person

BORN = dt.date(1985, 3, 12)


@pytest.fixture
def siti(world: Any) -> Any:
    """Siti Aminah of Desa Leran."""
    return make_person(world.leran, "Hj. Siti Aminah", sex="P", birth_date=BORN, nik="3525105203850001")


def _get(client: Client, **params: Any) -> Any:
    return client.get("/api/v1/persons/similar", params)


def test_a_similar_name_with_the_same_birth_date_is_reported(siti: Any, leran_client: Client) -> None:
    body = _get(leran_client, name="Siti Aminah binti Umar", birth_date="1985-03-12").json()
    assert body["count"] == 1
    hit = body["items"][0]
    assert hit["reason"] == "name_birth_date" and hit["in_scope"] is True
    assert hit["nik"] == siti.nik and hit["person_id"] == siti.pk
    assert hit["message_id"] == (
        "Orang dengan nama mirip dan tanggal lahir sama sudah terdaftar di Desa Leran."
    )
    assert hit["message_en"] == (
        "A person with a similar name and the same birth date is registered in Desa Leran."
    )


def test_another_birth_date_or_another_name_is_not_similar(siti: Any, leran_client: Client) -> None:
    assert _get(leran_client, name="Siti Aminah", birth_date="1985-03-13").json()["count"] == 0
    assert _get(leran_client, name="Budi Santoso", birth_date="1985-03-12").json()["count"] == 0


def test_old_spelling_is_similar(world: Any, leran_client: Client) -> None:
    make_person(world.leran, "Soeparman", birth_date=BORN)
    body = _get(leran_client, name="Suparman", birth_date="1985-03-12").json()
    assert [i["reason"] for i in body["items"]] == ["name_birth_date"]


def test_a_nik_one_digit_away_is_reported(siti: Any, leran_client: Client) -> None:
    typo = "3525105203850002"
    body = _get(leran_client, nik=typo).json()
    assert [i["reason"] for i in body["items"]] == ["nik_one_digit"]
    assert _get(leran_client, nik="3525105203850022").json()["count"] == 0  # two digits: not reported
    same = _get(leran_client, nik="3525 1052 0385 0001").json()
    assert same["items"][0]["reason"] == "nik_same"


def test_another_villages_operator_learns_the_village_but_not_the_person(
    siti: Any, gumeno_client: Client
) -> None:
    body = _get(gumeno_client, name="Siti Aminah", birth_date="1985-03-12", nik="3525105203850002").json()
    assert body["count"] == 1
    hit = body["items"][0]
    assert hit["village_name"] == "Leran" and hit["in_scope"] is False
    assert hit["nik"] is None and hit["full_name"] is None and hit["person_id"] is None
    assert hit["birth_date"] is None
    assert siti.nik not in str(body)


def test_the_person_being_edited_is_left_out(siti: Any, leran_client: Client) -> None:
    body = _get(leran_client, name="Siti Aminah", birth_date="1985-03-12", exclude=siti.pk).json()
    assert body["count"] == 0


def test_merged_records_are_not_proposed(world: Any, siti: Any, leran_client: Client) -> None:
    other = make_person(world.leran, "Siti Aminah", sex="P", birth_date=BORN)
    other.merged_into = siti
    other.save()
    body = _get(leran_client, name="Siti Aminah", birth_date="1985-03-12").json()
    assert [i["person_id"] for i in body["items"]] == [siti.pk]


def test_sponsors_and_anonymous_users_get_nothing(
    siti: Any, sponsor_client: Client, anonymous_client: Client
) -> None:
    assert _get(sponsor_client, name="Siti Aminah", birth_date="1985-03-12").status_code == 403
    assert _get(anonymous_client, name="Siti Aminah", birth_date="1985-03-12").status_code == 401


def test_the_entry_form_carries_the_warning_box_and_our_script(leran_client: Client) -> None:
    html = leran_client.get("/persons/new/").content.decode()
    assert 'id="similar-warning"' in html
    assert 'data-similar-url="/api/v1/persons/similar"' in html
    assert "registry/similar.js" in html and "cdn" not in html.lower()
