"""Every bad file gives its exact error code, never a crash and never a written person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jaring.imports.models import BatchStatus
from jaring.imports.services import issue_report, run_import
from jaring.registry.models import Person
from tests.data.bad.make_bad_files import GENERATED, make_all

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
EXPECTED: dict[str, str] = {
    k: v for k, v in json.loads((BAD / "expected.json").read_text()).items() if k[0] != "_"
}


@pytest.fixture(scope="session")
def generated(tmp_path_factory: Any) -> dict[str, Path]:
    return make_all(tmp_path_factory.mktemp("bad"))


def test_every_bad_file_has_an_expected_code() -> None:
    on_disk = {p.name for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert on_disk | set(GENERATED) == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_file_gives_its_code_and_writes_nothing(
    name: str, world: Any, var_dir: Path, generated: dict[str, Path], leran_operator: Any
) -> None:
    path = generated[name] if name in GENERATED else BAD / name
    batch = run_import(path, village=world.leran, user=leran_operator, commit=True)
    codes = set(batch.issues.values_list("code", flat=True))
    assert EXPECTED[name] in codes, (name, codes, batch.error_message)
    assert Person.objects.count() == 0
    file_level = batch.issues.filter(row=0, severity="error")
    if file_level.exists():
        assert batch.status == BatchStatus.FAILED
        issue = file_level.get()
        assert issue.message_id and issue.message_en and issue.message_id != issue.message_en


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_reading(
    world: Any, var_dir: Path, settings: Any, leran_operator: Any, tmp_path: Path
) -> None:
    settings.JARING_MAX_UPLOAD_BYTES = 100
    path = tmp_path / "big.csv"
    path.write_text("NIK,Nama Lengkap,Jenis Kelamin\n" + "3525100503850001,Budi,L\n" * 10)
    batch = run_import(path, village=world.leran, user=leran_operator, commit=True)
    assert batch.status == BatchStatus.FAILED and batch.error_code == "file_too_large"
    assert not batch.file
    assert b"file_too_large" in issue_report(batch, "csv")
