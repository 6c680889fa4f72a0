"""The bad-file corpus (≥ 50 kinds, tests/data/bad/make_corpus.py): each file's outcome is the expected one,
no file crashes, a refused file writes nothing and its message is ours in both languages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jaring.imports.models import BatchStatus
from jaring.imports.services import run_import
from jaring.registry.models import Person
from tests.data.bad.make_corpus import expected, make_corpus

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
OUTCOMES = expected()
LIBRARY_WORDS = ("polars", "calamine", "Traceback", "ComputeError", "SchemaError", "zipfile", "Xlsx error")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: Any) -> dict[str, Path]:
    return make_corpus(tmp_path_factory.mktemp("corpus"))


def test_the_corpus_has_at_least_50_kinds_and_its_outcomes_file_is_current() -> None:
    assert len(OUTCOMES) >= 50
    assert json.loads((BAD / "corpus_expected.json").read_text()) == OUTCOMES


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_a_corpus_file_gives_its_outcome_and_never_crashes(
    name: str, world: Any, var_dir: Path, corpus: dict[str, Path], leran_operator: Any, settings: Any
) -> None:
    settings.JARING_MAX_IMPORT_ROWS = 2_000  # many_rows.csv holds 2,100
    batch = run_import(corpus[name], village=world.leran, user=leran_operator, commit=False)
    file_level = list(batch.issues.filter(row=0, severity="error"))
    want = OUTCOMES[name]
    if want == "ok":
        assert not file_level, (name, [(i.code, i.message_en) for i in file_level])
        assert batch.status != BatchStatus.FAILED, (name, batch.error_message)
        return
    code = want.split(":", 1)[1]
    assert batch.status == BatchStatus.FAILED, name
    assert [i.code for i in file_level] == [code], (name, [(i.code, i.message_en) for i in file_level])
    issue = file_level[0]
    assert issue.message_id and issue.message_en and issue.message_id != issue.message_en
    for word in LIBRARY_WORDS:
        assert word not in issue.message_en and word not in issue.message_id, (name, issue.message_en)
    assert Person.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, full_name",
    [
        ("utf16le_bom.csv", "Budi Santoso"),
        ("utf16le_no_bom.csv", "Siti Aminah"),
        ("latin1.csv", "José Müller"),
    ],
)
def test_utf16_and_latin1_files_import_their_names_correctly(
    world: Any, var_dir: Path, corpus: dict[str, Path], leran_operator: Any, name: str, full_name: str
) -> None:
    batch = run_import(corpus[name], village=world.leran, user=leran_operator, commit=True)
    assert batch.status == BatchStatus.COMMITTED, (name, batch.error_message)
    assert Person.objects.filter(full_name=full_name).exists()


def test_a_lying_zip_bomb_is_refused_without_inflating_it(corpus: dict[str, Path]) -> None:
    import resource

    from jaring.imports.lib.reader import FileProblem, read_table

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name in ("zip_bomb_lying_sizes.xlsx", "zip_bomb_ratio.xlsx", "zip_many_members.xlsx"):
        with pytest.raises(FileProblem) as caught:
            read_table(corpus[name])
        assert caught.value.code == "zip_bomb"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, grown_mb
