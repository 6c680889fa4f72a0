"""Committed batches for review tests, made through the real import pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jaring.imports.models import Batch
from jaring.imports.services import run_import
from tests.imports.conftest import GUMENO, LERAN, good_rows, var_dir, write_csv

__all__ = ["GUMENO", "LERAN", "committed_batch", "good_rows", "var_dir"]


def committed_batch(tmp_path: Path, village: Any, user: Any, rows: list[list[Any]], name: str = "b") -> Batch:
    """Import and commit ``rows`` for ``village`` as ``user``."""
    path = write_csv(tmp_path / f"SINTETIS-{name}.csv", rows)
    batch = run_import(path, village=village, user=user, commit=True, is_synthetic=True)
    assert batch.status == "committed", batch.error_message
    return batch


@pytest.fixture
def leran_batch(world: Any, leran_operator: Any, var_dir: Path) -> Batch:
    """A committed batch of Leran (5 good rows and one duplicate row refused), uploaded by its operator."""
    rows = good_rows(5)
    rows.append([6, rows[0][1], "Kembar", "L", rows[0][4], LERAN, "Nelayan", ""])
    return committed_batch(var_dir, world.leran, leran_operator, rows, "leran")
