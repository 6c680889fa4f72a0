from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jaring.accounts.models import ApiToken
from jaring.accounts.scope import scope_for


def test_token_create_prints_a_key_that_works_once_stored_hashed(leran_operator) -> None:
    out = StringIO()
    call_command(
        "token", "create", "--user", "operator.leran", "--name", "laptop", stdout=out, stderr=StringIO()
    )
    key = out.getvalue().strip()
    assert key.startswith("jrg_")
    token = ApiToken.objects.get(name="laptop")
    assert token.key_hash != key and key not in token.key_hash
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me").json()["username"] == "operator.leran"


def test_token_list_never_shows_a_key_and_revoke_disables_it(leran_operator) -> None:
    token, key = ApiToken.issue(leran_operator, "script")
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert token.prefix in listing.getvalue()
    assert key not in listing.getvalue()
    call_command("token", "revoke", token.prefix, stdout=StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me").status_code == 401
    with pytest.raises(CommandError):
        call_command("token", "revoke", token.prefix, stdout=StringIO())


def test_token_create_refuses_an_unknown_user(world) -> None:
    with pytest.raises(CommandError):
        call_command("token", "create", "--user", "nobody", "--name", "x", stdout=StringIO())


def test_the_x_api_key_header_also_authenticates(leran_operator) -> None:
    _token, key = ApiToken.issue(leran_operator, "header")
    assert Client(HTTP_X_API_KEY=key).get("/api/v1/me").status_code == 200


def test_scopes_follow_roles_and_areas(
    world, leran_operator, sponsor, auditor, data_steward, bps_reviewer
) -> None:
    leran = scope_for(leran_operator)
    assert leran.covers_area(world.leran) and not leran.covers_area(world.gumeno)
    assert leran.can_edit and leran.can_read_personal_data
    assert not scope_for(sponsor).can_read_personal_data and scope_for(sponsor).can_see_aggregates
    assert scope_for(auditor).can_read_personal_data and not scope_for(auditor).can_edit
    assert scope_for(bps_reviewer).covers_area(world.gumeno) and not scope_for(bps_reviewer).can_edit
    assert scope_for(data_steward).can_edit and scope_for(data_steward).covers_area(world.gumeno)


def test_a_user_without_a_profile_sees_nothing(world, django_user_model) -> None:
    from tests.registry.factories import make_person

    make_person(world.leran, "Siti Leranwati")
    user = django_user_model.objects.create_user("stray", password="x-very-long-1")
    scope = scope_for(user)
    assert not scope.persons().exists()
    assert not scope.can_see_aggregates
    client = Client()
    client.force_login(user)
    assert b"Siti" not in client.get("/").content
    assert client.get("/persons/").status_code == 403


def test_token_prefixes_are_safe_to_type_on_a_command_line(leran_operator) -> None:
    for _ in range(200):
        token, _key = ApiToken.issue(leran_operator, "many")
        assert token.prefix.isalnum()
