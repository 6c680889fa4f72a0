"""Walk every GET page and API endpoint the project has, as a sponsor and as Leran's operator, and scan
the answers for identities they must never receive. New pages are covered as soon as they exist."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jaring.accounts.models import ApiToken
from jaring.api import api
from tests.registry.factories import make_person

SKIP_PREFIXES = ("/admin/", "/i18n/", "/static/", "/media/", "/logout/", "/favicon.ico")  # public assets


def _web_paths(patterns: list[Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(_web_paths(p.url_patterns, prefix + route))
        elif isinstance(p, URLPattern):
            out.append(prefix + route)
    return out


def _fill(route: str, values: dict[str, str]) -> list[str]:
    """Concrete paths for a route (one per export format); empty when a part cannot be filled."""
    if "(?P" in route:
        route = route.replace("^", "").replace("$", "").replace("\\.", ".")
        if "(?P<fmt>" in route:
            return [
                p for fmt in ("csv", "xlsx") for p in _fill(re.sub(r"\(\?P<fmt>[^)]*\)", fmt, route), values)
            ]
        if "(" in route:
            return []

    def sub(match: re.Match[str]) -> str:
        name = match.group(2)
        return values.get(name, values.get(match.group(1) or "str", "x"))

    return ["/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route).lstrip("/")]


@pytest.fixture
def secrets_world(world):
    leran = make_person(world.leran, "Siti Leranwati", sex="P", kk="3525100101010001")
    gumeno = make_person(world.gumeno, "Budi Gumenoputra", kk="3525100404040004")
    from jaring.imports.models import Batch

    batch_id = Batch.objects.create(
        village=world.gumeno, filename="gumeno.csv", content_hash="1" * 64, is_synthetic=True
    ).pk
    return leran, gumeno, batch_id


def _text(response: Any) -> str:
    """A response as text; XLSX workbooks are unzipped and read, so their cells are scanned too."""
    if "spreadsheetml" in response.get("Content-Type", ""):
        import io

        import polars as pl

        return pl.read_excel(io.BytesIO(response.content)).write_csv()
    return response.content.decode("utf-8", "ignore")


def _all_answers(client: Client, values: dict[str, str], api_values: dict[str, str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for route in _web_paths(get_resolver().url_patterns):
        for path in _fill(route, values):
            if not path.startswith((*SKIP_PREFIXES, "/api/")):
                answers[path] = _text(client.get(path))
    schema = api.get_openapi_schema()
    for path_template, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: api_values.get(m.group(1), "1"), path_template)
        answers[path] = _text(client.get(path))
    return answers


def _values(person: Any, batch_id: int | None, area_code: str) -> tuple[dict[str, str], dict[str, str]]:
    ids = {"int": str(person.pk), "person_id": str(person.pk), "pk": str(person.pk)}
    if batch_id:
        ids.update({"batch_id": str(batch_id)})
    web = {**ids, "code": area_code, "str": area_code, "nik": person.nik, "fmt": "csv", "path": "x"}
    return web, {**ids, "code": area_code, "nik": person.nik}


def test_a_sponsor_receives_no_nik_and_no_name_anywhere(world, sponsor, secrets_world) -> None:
    leran, gumeno, batch_id = secrets_world
    web, api_values = _values(leran, batch_id, world.leran.code)
    _token, key = ApiToken.issue(sponsor, "scan")
    client = Client(raise_request_exception=False)
    client.force_login(sponsor)
    answers = _all_answers(client, web, api_values)
    answers.update(
        _all_answers(
            Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False), web, api_values
        )
    )
    assert len(answers) >= 10
    for path, body in answers.items():
        for person in (leran, gumeno):
            assert person.nik not in body, path
            assert person.full_name not in body, path
            assert person.kk not in body, path


def test_leran_operator_receives_nothing_of_a_gumeno_worker_anywhere(
    world, leran_operator, secrets_world
) -> None:
    _leran, gumeno, batch_id = secrets_world
    web, api_values = _values(gumeno, batch_id, world.gumeno.code)
    client = Client(raise_request_exception=False)
    client.force_login(leran_operator)
    answers = _all_answers(client, web, api_values)
    assert {"/persons/", "/persons/export.csv", "/persons/export.xlsx", f"/persons/{gumeno.pk}/"} <= set(
        answers
    )
    for path, body in answers.items():
        assert gumeno.nik not in body, path
        assert gumeno.full_name not in body, path


def test_anonymous_visitors_get_only_the_login_page_anywhere(world, secrets_world) -> None:
    leran, _gumeno, batch_id = secrets_world
    web, api_values = _values(leran, batch_id, world.leran.code)
    client = Client(raise_request_exception=False)
    for route in _web_paths(get_resolver().url_patterns):
        for path in _fill(route, web):
            # The health probes are public by design: they answer status only, no data.
            if path.startswith((*SKIP_PREFIXES, "/api/")) or path in ("/login/", "/healthz", "/readyz"):
                continue
            response = client.get(path)
            if path.startswith("/ogc/"):  # the OGC feed answers GIS clients in JSON: 401, or 404
                assert response.status_code in (401, 404) and response["Content-Type"].startswith(
                    "application/json"
                ), path
                continue
            assert response.status_code == 302 and response["Location"].startswith("/login/"), path
    for path_template, operations in api.get_openapi_schema()["paths"].items():
        if "get" in operations:
            path = re.sub(r"\{(\w+)\}", lambda m: api_values.get(m.group(1), "1"), path_template)
            assert client.get(path).status_code == 401, path
