"""Re-importing a corrected file: rows already in the registry, unchanged, are a notice, not an error.

A village that fixes the rows a first import refused uploads the whole file again. The rows committed
the first time come back identical: they are skipped with the notice ``already_registered`` (naming the
batch that brought them), so the new batch adds exactly the corrected rows. A row whose NIK is in the
registry with other data stays the error ``nik_exists``: an import never overwrites a person.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from jaring.imports.lib.issues import IssueSink
from jaring.registry.bulk import TEXT_COLUMNS
from jaring.registry.models import AUDITED_FIELDS, Person

CHUNK = 900
# How the registry stores an empty value of these columns (bulk.person_frame fills them the same way).
_FILLED = {"has_disability": False, "is_household_head": False, "bpjs_status": "none"}


def _normalised(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Comparable copies of ``columns``: text empty as "", defaults filled, coordinates to 6 decimals."""
    exprs = []
    for c in columns:
        col = pl.col(c)
        if c in TEXT_COLUMNS:
            col = col.cast(pl.String).fill_null("")
        elif c in _FILLED:
            col = col.fill_null(_FILLED[c])
        if c in ("latitude", "longitude"):
            col = col.cast(pl.Float64).round(6)
        exprs.append(col.cast(pl.String).fill_null("\x00").alias(c))
    return frame.select(pl.col("nik"), *exprs)


def registered_rows(df: pl.DataFrame, niks: pl.Series) -> pl.DataFrame:
    """Per NIK of ``niks`` (already in the registry): the batch that holds it and whether ``df``'s row
    equals the registered person on every field the import writes (columns nik, batch_id, unchanged)."""
    columns = [c for c in AUDITED_FIELDS if c in df.columns and c != "nik"]
    values = niks.drop_nulls().unique().to_list()
    rows: list[tuple[Any, ...]] = []
    for i in range(0, len(values), CHUNK):
        rows.extend(
            Person.objects.filter(nik__in=values[i : i + CHUNK]).values_list("nik", "batch_id", *columns)
        )
    schema = {"nik": pl.String, "batch_id": pl.Int64} | {c: df.schema[c] for c in columns}
    stored = pl.DataFrame(rows, schema=schema, orient="row")
    mine = df.filter(pl.col("nik").is_in(values)).unique(subset="nik", keep="first")
    a = _normalised(mine, columns)
    b = _normalised(stored, columns).join(stored.select("nik", "batch_id"), on="nik")
    joined = a.join(b, on="nik", suffix="_stored")
    same = (
        pl.all_horizontal([pl.col(c) == pl.col(f"{c}_stored") for c in columns]) if columns else pl.lit(True)
    )
    return joined.select("nik", "batch_id", same.alias("unchanged"))


def report_registered(df: pl.DataFrame, existing: pl.Series, sink: IssueSink) -> pl.DataFrame:
    """Report the rows whose NIK is registered: unchanged ones as a notice (and skipped), others as errors."""
    nik = pl.col("nik")
    known = registered_rows(df, existing)
    df = df.join(known.rename({"batch_id": "_reg_batch", "unchanged": "_unchanged"}), on="nik", how="left")
    first = pl.col("_row") == pl.col("_row").min().over("nik")
    again = (pl.col("_unchanged").fill_null(False) & first & ~pl.col("_skip")).fill_null(False)
    sink.add(df, again, "nik", "already_registered", nik, batch=pl.col("_reg_batch"))
    clash = nik.is_in(existing.implode()) & ~again & ~pl.col("_skip")
    sink.add(df, clash, "nik", "nik_exists", nik, batch=pl.col("_reg_batch"))
    return df.with_columns((pl.col("_skip") | again).alias("_skip")).drop("_reg_batch", "_unchanged")
