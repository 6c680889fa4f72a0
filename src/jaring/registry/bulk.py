"""Bulk person writes for imports: stage the rows, then one set-based insert into the registry.

PostgreSQL gets a binary ``COPY ... FROM STDIN`` (Arrow encoded by pgpq) into an UNLOGGED staging
table; SQLite gets chunked ``executemany`` into a TEMP table. Then one ``INSERT … SELECT … ON CONFLICT
DO NOTHING`` lets the unique indexes decide what is new. The batch's change event is one ``BatchChange``
row (written by the caller), not a JSON image per person. All of it runs inside the caller's transaction
(the batch commit), so a failure leaves nothing behind, staging table included.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone

from jaring.core.lib.stages import stage
from jaring.registry.lib.batch_rows import default_fills
from jaring.registry.lib.names import search_key_expr
from jaring.registry.models import AUDITED_FIELDS

# The per-row columns of an import staged for the set-based insert (constants are added in SQL).
STAGE_COLUMNS = ["name_search", *AUDITED_FIELDS, "source_row", "submission_uuid"]
# Filled by the INSERT … SELECT from parameters: the same for every row of a batch.
CONSTANT_COLUMNS = ["batch_id", "is_synthetic", "version", "created_at", "updated_at"]
CHUNK = 50_000
# Rows per binary COPY statement into the staging table (PostgreSQL).
COPY_ROWS = 250_000
# SQLite loads at least this big (and bigger than the table) rebuild secondary indexes afterwards.
REBUILD_MIN_ROWS = 50_000


@dataclass
class Inserted:
    """What a set-based insert did: persons written, and the staged rows the registry refused."""

    count: int
    # source_row, nik, submission_uuid, nik_taken (the NIK is a registered person's) of refused rows.
    skipped: pl.DataFrame


def stage_frame(df: pl.DataFrame) -> pl.DataFrame:
    """The staging rows for a typed import frame (vectorised): search key, blanks filled, row number."""
    if "submission_uuid" not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.String).alias("submission_uuid"))
    out = df.with_columns(
        search_key_expr(pl.col("full_name")).alias("name_search"),
        *default_fills(df.columns),
        pl.col("_row").cast(pl.Int64).alias("source_row"),
    )
    return out.select(STAGE_COLUMNS)


def insert_persons(
    df: pl.DataFrame,
    *,
    batch: Any,
    is_synthetic: bool | None = None,
    on_chunk: Any = None,
) -> Inserted:
    """Stage ``df`` (typed import rows with ``_row``) and insert it into the registry in one statement.

    The NIK and submission unique indexes decide, in SQL, what is new: ``ON CONFLICT DO NOTHING`` skips
    a row whose NIK (or submission) is registered, also when another import commits it at the same time
    (PostgreSQL waits for that transaction, then skips). Call inside ``transaction.atomic()``.
    """
    if df.height == 0:
        return Inserted(0, _empty_skipped())
    if is_synthetic is None:
        is_synthetic = bool(batch is not None and batch.is_synthetic)
    stamp = timezone.now()
    if connection.vendor == "postgresql":
        now: Any = stamp
    else:
        now = str(connection.ops.adapt_datetimefield_value(stamp))
    # In NIK order the unique NIK index (when kept) grows at its end: far fewer page splits.
    with stage("prepare"):
        staged = stage_frame(df.sort("nik"))
    del df
    table = f"imports_stage_{batch.pk if batch is not None else 0}_{os.getpid()}"
    constants = [batch.pk if batch is not None else None, bool(is_synthetic), 1, now, now]
    with stage("index"), _bulk_mode("registry_person", staged.height) as locked, stage("-index"):
        with stage("stage"):
            if connection.vendor == "postgresql":
                _pg_stage(table, staged, on_chunk)
            else:
                _sqlite_stage(table, staged, on_chunk)
        rows = staged.height
        del staged
        cols = ", ".join(connection.ops.quote_name(c) for c in [*STAGE_COLUMNS, *CONSTANT_COLUMNS])
        picks = ", ".join(f"s.{connection.ops.quote_name(c)}" for c in STAGE_COLUMNS)
        with stage("insert"), connection.cursor() as cur:
            # "WHERE true": SQLite's parser needs it to tell the upsert clause from a join's ON.
            # A big load holds the table alone with its unique indexes dropped (PostgreSQL): the NIKs and
            # submissions already registered are left out by an anti-join instead; they are rebuilt after.
            unseen = (
                " AND NOT EXISTS (SELECT 1 FROM registry_person p WHERE p.nik = s.nik)"
                " AND (s.submission_uuid IS NULL OR NOT EXISTS"
                " (SELECT 1 FROM registry_person p WHERE p.submission_uuid = s.submission_uuid))"
                if locked and connection.vendor == "postgresql"
                else ""
            )
            cur.execute(
                f"INSERT INTO registry_person ({cols}) SELECT {picks}, %s, %s, %s, %s, %s FROM {table} s "
                f"WHERE true{unseen} ORDER BY s.nik ON CONFLICT DO NOTHING",
                constants,
            )
            count = cur.rowcount
    skipped = _skipped(table, batch) if count < rows else _empty_skipped()
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE {table}")
    return Inserted(count, skipped)


def _empty_skipped() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "source_row": pl.Int64,
            "nik": pl.String,
            "submission_uuid": pl.String,
            "nik_taken": pl.Boolean,
        }
    )


def _skipped(table: str, batch: Any) -> pl.DataFrame:
    """The staged rows that did not become persons of ``batch``, and whether their NIK is taken."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT s.source_row, s.nik, s.submission_uuid, "
            "EXISTS (SELECT 1 FROM registry_person q WHERE q.nik = s.nik) "
            f"FROM {table} s WHERE NOT EXISTS (SELECT 1 FROM registry_person p "
            "WHERE p.batch_id = %s AND p.source_row = s.source_row) ORDER BY s.source_row",
            [batch.pk if batch is not None else None],
        )
        rows = cur.fetchall()
    return pl.DataFrame(
        [(r[0], r[1], r[2], bool(r[3])) for r in rows], schema=_empty_skipped().schema, orient="row"
    )


