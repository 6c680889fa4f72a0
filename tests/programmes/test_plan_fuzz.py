"""Whatever a what-if or a plan query holds, the plan endpoints answer without a server error."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.programmes import services
from tests.programmes.scenario import make_scenario

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["2025-09", "2025-13", "2024-01", "2026-01", "age >", "", 'occupation in ["x"]']),
    st.lists(st.integers(), max_size=3),
)
FIELDS = st.sampled_from(
    [
        "quota",
        "budget",
        "budget_rupiah",
        "quota_persons",
        "max_months_per_person",
        "first_month",
        "last_month",
        "rule",
        "name",
        "\x00",
    ]
)
SOURCES = st.sampled_from(["dbhcht", "csr", "apbd", "nope", ""])
WHAT_IFS = st.dictionaries(
    SOURCES, st.one_of(st.dictionaries(FIELDS, VALUES, max_size=3), VALUES), max_size=3
)


def test_random_what_ifs_and_queries_never_answer_with_a_server_error(
    world: Any, programme_officer: Any
) -> None:
    sc = make_scenario(world)
    services.compute_and_store(sc.programme, actor=programme_officer, via="api")
    client = Client(raise_request_exception=False)
    client.force_login(programme_officer)
    url = f"/api/v1/programmes/{sc.programme.slug}"
    seen: set[int] = set()

    @given(what_if=WHAT_IFS, label=st.text(max_size=20))
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(what_if: dict[str, Any], label: str) -> None:
        body = json.dumps({"sources": what_if, "label": label})
        response = client.post(f"{url}/what-if", body, content_type="application/json")
        seen.add(response.status_code)
        assert response.status_code < 500, response.content[:500]

    run()
    assert {201, 422} <= seen

    @given(
        plan_id=st.one_of(st.none(), st.integers(min_value=-5, max_value=2**63), st.text(max_size=5)),
        nik=st.text(min_size=1, max_size=20).filter(lambda s: "/" not in s and "?" not in s and "#" not in s),
        layout=st.sampled_from(["months", "person_months", "x"]),
    )
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def query(plan_id: Any, nik: str, layout: str) -> None:
        params = {} if plan_id is None else {"plan_id": plan_id}
        for path, extra in (
            ("/plan", {}),
            (f"/persons/{nik}/coverage", {}),
            ("/plan/export", {"layout": layout}),
            ("/plan/reasons", {}),
            (f"/what-if/{plan_id if isinstance(plan_id, int) else 1}", {}),
        ):
            response = client.get(url + path, params | extra)
            assert response.status_code < 500, (path, response.content[:300])

    query()
