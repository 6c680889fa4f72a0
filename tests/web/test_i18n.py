"""The UI speaks Bahasa Indonesia by default and English on request; the catalogue is complete."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from jaring.core.lib.env import in_ci
from jaring.core.lib.po import parse, untranslated

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "jaring"
ID_PO = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "django.po"


def _needs_gettext() -> None:
    if shutil.which("msgfmt") and shutil.which("xgettext"):
        return
    if in_ci():
        pytest.fail("gettext (msgfmt, xgettext) is missing: apt-get install gettext")
    pytest.skip("gettext (msgfmt, xgettext) is not installed")


def test_the_login_page_is_in_indonesian_by_default(world: Any) -> None:
    page = Client().get("/login/").content.decode()
    assert "Masuk ke Jaring" in page and "Kata sandi" in page
    assert "Log in to Jaring" not in page


def test_the_dashboard_is_in_indonesian_by_default(leran_client: Client) -> None:
    page = leran_client.get("/").content.decode()
    assert "Dasbor" in page and "Pekerja per desa" in page and "Keluar" in page
    assert "Workers per village" not in page


def test_the_language_switch_turns_the_pages_english_and_back(leran_client: Client) -> None:
    leran_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = leran_client.get("/").content.decode()
    assert "Workers per village" in page and "Log out" in page
    assert "Pekerja per desa" not in page
    leran_client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Pekerja per desa" in leran_client.get("/").content.decode()


def test_big_numbers_use_the_indonesian_thousands_separator(world: Any) -> None:
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load humanize %}{{ n|intcomma }}")
    with translation.override("id"):
        assert template.render(Context({"n": 1808000})) == "1.808.000"
    with translation.override("en"):
        assert template.render(Context({"n": 1808000})) == "1,808,000"


def test_the_indonesian_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    missing = [e.msgid for e in untranslated(ID_PO)]
    assert not missing, f"untranslated in {ID_PO.name}: {missing}"
    assert len(parse(ID_PO)) > 300


def test_the_indonesian_catalogue_covers_every_string_of_the_code(tmp_path: Path) -> None:
    """Strings added to the code but never extracted would show in English on Indonesian pages."""
    _needs_gettext()
    copy = tmp_path / "jaring"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=["id"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    missing = [e.msgid for e in untranslated(copy / "locale" / "id" / "LC_MESSAGES" / "django.po")]
    assert not missing, f"run `make messages` and translate: {missing}"


def test_the_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    _needs_gettext()
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(ID_PO)], check=True)
    assert fresh.read_bytes() == ID_PO.with_suffix(".mo").read_bytes(), "run `make messages` again"