def _pg_stage(table: str, staged: pl.DataFrame, on_chunk: Any) -> None:
    """Binary COPY of ``staged`` into a fresh UNLOGGED table (no WAL, no indexes), through pgpq."""
    from pgpq import ArrowToPostgresBinaryEncoder

    arrow = staged.to_arrow(compat_level=pl.CompatLevel.oldest())
    encoder = ArrowToPostgresBinaryEncoder(arrow.schema)
    schema = encoder.schema()
    ddl = ", ".join(f'"{col.name}" {col.data_type.ddl()}' for col in schema.columns)
    with connection.cursor() as cur:
        cur.execute(f"CREATE UNLOGGED TABLE {table} ({ddl})")
        raw = cur.cursor  # the psycopg3 cursor under Django's wrapper
        done = 0
        # One COPY per slice, progress reported between them: the connection is busy during a COPY.
        for record_batch in arrow.to_batches(max_chunksize=COPY_ROWS):
            encoder = ArrowToPostgresBinaryEncoder(arrow.schema)  # one per COPY stream
            with raw.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                copy.write(encoder.write_header())
                copy.write(encoder.write_batch(record_batch))
                copy.write(encoder.finish())
            done += record_batch.num_rows
            if on_chunk is not None:
                on_chunk(done)


def _sqlite_stage(table: str, staged: pl.DataFrame, on_chunk: Any) -> None:
    """``executemany`` of ``staged`` into a TEMP table (memory, no indexes, no journal of its own)."""
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE {table} ({', '.join(STAGE_COLUMNS)})")
    for offset in range(0, staged.height, CHUNK):
        chunk = staged.slice(offset, CHUNK)
        _executemany(table, chunk)
        if on_chunk is not None:
            on_chunk(offset + chunk.height)


def _bulk_mode(table: str, new_rows: int) -> contextlib.AbstractContextManager[bool]:
    """Drop-and-rebuild for a big load; the context value says whether the table is locked for it."""
    if connection.vendor == "postgresql":
        return _pg_constraints_rebuilt(table, new_rows)
    return _indexes_rebuilt(table, new_rows)


def write_rows(table: str, frame: pl.DataFrame) -> None:
    """Append ``frame`` (columns named as the table's) to ``table`` in chunks, in the open transaction."""
    for offset in range(0, frame.height, CHUNK):
        _write(table, frame.slice(offset, CHUNK))


def _write(table: str, frame: pl.DataFrame) -> None:
    """Append ``frame`` to ``table``: one COPY on PostgreSQL, one executemany on SQLite."""
    if connection.vendor == "postgresql":
        _copy(table, frame)
    else:
        _executemany(table, frame)


def _copy(table: str, frame: pl.DataFrame) -> None:
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False)
    with connection.cursor() as cur:
        raw = cur.cursor  # the psycopg3 cursor under Django's wrapper
        cols = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
        with raw.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT CSV)") as copy:
            copy.write(buf.getvalue())


def _executemany(table: str, frame: pl.DataFrame) -> None:
    # SQLite takes dates as ISO text and booleans as 0/1.
    frame = frame.with_columns(
        *[pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date],
        *[pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean],
    )
    marks = ", ".join(["?"] * frame.width)
    cols = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
    connection.ensure_connection()
    # The raw sqlite3 connection, inside Django's open transaction (no per-row wrapper overhead).
    connection.connection.executemany(sql, frame.iter_rows())


@contextlib.contextmanager
def _indexes_rebuilt(table: str, new_rows: int) -> Iterator[bool]:
    """On a big load into a smaller table, drop the table's secondary indexes and build them afterwards.

    Building an index once from sorted data is several times faster than updating it row by row. The
    indexes are re-created from their own stored SQL, in the same transaction (SQLite DDL is
    transactional), so a failure restores them with everything else.
    """
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT %s)", [new_rows])
        existing = int(cur.fetchone()[0])
        if new_rows < REBUILD_MIN_ROWS or existing >= new_rows:
            yield False
            return
        cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    yield True
    with connection.cursor() as cur:
        for _name, sql in indexes:
            cur.execute(sql)


@contextlib.contextmanager
def _pg_constraints_rebuilt(table: str, new_rows: int) -> Iterator[bool]:
    """On a big load into a smaller table, drop foreign keys, unique constraints and indexes; rebuild after.

    PostgreSQL checks a foreign key with one trigger query per row at COMMIT (millions of them for a
    million-row import); re-adding the constraint checks all rows with one join, and an index built once
    beats a million insertions. All of it is inside the commit transaction. The price: the table is
    locked for other sessions until the import commits, so this is only for loads at least
    REBUILD_MIN_ROWS rows big (village imports of a few thousand rows keep the normal path).
    """
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT %s) t", [new_rows])
        existing = int(cur.fetchone()[0])
        if new_rows < REBUILD_MIN_ROWS or existing >= new_rows:
            yield False
            return
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC",
            [table],
        )
        fks = cur.fetchall()
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        indexes = cur.fetchall()
        # ALTER TABLE refuses tables with deferred checks pending in this transaction: run them now.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _def in fks:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    yield True
    with connection.cursor() as cur:
        # Index builds sort the whole table: give them memory for this transaction only.
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cur.execute(definition)
        for name, definition in fks:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
