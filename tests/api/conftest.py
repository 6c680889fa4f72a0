from typing import Any

import pytest
from django.test import Client

from jaring.accounts.models import ApiToken
from tests.registry.factories import make_person


def token_client(user: Any) -> Client:
    """A client that sends a fresh bearer token of ``user`` (no session)."""
    _token, key = ApiToken.issue(user, "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def people(world):
    leran = make_person(world.leran, "Siti Leranwati", sex="P", kk="3525100101010001")
    gumeno = make_person(world.gumeno, "Budi Gumenoputra")
    return leran, gumeno
