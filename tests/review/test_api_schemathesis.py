"""Schemathesis over the review endpoints with a committed, submitted batch present: no 5xx."""

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
from jaring.imports.models import Batch
from jaring.review.services import add_row_comment, transition


@pytest.fixture
def api_schema() -> Iterator[Any]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_no_review_operation_answers_with_a_server_error(
    api_schema: Any, leran_batch: Batch, leran_operator: Any, bps_reviewer: Any
) -> None:
    transition(leran_batch, "submit", leran_operator)
    add_row_comment(leran_batch, bps_reviewer, text="cek", row=2)
    _token, key = ApiToken.issue(bps_reviewer, "schemathesis")
    headers = {"Authorization": f"Bearer {key}"}
    operations = [r.ok() for r in api_schema.get_all_operations()]
    review = [op for op in operations if "/review/" in op.path]
    assert len(review) >= 7
    for operation in review:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            if "batch_id" in (case.path_parameters or {}):
                case.path_parameters["batch_id"] = leran_batch.pk  # hit the real batch, not only 404s
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
