"""kill -9 during `jaring import --commit`, on SQLite and PostgreSQL: nothing partial, nothing stuck.

Each trial imports its own part of a synthetic file (distinct NIKs) and is killed (SIGKILL) at a random
moment: before the batch exists, while validating, while committing, or after. Then it checks that
no batch holds persons unless it is committed (with exactly ``rows_committed`` of them), runs
``jaring import recover`` (what a starting worker does) and ``jaring import resume BATCH``, and checks
that the batch is committed with the part's row count and the registry holds every finished part once.
``--trials N`` per database (default 20).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHECK = r"""
import json, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
django.setup()
from django.db.models import Count
from jaring.imports.models import Batch
from jaring.registry.models import Person

def state():
    per = dict(Person.objects.values_list("batch_id").annotate(n=Count("id")).values_list("batch_id", "n"))
    batches = Batch.objects.order_by("pk")
    return {"persons": Person.objects.count(),
            "batches": [[b.pk, b.status, b.rows_committed, per.get(b.pk, 0)] for b in batches]}

if len(sys.argv) == 1:
    print(json.dumps(state()))
    sys.exit(0)
known = set(json.loads(sys.argv[1]))
path, area = sys.argv[2], sys.argv[3]
out = {"killed": state()}
new = [b for b in out["killed"]["batches"] if b[0] not in known]
# What a starting worker does (the queued jobs run inline here), then the user's resume or re-run.
from jaring.imports.recovery import recover_stale_batches, resume_batch
out["recovered"] = [r.__dict__ for r in recover_stale_batches()]
if new:
    out["resumed"] = resume_batch(Batch.objects.get(pk=new[0][0])).status
else:
    from pathlib import Path
    from jaring.geo.models import Area
    from jaring.imports.services import run_import
    out["resumed"] = run_import(Path(path), village=Area.objects.get(code=area), user=None, commit=True,
                                is_synthetic=True).status
out["after"] = state()
print(json.dumps(out))
"""


def jaring(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).with_name("jaring"))
    return subprocess.run([exe, *args], env=env, check=check, capture_output=True, text=True)


def state(env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def split(csv: Path, parts: int, out: Path) -> list[Path]:
    lines = csv.read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0], lines[1:]
    size = len(rows) // parts
    files = []
    for i in range(parts):
        path = out / f"SINTETIS-part-{i:02d}.csv"
        path.write_text("\n".join([header, *rows[i * size : (i + 1) * size]]) + "\n", encoding="utf-8")
        files.append(path)
    return files


def trials(
    env: dict[str, str], files: list[Path], area: str, rng: random.Random, label: str
) -> dict[str, Any]:
    """Run one kill -9 trial per file; return the tallies (raises AssertionError on a violation)."""
    jaring(env, "migrate", "--no-input")
    seed = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'jaring.settings'); "
        "django.setup(); "
    )
    subprocess.run(
        [sys.executable, "-c", seed + "from jaring.core.world import ensure_world; ensure_world()"],
        env=env, check=True,
    )  # fmt: skip
    exe = str(Path(sys.executable).with_name("jaring"))
    # Calibrate: a validate-only run of the first part (start-up + read + checks) sets the kill window.
    started = time.perf_counter()
    jaring(env, "import", str(files[0]), "--village", area, "--json")
    window = time.perf_counter() - started
    print(f"  {label}: a validate-only run takes {window:.1f} s; kills fall in 0.3-1.6× that")
    killed_in: dict[str, int] = {}
    expected = 0
    known: list[int] = [b[0] for b in state(env)["batches"]]
    for i, path in enumerate(files):
        rows = sum(1 for _ in path.open()) - 1
        proc = subprocess.Popen(
            [exe, "import", str(path), "--village", area, "--commit", "--json", "--synthetic"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 1.6) * window)
        finished_first = proc.poll() is not None
        if not finished_first:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        res = subprocess.run(
            [sys.executable, "-c", CHECK, json.dumps(known), str(path), area],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        out = json.loads(res.stdout.strip().splitlines()[-1])
        now = out["killed"]
        new = [b for b in now["batches"] if b[0] not in known]
        where = "finished" if finished_first else (new[0][1] if new else "before the batch")
        killed_in[where] = killed_in.get(where, 0) + 1
        for pk, status, committed, held in now["batches"]:
            # Nothing partial: a batch holds persons only when committed, and exactly its count.
            assert held == (committed if status == "committed" else 0), (
                label,
                i,
                pk,
                status,
                committed,
                held,
            )
        expected += rows
        after = out["after"]
        assert out["resumed"] == "committed", (label, i, out)
        stuck = [b for b in after["batches"] if b[1] in ("validating", "committing")]
        assert not stuck, (label, i, stuck)
        assert after["persons"] == expected, (label, i, after["persons"], expected)
        known = [b[0] for b in after["batches"]]
        print(
            f"  {label} trial {i + 1:2d}: killed {where:<16} → resumed, {after['persons']:,} persons",
            flush=True,
        )
    return {"trials": len(files), "killed_in": killed_in, "persons": expected}


def main() -> int:
    """Generate the parts, run the trials on SQLite and PostgreSQL, print the tallies."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--rows", type=int, default=8_000, help="Rows per trial's file.")
    parser.add_argument("--area", default="35.25")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as tmp:
        base = dict(
            os.environ,
            JARING_VAR_DIR=tmp,
            JARING_TASK_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        )
        base.pop("JARING_DATABASE_URL", None)
        big = Path(tmp) / "SINTETIS-faults.csv"
        jaring(base, "synth", "--people", str(args.rows * args.trials), "--regency", args.area,
               "--out", str(big), "--noise", "0", "--dup-rate", "0", "--seed", "16")  # fmt: skip
        files = split(big, args.trials, Path(tmp))
        results = {}
        if not args.skip_sqlite:
            env = dict(base, JARING_VAR_DIR=str(Path(tmp) / "sqlite"))
            Path(env["JARING_VAR_DIR"]).mkdir()
            results["sqlite"] = trials(env, files, args.area, rng, "SQLite")
        if not args.skip_postgres:
            from jaring.testing.pgcluster import start_cluster

            cluster = start_cluster()
            try:
                import psycopg

                with psycopg.connect(cluster.url(), autocommit=True) as conn:
                    conn.execute("CREATE DATABASE faults")
                env = dict(
                    base, JARING_VAR_DIR=str(Path(tmp) / "pg"), JARING_DATABASE_URL=cluster.url("faults")
                )
                Path(env["JARING_VAR_DIR"]).mkdir()
                results["postgresql"] = trials(env, files, args.area, rng, "PostgreSQL")
            finally:
                cluster.stop()
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
