"""Named actors of the Gresik scenario, shared by every test (built by jaring.core.world, like the demo)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jaring.core.world import World, ensure_world


@pytest.fixture
def world(db: Any) -> World:
    """Gresik's areas, the scenario's organisations and one user per role."""
    return ensure_world()


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leran_operator(world: World) -> Any:
    """The operator of Desa Leran (own village only)."""
    return world.users["operator.leran"]


@pytest.fixture
def gumeno_operator(world: World) -> Any:
    """Another village's operator (Desa Gumeno, also in Kecamatan Manyar)."""
    return world.users["operator.gumeno"]


@pytest.fixture
def bps_reviewer(world: World) -> Any:
    return world.users["bps.reviewer"]


@pytest.fixture
def programme_officer(world: World) -> Any:
    return world.users["disnaker.officer"]


@pytest.fixture
def data_steward(world: World) -> Any:
    return world.users["diskominfo.steward"]


@pytest.fixture
def sponsor(world: World) -> Any:
    return world.users["petrokimia.sponsor"]


@pytest.fixture
def auditor(world: World) -> Any:
    return world.users["auditor"]


@pytest.fixture
def leran_client(leran_operator: Any) -> Client:
    return _client_for(leran_operator)


@pytest.fixture
def gumeno_client(gumeno_operator: Any) -> Client:
    return _client_for(gumeno_operator)


@pytest.fixture
def reviewer_client(bps_reviewer: Any) -> Client:
    return _client_for(bps_reviewer)


@pytest.fixture
def steward_client(data_steward: Any) -> Client:
    return _client_for(data_steward)


@pytest.fixture
def sponsor_client(sponsor: Any) -> Client:
    return _client_for(sponsor)


@pytest.fixture
def anonymous_client() -> Client:
    return Client()
