"""Bulk person writes for imports: persons plus their change-log entries in one go.

SQLite gets chunked ``executemany`` of raw INSERTs; PostgreSQL gets ``COPY ... FROM STDIN`` fed with
CSV written by polars. Both run inside the caller's transaction (the batch commit), so a failure leaves
nothing behind.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone

from jaring.registry.lib.names import search_key_expr
from jaring.registry.models import AUDITED_FIELDS, ChangeAction

PERSON_COLUMNS = [
    "id",
    "name_search",
    *AUDITED_FIELDS,
    "batch_id",
    "source_row",
    "submission_uuid",
    "is_synthetic",
    "version",
    "created_at",
    "updated_at",
]
CHANGE_COLUMNS = ["person_id", "nik", "action", "actor_id", "at", "via", "batch_id", "request_id", "after"]
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
CHUNK = 50_000
# SQLite loads at least this big (and bigger than the table) rebuild secondary indexes afterwards.
REBUILD_MIN_ROWS = 50_000


def _reserve_ids(n: int) -> list[int] | range:
    """``n`` fresh primary keys for registry_person (the caller holds the write transaction)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            if n >= REBUILD_MIN_ROWS:
                # For a big load, holding off other inserts until it commits (a big load into a small
                # table locks it anyway, see _pg_constraints_rebuilt) lets one setval reserve the whole
                # run, instead of a million nextval calls (~3.5 s at 1M rows).
                cur.execute("LOCK TABLE registry_person IN SHARE ROW EXCLUSIVE MODE")
                cur.execute(
                    "SELECT setval(s::regclass, nextval(s::regclass) + %s - 1)"
                    " FROM pg_get_serial_sequence('registry_person', 'id') AS s",
                    [n],
                )
                high = int(cur.fetchone()[0])
                return range(high - n + 1, high + 1)
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence('registry_person', 'id')) FROM generate_series(1, %s)",
                [n],
            )
            return [r[0] for r in cur.fetchall()]
        # SQLite: the IMMEDIATE transaction holds the write lock, so max(id) cannot move under us.
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM registry_person")
        start = int(cur.fetchone()[0]) + 1
        return range(start, start + n)


def person_frame(df: pl.DataFrame, *, batch: Any, is_synthetic: bool, ids: Any, now: str) -> pl.DataFrame:
    """The registry_person rows for a typed import frame (vectorised)."""
    if "submission_uuid" not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.String).alias("submission_uuid"))
    out = df.with_columns(
        pl.Series("id", ids, dtype=pl.Int64),
        search_key_expr(pl.col("full_name")).alias("name_search"),
        *[pl.col(c).fill_null("") for c in TEXT_COLUMNS],
        pl.col("has_disability").fill_null(False),
        pl.col("is_household_head").fill_null(False),
        pl.col("bpjs_status").fill_null("none"),
        pl.lit(batch.pk if batch is not None else None, dtype=pl.Int64).alias("batch_id"),
        pl.col("_row").alias("source_row"),
        pl.lit(is_synthetic).alias("is_synthetic"),
        pl.lit(1).alias("version"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
    )
    return out.select(PERSON_COLUMNS)


def change_frame(persons: pl.DataFrame, *, batch: Any, actor: Any, via: str, now: str) -> pl.DataFrame:
    """The PersonChange create entries (after image = the audited fields) for ``persons``."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    after = pl.struct([pl.col(f) for f in AUDITED_FIELDS]).struct.json_encode()
    return persons.select(
        pl.col("id").alias("person_id"),
        pl.col("nik"),
        pl.lit(ChangeAction.CREATE.value).alias("action"),
        pl.lit(actor_id, dtype=pl.Int64).alias("actor_id"),
        pl.lit(now).alias("at"),
        pl.lit(via).alias("via"),
        pl.col("batch_id"),
        pl.lit("").alias("request_id"),
        after.alias("after"),
    )


def insert_persons(
    df: pl.DataFrame,
    *,
    batch: Any,
    actor: Any,
    via: str,
    is_synthetic: bool | None = None,
    on_chunk: Any = None,
) -> int:
    """Write ``df`` (typed import rows with ``_row``) as persons and change-log entries; return the count.

    Call inside ``transaction.atomic()``: nothing is committed here.
    """
    if df.height == 0:
        return 0
    if is_synthetic is None:
        is_synthetic = bool(batch is not None and batch.is_synthetic)
    synthetic = bool(is_synthetic)
    # In NIK order the unique NIK index (never dropped) grows at its end: far fewer page splits.
    df = df.sort("nik")
    ids = _reserve_ids(df.height)
    stamp = timezone.now()
    if connection.vendor == "postgresql":
        now = stamp.isoformat()
    else:
        now = str(connection.ops.adapt_datetimefield_value(stamp))
    persons = person_frame(df, batch=batch, is_synthetic=synthetic, ids=ids, now=now)
    del df
    # Change-log rows are built chunk by chunk: their JSON images are the bulkiest part of the load.
    with _bulk_mode("registry_person", persons.height), _bulk_mode("registry_personchange", persons.height):
        for offset in range(0, persons.height, CHUNK):
            chunk = persons.slice(offset, CHUNK)
            _write("registry_person", chunk)
            _write("registry_personchange", change_frame(chunk, batch=batch, actor=actor, via=via, now=now))
            if on_chunk is not None:
                on_chunk(offset + chunk.height)
    return persons.height


def _bulk_mode(table: str, new_rows: int) -> contextlib.AbstractContextManager[None]:
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
def _indexes_rebuilt(table: str, new_rows: int) -> Iterator[None]:
    """On a big load into a smaller table, drop the table's secondary indexes and build them afterwards.

    Building an index once from sorted data is several times faster than updating it row by row. The
    indexes are re-created from their own stored SQL, in the same transaction (SQLite DDL is
    transactional), so a failure restores them with everything else.
    """
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT %s)", [new_rows])
        existing = int(cur.fetchone()[0])
        if new_rows < REBUILD_MIN_ROWS or existing >= new_rows:
            yield
            return
        cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cur:
        for _name, sql in indexes:
            cur.execute(sql)


@contextlib.contextmanager
def _pg_constraints_rebuilt(table: str, new_rows: int) -> Iterator[None]:
    """On a big load into a smaller table, drop foreign keys and plain indexes and re-create them after.

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
            yield
            return
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
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
    yield
    with connection.cursor() as cur:
        # Index builds sort the whole table: give them memory for this transaction only.
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cur.execute(definition)
        for name, definition in fks:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
