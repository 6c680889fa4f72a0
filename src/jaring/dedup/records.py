"""The registry as the linkage engine reads it: one polars frame, read in bulk."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import QuerySet

# The engine's input columns (jaring.dedup.lib.linkage.RECORD_SCHEMA; a test checks they agree).
RECORD_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "nik": pl.String,
    "kk": pl.String,
    "full_name": pl.String,
    "sex": pl.String,
    "birth_date": pl.Date,
    "village_code": pl.String,
    "phone": pl.String,
}
_COLUMNS = ["id", "nik", "kk", "full_name", "sex", "birth_date", "village__code", "phone"]
_CHUNK = 50_000


def registry_frame(queryset: QuerySet[Any]) -> pl.DataFrame:
    """Current (non-merged) persons of ``queryset`` in RECORD_SCHEMA, read in chunks of tuples."""
    qs = queryset.filter(merged_into__isnull=True).order_by().values_list(*_COLUMNS)
    frames: list[pl.DataFrame] = []
    rows: list[tuple[Any, ...]] = []
    # Chunks keep the Python tuples of a million persons from living all at once next to the frame.
    for row in qs.iterator(chunk_size=_CHUNK):
        rows.append(row)
        if len(rows) >= _CHUNK:
            frames.append(pl.DataFrame(rows, schema=RECORD_SCHEMA, orient="row"))
            rows = []
    if rows or not frames:
        frames.append(pl.DataFrame(rows, schema=RECORD_SCHEMA, orient="row"))
    frame = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    # Empty strings mean "unknown" in the registry; the engine compares nulls as unknown.
    return frame.with_columns([pl.col(c).replace("", None) for c in ("kk", "phone")]).sort("id")
