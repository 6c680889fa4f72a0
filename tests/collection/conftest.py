"""Fixtures of the collection tests: a round over Kecamatan Manyar with a village file and a district file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jaring.collection.models import Round
from jaring.collection.services import create_round
from jaring.core.world import MANYAR, World
from jaring.imports.services import run_import
from tests.imports.conftest import GUMENO, LERAN, good_rows, write_csv


@pytest.fixture
def var_dir(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def manyar_round(world: World, var_dir: Path) -> Round:
    """A round over Manyar's villages: Leran sent its own file (3 rows, 1 bad), the district file covers
    Gumeno (2 rows); every other village has not submitted."""
    round_ = create_round(
        slug="manyar-2025",
        name="Pendataan Manyar 2025",
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 8, 31),
        organisation=world.organisations["diskominfo-gresik"],
        supervisor=world.organisations["bps-gresik"],
        targets=[MANYAR],
    )
    rows = [*good_rows(2, LERAN), [9, "12345", "Salah", "L", "01/01/1980", LERAN, "Nelayan", ""]]
    leran_file = write_csv(var_dir / "leran.csv", rows)
    run_import(leran_file, village=world.leran, user=world.users["operator.leran"], commit=True, round=round_)
    district_file = write_csv(var_dir / "manyar.csv", good_rows(2, GUMENO, start=50))
    manyar = world.leran.parent
    assert manyar is not None
    run_import(
        district_file, village=manyar, user=world.users["diskominfo.steward"], commit=True, round=round_
    )
    return round_
