"""Settings that refuse to be unsafe, and the headers every page carries (CSP, HSTS, Permissions-Policy)."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.core.serving_helpers import env_for
from tests.web.test_no_leaks import SKIP_PREFIXES, _fill, _values, _web_paths, secrets_world  # noqa: F401

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def _django(var_dir: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env_for(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jaring.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env_for(
            tmp_path,
            JARING_SECRET_KEY=secrets.token_urlsafe(64),
            JARING_HTTPS="1",
            JARING_ALLOWED_HOSTS="jaring.example.go.id",
        ),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_complains_without_https(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jaring.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env_for(tmp_path, JARING_SECRET_KEY=secrets.token_urlsafe(64)),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode != 0 and "security.W004" in done.stderr + done.stdout


def test_https_mode_sends_hsts_secure_cookies_and_redirects(tmp_path: Path) -> None:
    code = (
        "from django.test import Client; c = Client();"
        "r = c.get('/login/'); print(r.status_code, r['Location']);"
        "r = c.get('/login/', secure=True); print(r.status_code, r.get('Strict-Transport-Security'));"
        "print(r.cookies['csrftoken']['secure']);"
        "print(c.get('/healthz').status_code)"
    )
    done = _django(tmp_path, code, JARING_SECRET_KEY=secrets.token_urlsafe(64), JARING_HTTPS="1")
    lines = done.stdout.split("\n")
    assert lines[0] == "301 https://testserver/login/", done.stderr
    assert lines[1] == "200 max-age=31536000; includeSubDomains; preload"
    assert lines[2] == "True"
    assert lines[3] == "200"  # probes stay reachable over plain HTTP


def test_behind_a_proxy_x_forwarded_proto_counts_as_https(tmp_path: Path) -> None:
    code = (
        "from django.test import Client;"
        "print(Client().get('/login/', HTTP_X_FORWARDED_PROTO='https').status_code)"
    )
    env = {"JARING_SECRET_KEY": secrets.token_urlsafe(64), "JARING_HTTPS": "1", "JARING_BEHIND_PROXY": "1"}
    assert _django(tmp_path, code, **env).stdout.strip() == "200"
    env.pop("JARING_BEHIND_PROXY")
    assert _django(tmp_path, code, **env).stdout.strip() == "301"


def _pages(client: Client, web: dict[str, str]) -> dict[str, object]:
    answers = {}
    for route in _web_paths(get_resolver().url_patterns):
        for path in _fill(route, web):
            if path.startswith((*SKIP_PREFIXES, "/api/")):
                continue
            answers[path] = client.get(path)
    for path in (
        "/api/v1/docs",
        "/admin/",
        "/admin/accounts/profile/",
        "/admin/axes/accessattempt/",
        "/login/",
    ):
        answers[path] = client.get(path)
    return answers


@pytest.mark.django_db
def test_no_page_has_an_inline_script_and_every_page_sends_csp_and_permissions_policy(
    world,
    data_steward,
    leran_operator,
    secrets_world,  # noqa: F811
) -> None:
    leran, _gumeno, batch_id = secrets_world
    web, _api = _values(leran, batch_id, world.leran.code)
    checked = 0
    for user in (data_steward, leran_operator):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for path, response in _pages(client, web).items():
            assert "Content-Security-Policy" in response, path
            csp = response["Content-Security-Policy"]
            assert (
                "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
            )
            assert "camera=()" in response["Permissions-Policy"], path
            if "text/html" in response.get("Content-Type", ""):
                html = response.content.decode("utf-8", "ignore")
                assert not INLINE_SCRIPT.findall(html), (path, INLINE_SCRIPT.findall(html))
                assert not INLINE_HANDLER.findall(html), (path, INLINE_HANDLER.findall(html)[:3])
                checked += 1
    assert checked >= 40


@pytest.mark.django_db
def test_the_api_docs_page_loads_swagger_from_our_static_files(steward_client: Client) -> None:
    html = steward_client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
