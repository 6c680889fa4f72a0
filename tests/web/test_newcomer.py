"""What a newcomer meets first: a favicon, the API docs linked from every page, the demo's real address."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jaring.synth import demo


def test_every_page_links_a_favicon_that_is_served(anonymous_client: Client) -> None:
    page = anonymous_client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/jaring/favicon.svg"' in page
    redirect = anonymous_client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == "/static/jaring/favicon.svg"


def test_the_footer_links_the_api_documentation(leran_client: Client) -> None:
    page = leran_client.get("/").content.decode()
    assert 'href="/api/v1/docs" id="footer-api-docs"' in page and "Dokumentasi API" in page
    assert leran_client.get("/api/v1/docs").status_code == 200


def test_the_demo_prints_the_address_it_will_be_served_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "run_demo", lambda **_kw: type("R", (), {"files": [], "tobacco_in_files": 0})())
    monkeypatch.setattr(demo, "demo_dir", lambda: "var/demo")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as m:
        m.setattr("jaring.core.management.commands.demo.Person", _NoPersons)
        call_command("demo", "--addr", "0.0.0.0:8080", stdout=out)
    text = out.getvalue()
    assert "Open http://0.0.0.0:8080/ and log in" in text and "127.0.0.1:8000" not in text
    assert "jaring serve --addr 0.0.0.0:8080" in text


class _NoPersons:
    class objects:
        @staticmethod
        def count() -> int:
            return 0

        @staticmethod
        def filter(**_kw: Any) -> Any:
            return _NoPersons.objects
