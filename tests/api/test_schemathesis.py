"""A schemathesis run over the whole API schema: whatever it sends, no operation answers with a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from jaring.accounts.models import ApiToken
from tests.registry.factories import make_person


@pytest.fixture
def steward_token(world: Any, data_steward: Any) -> str:
    """A data steward's token, with some persons present (and a batch if the import app can make one)."""
    make_person(world.leran, "Siti Leranwati", sex="P", kk="3525100101010001")
    make_person(world.gumeno, "Budi Gumenoputra")
    from jaring.imports.models import Batch

    Batch.objects.create(village=world.leran, filename="t.csv", content_hash="0" * 64, is_synthetic=True)
    _token, key = ApiToken.issue(data_steward, "schemathesis")
    return key


@pytest.fixture
def api_schema(steward_token: str) -> Iterator[Any]:
    # The real WSGI handler closes "old" connections after each request, which on PostgreSQL closes the
    # test's transaction; Django's own test client switches this off the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_no_api_operation_answers_with_a_server_error(api_schema: Any, steward_token: str) -> None:
    headers = {"Authorization": f"Bearer {steward_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8  # the persons endpoints alone are eight
    tried: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
        tried.append(operation.label)
    assert any("/persons" in label for label in tried)
