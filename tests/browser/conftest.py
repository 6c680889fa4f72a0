"""Browser tests: Playwright's sync API driving Debian's chromium against pytest-django's live_server.

Without /usr/bin/chromium the tests are skipped with a reason, except under CI=true where that fails the run.
Never `playwright install`: it downloads a browser and this project has no internet.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jaring.core.lib.env import in_ci
from jaring.core.world import DEMO_PASSWORD

CHROMIUM = os.environ.get("JARING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _chromium_path() -> str | None:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


def _missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    path = _chromium_path()
    if path is None:
        _missing(f"chromium not found at {CHROMIUM}: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright (Python) is not installed: pip install -e '.[dev]'")
    # Playwright's sync API runs an event loop; Django would refuse ORM calls from "async" context.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser: Any, transactional_db: Any) -> Iterator[Any]:
    """A fresh page (own context: cookies, language) in the shared chromium; 15 s default timeout."""
    context = _browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def login(page: Any, live_server: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log ``username`` in through the login page and wait for the dashboard."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")
