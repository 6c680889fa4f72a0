"""Kill -9 trials of the background jobs (dedup runs and plan jobs) under a real `jaring worker`.

Each trial queues a job, starts a worker, SIGKILLs it at a random moment while the job runs, then checks:
nothing partial (the dedup queue holds either the old pairs or a complete new set; no half-stored plan),
nothing stuck (a fresh worker finds the dead worker's job through the lease and marks it and its run/job
failed), and a re-run completes with the reference result.

Usage (a database with the demo loaded, e.g. `jaring migrate && jaring demo --people 1500 --leran 300`):

    JARING_VAR_DIR=/tmp/var python bench/faults_jobs.py --trials 20 [--kind dedup|plan|both]
    JARING_DATABASE_URL=postgres://… python bench/faults_jobs.py --trials 20

Figures go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from typing import Any

LEASE = 3  # seconds: short, so a trial need not wait a minute for the dead worker's lease to run out


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["JARING_WORKER_LEASE_SECONDS"] = str(LEASE)
    os.environ["JARING_WORKER_HEARTBEAT_SECONDS"] = "1"
    import django

    django.setup()


def _worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "jaring.cli", "worker", "--interval", "0.2", "--no-startup-delay"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ),
    )


def _queue(kind: str) -> tuple[Any, Any]:
    """Queue one job; return (its record, a function that reloads it)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if kind == "dedup":
        from jaring.dedup.models import DedupRun
        from jaring.dedup.services import create_run
        from jaring.dedup.tasks import run_dedup_task

        run = create_run(area=None, threshold=0.9, user=users.get(username="diskominfo.steward"))
        run_dedup_task.enqueue(run.pk)
        return run, lambda: DedupRun.objects.get(pk=run.pk)
    from jaring.programmes.models import PlanJob, Programme
    from jaring.programmes.tasks import start_plan_job

    programme = Programme.objects.order_by("pk").first()
    job = start_plan_job(programme, actor=users.get(username="disnaker.officer"))
    return job, lambda: PlanJob.objects.get(pk=job.pk)


def _state(kind: str) -> dict[str, int]:
    from jaring.dedup.models import CandidatePair, PairStatus
    from jaring.programmes.models import Plan

    if kind == "dedup":
        return {"open_pairs": CandidatePair.objects.filter(status=PairStatus.OPEN).count()}
    return {"plans": Plan.objects.count()}


def _wait(reload: Any, statuses: set[str], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        obj = reload()
        if obj.status in statuses:
            return obj
        time.sleep(0.1)
    return reload()


def trial(kind: str, reference: dict[str, int], rng: random.Random) -> dict[str, Any]:
    """One kill -9 trial; returns what was seen."""
    from django.db import close_old_connections

    before = _state(kind)
    _record, reload = _queue(kind)
    worker = _worker()
    running = _wait(reload, {"running", "done", "failed"}, 120)
    time.sleep(rng.uniform(0.0, 2.5))
    status_at_kill = reload().status
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    close_old_connections()
    after_kill = _state(kind)
    if kind == "dedup":
        # Either the old queue or the complete new one: never a half-stored set of pairs.
        partial = after_kill not in (before, reference)
    else:
        # A plan row exists only for a job that finished; a killed job leaves none behind.
        stored = after_kill["plans"] - before["plans"]
        partial = stored != (1 if reload().status == "done" else 0)
    time.sleep(LEASE + 1.5)
    rescuer = _worker()  # its start finds the dead worker's job
    recovered = _wait(reload, {"failed", "done"}, 60)
    rescuer.send_signal(signal.SIGTERM)
    rescuer.wait(timeout=60)
    stuck = recovered.status not in {"failed", "done"}
    # A re-run completes with the reference result.
    _again, reload_again = _queue(kind)
    finisher = _worker()
    done = _wait(reload_again, {"done", "failed"}, 600)
    finisher.send_signal(signal.SIGTERM)
    finisher.wait(timeout=120)
    final = _state(kind)
    return {
        "status_at_kill": status_at_kill,
        "recovered_as": recovered.status,
        "partial": partial,
        "stuck": stuck,
        "rerun": done.status,
        "rerun_matches": final == reference if kind == "dedup" else done.plan_id is not None,
        "running_seen": running.status,
    }


def reference_run(kind: str) -> dict[str, int]:
    _record, reload = _queue(kind)
    worker = _worker()
    done = _wait(reload, {"done", "failed"}, 600)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=120)
    assert done.status == "done", done.status
    return _state(kind)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--kind", choices=["dedup", "plan", "both"], default="both")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    _setup()
    from django.db import connection

    rng = random.Random(args.seed)
    kinds = ["dedup", "plan"] if args.kind == "both" else [args.kind]
    summary: dict[str, Any] = {"database": connection.vendor}
    for kind in kinds:
        started = time.monotonic()
        reference = reference_run(kind)
        results = [trial(kind, reference, rng) for _ in range(args.trials)]
        summary[kind] = {
            "trials": len(results),
            "killed_while_running": sum(r["status_at_kill"] == "running" for r in results),
            "partial": sum(r["partial"] for r in results),
            "stuck": sum(r["stuck"] for r in results),
            "recovered_failed": sum(r["recovered_as"] == "failed" for r in results),
            "rerun_done": sum(r["rerun"] == "done" for r in results),
            "rerun_matches_reference": sum(bool(r["rerun_matches"]) for r in results),
            "reference": reference,
            "seconds": round(time.monotonic() - started, 1),
        }
        print(json.dumps({kind: summary[kind]}), flush=True)
    print(json.dumps(summary))
    bad = any(
        summary[k]["partial"] or summary[k]["stuck"] or summary[k]["rerun_done"] < summary[k]["trials"]
        for k in kinds
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
