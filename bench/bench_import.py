"""Time `jaring import` with full validation on a 1,000,000-row CSV, into SQLite and PostgreSQL.

In the same run it times a bare PostgreSQL ``COPY`` of the same file into an unindexed all-text table,
the floor any importer can reach. Goals: SQLite ≤ 30 s, PostgreSQL ≤ 2× the bare COPY, peak RSS ≤ 2 GB.
``--rows N`` runs it small. Children get a fresh database each; the data is synthetic (`jaring synth`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHILD = r"""
import json, os, resource, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from jaring.core.world import ensure_world
from jaring.geo.models import Area
from jaring.imports.services import run_import
world = ensure_world()
area = Area.objects.get(code=sys.argv[2])
user = world.users["diskominfo.steward"]
from jaring.core.lib import stages
stages.reset()
started = time.perf_counter()
path = __import__("pathlib").Path(sys.argv[1])
batch = run_import(path, village=area, user=user, commit=True, is_synthetic=True)
wall = time.perf_counter() - started
t = dict(stages.TIMINGS)
t["index"] = t.get("index", 0.0) - t.pop("-index", 0.0)
print(json.dumps({"wall": wall, "status": batch.status, "rows_total": batch.rows_total, "stages": t,
                  "rows_committed": batch.rows_committed,
                  "rows_with_errors": batch.rows_with_errors,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_child(csv: Path, area: str, env: dict[str, str]) -> dict[str, Any]:
    """Import ``csv`` in a fresh child process and return its figures."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(csv), area], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


STAGES = [
    "read", "normalise", "validate", "save issues", "save rows file", "load rows file", "prepare", "stage",
    "insert", "index", "audit",
]  # fmt: skip


def print_stages(name: str, r: dict[str, Any]) -> None:
    """One line per stage: seconds and share of the wall time (the rest is bookkeeping)."""
    t = r.get("stages", {})
    print(f"  {name} stages:")
    for s in STAGES:
        if s in t:
            print(f"    {s:<15} {t[s]:7.2f} s  {100 * t[s] / r['wall']:5.1f} %")
    rest = r["wall"] - sum(t.get(s, 0.0) for s in STAGES)
    print(f"    {'other':<15} {rest:7.2f} s  {100 * rest / r['wall']:5.1f} %")


def bare_copy(csv: Path, url: str) -> float:
    """Seconds for COPY of the file into an unindexed all-text table (no validation at all)."""
    import psycopg

    with csv.open("rb") as fh:
        header = fh.readline().decode("utf-8-sig").strip().split(",")
    cols = ", ".join(f'"c{i}" text' for i in range(len(header)))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bare_copy")
        conn.execute(f"CREATE TABLE bare_copy ({cols})")
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY bare_copy FROM STDIN (FORMAT CSV, HEADER)") as copy,
            csv.open("rb") as fh,
        ):
            while block := fh.read(8 * 1024 * 1024):
                copy.write(block)
        return time.perf_counter() - started


def main() -> int:
    """Generate the file, import it into SQLite and PostgreSQL, time the bare COPY, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="Persons to generate (rows ≈ +1%% duplicates)."
    )
    parser.add_argument("--file", type=Path, help="Use this CSV instead of generating one.")
    parser.add_argument(
        "--area", default="35.25", help="Area the file is imported for (default: Kab. Gresik)."
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args, _unknown = parser.parse_known_args()
    jaring = Path(sys.executable).with_name("jaring")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        base_env = dict(os.environ, JARING_VAR_DIR=tmp)
        base_env.pop("JARING_DATABASE_URL", None)
        csv = args.file
        if csv is None:
            csv = Path(tmp) / "SINTETIS-bench-import.csv"
            started = time.perf_counter()
            subprocess.run(
                [str(jaring), "synth", "--people", str(args.rows), "--regency", args.area, "--out", str(csv),
                 "--noise", "0.02", "--dup-rate", "0.01", "--seed", "7"],
                check=True, env=base_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            print(f"generated {csv.name} in {time.perf_counter() - started:.1f} s")
        with csv.open("rb") as fh:
            rows = sum(1 for _ in fh) - 1
        print(f"file: {rows:,} rows, {csv.stat().st_size / 1e6:.0f} MB (synthetic)")

        if not args.skip_sqlite:
            env = dict(base_env, JARING_VAR_DIR=str(Path(tmp) / "sqlite"))
            Path(env["JARING_VAR_DIR"]).mkdir()
            r = run_child(csv, args.area, env)
            print(
                f"SQLite:     {r['wall']:6.1f} s, {r['rows_total'] / r['wall']:10,.0f} rows/s, "
                f"{r['rows_committed']:,} committed, {r['rows_with_errors']:,} rows with errors, "
                f"peak RSS {r['rss_mb']:,.0f} MB ({r['status']}; goal ≤ 30 s at 1M rows)"
            )
            print_stages("SQLite", r)
            ok &= r["status"] == "committed" and r["rss_mb"] <= 2048 and (rows < 1_000_000 or r["wall"] <= 30)

        if not args.skip_postgres:
            from jaring.testing.pgcluster import start_cluster

            cluster = start_cluster()
            try:
                import psycopg

                with psycopg.connect(cluster.url(), autocommit=True) as conn:
                    conn.execute("CREATE DATABASE bench")
                url = cluster.url("bench")
                env = dict(base_env, JARING_VAR_DIR=str(Path(tmp) / "pg"), JARING_DATABASE_URL=url)
                Path(env["JARING_VAR_DIR"]).mkdir()
                # Bare COPY right before and after ours, in the same run: the machine is shared, so the
                # ratio uses the mean of the two.
                copy_before = bare_copy(csv, url)
                r = run_child(csv, args.area, env)
                copy_after = bare_copy(csv, url)
                copy_s = (copy_before + copy_after) / 2
                ratio = r["wall"] / copy_s
                print(
                    f"PostgreSQL: {r['wall']:6.1f} s, {r['rows_total'] / r['wall']:10,.0f} rows/s, "
                    f"{r['rows_committed']:,} committed, peak RSS {r['rss_mb']:,.0f} MB ({r['status']})"
                )
                print_stages("PostgreSQL", r)
                print(
                    f"bare COPY:  {copy_s:6.1f} s into an unindexed all-text table "
                    f"({copy_before:.1f} s before, {copy_after:.1f} s after ours); "
                    f"import/COPY = {ratio:.2f} (goal ≤ 2)"
                )
                commit_s = sum(
                    r["stages"].get(s, 0.0) for s in ("prepare", "stage", "insert", "index", "audit")
                )
                print(
                    f"commit alone (prepare+stage+insert+index+audit): {commit_s:.1f} s = "
                    f"{commit_s / copy_s:.2f}× the bare COPY"
                )
                ok &= r["status"] == "committed" and r["rss_mb"] <= 2048
            finally:
                cluster.stop()
    print(f"parent peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
