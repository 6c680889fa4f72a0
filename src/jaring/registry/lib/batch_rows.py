"""A batch's validated rows as stored persons see them: defaults filled, and read back as after-images.

Pure polars (no Django): the bulk writer fills the same defaults before staging, and a person's history
reads its creating batch's row from the kept Parquet file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import polars as pl

# Text columns stored as "" rather than NULL (Django CharFields with blank=True).
TEXT_COLUMNS = [
    "kk",
    "birth_place",
    "dusun",
    "rt",
    "rw",
    "address",
    "phone",
    "occupation_text",
    "kbji_code",
    "employment_status",
    "bpjs_number",
]


def default_fills(columns: list[str]) -> list[pl.Expr]:
    """Expressions that give a typed import frame the values the person table stores for blanks."""
    out = [pl.col(c).fill_null("") for c in TEXT_COLUMNS if c in columns]
    for col, value in (("has_disability", False), ("is_household_head", False), ("bpjs_status", "none")):
        if col in columns:
            out.append(pl.col(col).fill_null(value))
    return out


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _json_ready(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def read_after_image(path: str | Path, source_row: int, fields: list[str]) -> dict[str, Any] | None:
    """The ``fields`` of the row numbered ``source_row`` in a batch's rows file (None if gone)."""
    try:
        lazy = pl.scan_parquet(path)
        names = lazy.collect_schema().names()
        frame = (
            lazy.filter(pl.col("_row") == source_row)
            .select([c for c in fields if c in names])
            .with_columns(default_fills([c for c in fields if c in names]))
            .head(1)
            .collect()
        )
    except (OSError, pl.exceptions.PolarsError):
        return None
    if frame.height == 0:
        return None
    row = frame.row(0, named=True)
    return {f: _json_ready(row.get(f)) for f in fields}
