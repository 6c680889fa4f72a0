"""Every demo role, in Indonesian and in English, follows every link from the dashboard: no server error,
one language per page, no raw code (see tests/web/crawl.py for what a page is checked for)."""

from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from jaring.core.world import USERS
from tests.web import crawl

ROLES = [u[0] for u in USERS] + ["admin", None]  # None: anonymous
MAX_PAGES = 70  # per role (patterns, not URLs)
LANG_COOKIE = "django_language"


def _client(world_users: dict[str, Any], username: str | None, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[LANG_COOKIE] = language
    if username:
        client.force_login(world_users[username])
    return client


def _walk(client: Client, start: list[str]) -> tuple[dict[str, str], list[str], dict[str, int]]:
    """Breadth-first from ``start``: (visited HTML pages with their text, downloads, status of every URL)."""
    seen: set[str] = set()
    queue = deque(start)
    pages: dict[str, str] = {}
    downloads: list[str] = []
    status: dict[str, int] = {}
    while queue and len(pages) + len(downloads) < MAX_PAGES:
        url = queue.popleft()
        key = crawl.pattern(url)
        if key in seen:
            continue
        seen.add(key)
        response = client.get(url)
        status[url] = response.status_code
        if crawl.DOWNLOADS.search(url.split("?")[0]):
            downloads.append(url)
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for href in crawl.read(html).links:
            link = crawl.internal(href, url)
            if link and crawl.pattern(link) not in seen:
                queue.append(link)
    return pages, downloads, status


@pytest.fixture
def demo(db: Any, settings: Any, tmp_path: Any) -> Any:
    """The Gresik demo on a small scale (every stage: imports, rounds, review, duplicates, programmes)."""
    settings.VAR_DIR = tmp_path
    call_command("demo", "--people", "400", "--leran", "60")
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}


def test_every_role_walks_every_page_in_both_languages_without_errors_mixed_languages_or_raw_codes(
    demo: dict[str, Any],
) -> None:
    catalogue = crawl.Catalogue.load()
    failures: list[str] = []
    visited = 0
    started = time.monotonic()
    for username in ROLES:
        who = username or "anonymous"
        client = _client(demo, username, "id")
        pages, downloads, status = _walk(client, ["/", "/login/"])
        visited += len(pages) + len(downloads)
        failures += [f"{who} id {url}: HTTP {code}" for url, code in status.items() if code >= 500]
        for url, html in pages.items():
            for problem in crawl.problems(html, "id", catalogue):
                failures.append(f"{who} id {url}: {problem}")
        english = _client(demo, username, "en")
        # Another page or sort order of a table is the same template: read once in English.
        for url in [u for u in pages if not {"page", "sort"} & set(parse_qs(urlsplit(u).query))]:
            response = english.get(url)
            if response.status_code >= 500:
                failures.append(f"{who} en {url}: HTTP {response.status_code}")
                continue
            for problem in crawl.problems(response.content.decode(), "en", catalogue):
                failures.append(f"{who} en {url}: {problem}")
    elapsed = time.monotonic() - started
    for element, why in crawl.PENDING_ELSEWHERE.items():
        print(f"not read yet: #{element} ({why})")
    print(f"walked {visited} pages as {len(ROLES)} roles in id and en in {elapsed:.0f} s")
    assert visited > 150, f"the walk reached only {visited} pages"
    unique = sorted(set(failures))
    report = os.environ.get("JARING_CRAWL_REPORT")
    if report:  # the full list, for whoever fixes them
        Path(report).write_text("\n".join(unique) + "\n", encoding="utf-8")
    assert not unique, f"{len(unique)} problems over {visited} pages ({elapsed:.0f} s):\n" + "\n".join(
        unique[:300]
    )
