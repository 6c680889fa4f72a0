"""Bulk reads and writes for bills and the ledger: polars frames in and out, COPY on PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import QuerySet


def frame_of(values: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A ``values_list`` queryset as a polars frame with ``schema`` (COPY on PostgreSQL, one fetch else)."""
    from django.core.exceptions import EmptyResultSet

    if connection.vendor == "postgresql":
        try:
            sql, params = values.query.sql_with_params()
        except EmptyResultSet:
            return pl.DataFrame(schema=schema)
        buf = io.BytesIO()
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)", params) as cp,
        ):
            for chunk in cp:
                buf.write(chunk)
        if buf.tell() == 0:
            return pl.DataFrame(schema=schema)
        buf.seek(0)
        text = {k: (pl.String if v in (pl.Date,) else v) for k, v in schema.items()}
        raw = pl.read_csv(buf, has_header=False, new_columns=list(schema), schema_overrides=text)
        return raw.with_columns(
            [pl.col(k).str.to_date("%Y-%m-%d") for k, v in schema.items() if v == pl.Date]
        )
    rows = list(values)
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema, orient="row")


def insert_frame(table: str, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as the table's) in bulk; the number inserted."""
    if frame.height == 0:
        return 0
    cols = list(frame.columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            buf = io.BytesIO()
            frame.write_csv(buf, include_header=False, date_format="%Y-%m-%d")
            buf.seek(0)
            with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN (FORMAT CSV)") as cp:
                while data := buf.read(1 << 20):
                    cp.write(data)
        else:
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
            step = 200_000
            for start in range(0, frame.height, step):
                part = frame.slice(start, step)
                # ISO dates as text: what Django stores in SQLite.
                part = part.with_columns(
                    [pl.col(c).cast(pl.String) for c, t in part.schema.items() if t == pl.Date]
                )
                cur.executemany(sql, part.rows())
    return frame.height
