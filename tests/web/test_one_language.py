"""Pages that mixed Indonesian and English now speak the reader's language only (issue #10 item 8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client

from jaring.core.lib.bilingual import one_language
from jaring.imports.models import Batch
from jaring.programmes import services
from tests.review.conftest import leran_batch, var_dir  # noqa: F401 (fixtures)


def _get(user: Any, url: str, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


def test_a_stored_bilingual_message_shows_one_language() -> None:
    assert one_language("5 orang tersimpan / Committed 5 persons", "id") == "5 orang tersimpan"
    assert one_language("5 orang tersimpan / Committed 5 persons", "en") == "Committed 5 persons"
    assert one_language("no separator", "en") == "no separator"


def test_the_batch_page_shows_its_progress_and_issue_codes_in_one_language(
    leran_batch: Batch,  # noqa: F811
    leran_operator: Any,
) -> None:
    url = f"/imports/{leran_batch.pk}/"
    assert " / " in leran_batch.progress_message  # stored in both languages
    indonesian = _get(leran_operator, url, "id")
    english = _get(leran_operator, url, "en")
    id_part, en_part = leran_batch.progress_message.split(" / ", 1)
    assert id_part in indonesian and en_part not in indonesian
    assert en_part in english and id_part not in english
    # The duplicate row's issue: its label in the Kode column, the code only in the cell's title.
    assert "NIK berulang dalam berkas" in indonesian and ">nik_duplicate_in_file<" not in indonesian
    assert "NIK repeated in the file" in english


def test_programme_and_source_texts_are_stored_in_both_languages_and_shown_in_one(
    world: Any, programme_officer: Any, tmp_path: Path, settings: Any
) -> None:
    from types import SimpleNamespace

    from jaring.programmes import demo

    services.seed_premium_data()
    demo.seed_demo(SimpleNamespace(world=world), lambda _m: None)
    indonesian = _get(programme_officer, "/programmes/gresik-2025/sources/dbhcht/", "id")
    english = _get(programme_officer, "/programmes/gresik-2025/sources/dbhcht/", "en")
    assert "Peraturan Bupati Gresik tentang penggunaan DBHCHT 2025" in indonesian
    assert "on the use of DBHCHT" not in indonesian
    assert "Peraturan Bupati Gresik on the use of DBHCHT 2025" in english
    premiums_id = _get(programme_officer, "/programmes/premiums/", "id")
    assert (
        "Iuran BPU sejak Juli 2015" in premiums_id and "BPU contributions from July 2015" not in premiums_id
    )
    assert "PP 50/2025: pekerja transportasi" in premiums_id and "transport workers" not in premiums_id
    premiums_en = _get(programme_officer, "/programmes/premiums/", "en")
    assert "BPU contributions from July 2015" in premiums_en and "Iuran BPU" not in premiums_en
    plan_id = _get(programme_officer, "/programmes/gresik-2025/plan/", "id")
    assert "Agu 2025" in plan_id and ">2025-08<" not in plan_id
