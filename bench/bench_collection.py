"""Collection at regency scale: a round's per-village table and the entry form's "similar person" check.

Fills a throwaway SQLite database (or PostgreSQL with ``--db postgresql``) with synthetic persons (as
bench_lookup does), spread over one batch per district of a round over Kabupaten Gresik, with a warning on
every 20th row; then times, as the data steward: the per-village progress (service and round page), the
CSV export, and ``GET /api/v1/persons/similar`` for random persons (same birth date, name with a typo):

    .venv/bin/python bench/bench_collection.py [--persons 1000000] [--db sqlite|postgresql] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from jaring.testing.bench import run_child

sys.path.insert(0, str(Path(__file__).resolve().parent))


def run_one(n: int, requests: int) -> dict[str, Any]:
    """Fill the configured database and time the collection pages (this process's settings decide it)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    django.setup()
    import random

    import numpy as np
    import polars as pl
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench_lookup import _fill, _frame, _percentiles
    from jaring.accounts.scope import scope_for
    from jaring.collection.services import create_round, village_progress
    from jaring.core.world import ensure_world
    from jaring.geo.models import Area, AreaLevel
    from jaring.imports.models import Batch, BatchIssue, BatchStatus
    from jaring.registry.bulk import write_rows
    from jaring.registry.models import OccupationCategory

    call_command("migrate", verbosity=0)
    world = ensure_world()
    round_ = create_round(
        slug="bench",
        name="Bench round",
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 8, 31),
        organisation=world.organisations["diskominfo-gresik"],
        supervisor=world.organisations["bps-gresik"],
        targets=["35.25"],
    )
    villages = list(Area.objects.villages().within("35.25").values_list("id", "code"))
    districts = {a.code: a for a in Area.objects.filter(level=AreaLevel.DISTRICT, code__startswith="35.25.")}
    batches = {
        code: Batch.objects.create(
            village=area,
            filename=f"{code}.csv",
            content_hash=code,
            status=BatchStatus.COMMITTED,
            round=round_,
        )
        for code, area in districts.items()
    }
    occupations = list(OccupationCategory.objects.values_list("id", flat=True))
    df = _frame(n, villages, occupations)
    rng = np.random.default_rng(5)
    # Realistic birth dates (about 60 persons per day over 1960–2007), not bench_lookup's 10,000 per day.
    days = rng.integers(0, (dt.date(2007, 12, 31) - dt.date(1960, 1, 1)).days, n)
    code_of = dict(villages)
    district_ids = {code: b.pk for code, b in batches.items()}
    df = df.with_columns(
        (pl.lit(dt.date(1960, 1, 1)) + pl.duration(days=pl.Series(days))).cast(pl.String).alias("birth_date"),
        pl.col("village_id")
        .replace_strict({vid: district_ids[code[:8]] for vid, code in code_of.items()}, return_dtype=pl.Int64)
        .alias("batch_id"),
        pl.int_range(2, n + 2, dtype=pl.Int64).alias("source_row"),
    )
    fill_s = _fill(df)
    issues = df.filter(pl.col("source_row") % 20 == 0).select(
        pl.col("batch_id"),
        pl.col("source_row").alias("row"),
        pl.lit("No HP").alias("column"),
        pl.lit("phone_invalid").alias("code"),
        pl.lit("warning").alias("severity"),
        pl.lit("x").alias("message_id"),
        pl.lit("x").alias("message_en"),
        pl.lit("").alias("value"),
    )
    from django.db import transaction

    with transaction.atomic():
        write_rows(BatchIssue._meta.db_table, issues)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    steward = world.users["diskominfo.steward"]
    scope = scope_for(steward)
    service_s = []
    for _ in range(3):
        t0 = time.perf_counter()
        table = village_progress(round_, scope)
        service_s.append(time.perf_counter() - t0)
    assert int(table["persons"].sum()) == n, table["persons"].sum()
    web = Client()
    web.force_login(steward)

    def timed(url: str, params: dict[str, str] | None = None) -> tuple[float, Any]:
        start = time.perf_counter()
        response = web.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return (time.perf_counter() - start) * 1000, response

    page_ms = [timed("/rounds/bench/")[0] for _ in range(3)]
    export_ms = timed("/rounds/bench/villages.xlsx")[0]
    rnd = random.Random(3)
    picks = [rnd.randrange(n) for _ in range(requests)]
    similar_ms, found = [], 0
    for i in picks:
        name = df["full_name"][i]
        typo = name[:-1] + ("a" if name[-1] != "a" else "e")  # one letter changed at the end
        ms, response = timed(
            "/api/v1/persons/similar", {"name": typo, "birth_date": df["birth_date"][i], "nik": df["nik"][i]}
        )
        similar_ms.append(ms)
        found += response.json()["count"] > 0
    return {
        "db": connection.vendor,
        "persons": n,
        "villages": len(villages),
        "batches": len(batches),
        "fill_s": round(fill_s, 1),
        "progress_service_s": [round(s, 3) for s in service_s],
        "round_page_ms": _percentiles(page_ms),
        "export_xlsx_ms": round(export_ms, 1),
        "similar_ms": _percentiles(similar_ms),
        "similar_found_share": round(found / len(picks), 3),
    }


def _child(db: str, n: int, requests: int) -> dict[str, Any]:
    """Run one database's benchmark in a fresh process (settings are read once per process)."""
    return run_child(
        __file__, db, ["--persons", str(n), "--requests", str(requests)], prefix="jaring-bench-collection-"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.persons, args.requests)))
        return 0
    result = _child(args.db, args.persons, args.requests)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
