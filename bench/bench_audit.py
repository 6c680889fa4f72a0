"""Audit chain verify speed (goal: ≥ 1,000,000 events per 10 s) on SQLite and PostgreSQL.

Fills a throwaway database with a valid chain of N events (hashes and seals computed as the
application does; rows written with executemany / COPY), then times ``services.verify()``:

    .venv/bin/python bench/bench_audit.py [--events 1000000] [--db sqlite|postgresql|both] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from jaring.testing.bench import run_child

GOAL_EVENTS_PER_10S = 1_000_000


def run_one(n: int) -> dict[str, Any]:
    """Build the chain and verify it (this process's settings decide the database)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    django.setup()
    import psutil
    from django.core.management import call_command
    from django.db import connection

    from jaring.auditlog import services
    from jaring.auditlog.lib.chain import GENESIS, canonical, event_hash, row_hash, seal

    call_command("migrate", verbosity=0)
    key = services.audit_key()
    t0 = time.perf_counter()
    rows = []
    prev = GENESIS
    at = "2026-12-04T00:00:00.000000+00:00"
    for seq in range(1, n + 1):
        content = canonical({"row_sha256": row_hash([seq, "SINTETIS"]), "fields": ["id", "full_name"]})
        digest = event_hash(prev, seq, at, "write", "registry_person", str(seq), "insert", "bench", content)
        rows.append(
            (
                seq,
                at,
                "write",
                "registry_person",
                str(seq),
                "insert",
                "bench",
                content,
                prev,
                digest,
                seal(key, digest),
            )
        )
        prev = digest
    build_s = time.perf_counter() - t0
    cols = '(seq, at, kind, "table", object_id, action, actor, content, prev_hash, hash, seal)'
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY auditlog_auditevent {cols} FROM STDIN") as copy:  # type: ignore[attr-defined]
                for r in rows:
                    copy.write_row(r)
            cur.execute("ANALYZE auditlog_auditevent")
        else:
            cur.executemany(f"INSERT INTO auditlog_auditevent {cols} VALUES ({', '.join(['%s'] * 11)})", rows)
    load_s = time.perf_counter() - t0
    del rows
    t0 = time.perf_counter()
    verdict = services.verify()
    verify_s = time.perf_counter() - t0
    assert verdict.ok and verdict.events == n, verdict
    return {
        "db": connection.vendor,
        "events": n,
        "build_s": round(build_s, 2),
        "load_s": round(load_s, 2),
        "verify_s": round(verify_s, 2),
        "events_per_10s": int(n / verify_s * 10),
        "peak_rss_mb": round(psutil.Process().memory_info().rss / 2**20),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.events)))
        return 0
    status = 0
    for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        r = run_child(__file__, db, ["--events", str(args.events)], prefix="jaring-bench-audit-")
        ok = r["events_per_10s"] >= GOAL_EVENTS_PER_10S
        status |= 0 if ok else 1
        if args.json:
            print(json.dumps(r))
        else:
            print(
                f"{db:10s} {r['events']:,} events: verify {r['verify_s']} s = "
                f"{r['events_per_10s']:,} events/10 s "
                f"(goal ≥ {GOAL_EVENTS_PER_10S:,}: {'met' if ok else 'NOT met'}); build {r['build_s']} s, "
                f"load {r['load_s']} s, RSS {r['peak_rss_mb']} MB",
                flush=True,
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
