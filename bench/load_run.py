"""Load test: `jaring serve` (gunicorn + worker) on loopback, driven by locust headless for a bounded time.

    JARING_DATABASE_URL=postgres://… python bench/load_run.py --users 40 --spawn-rate 5 --minutes 10

The database must hold the demo (or `jaring synth` data imported; 1M persons for the full run). Prints
errors, p50/p95/p99 per request type and overall, requests per second, and the server's RSS (all its
processes) at the start and the end. Record the figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss(pid: int) -> float:
    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20


def _jaring(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "jaring.cli", *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    token = _jaring("token", "create", "--user", "diskominfo.steward", "--name", "load")
    people = _jaring(
        "shell",
        "-c",
        "from jaring.registry.models import Person;"
        "print(','.join(f'{n}:{i}' for n, i in Person.objects.order_by('?').values_list('nik', 'id')[:500]))",
    )
    import django

    django.setup()
    from jaring.core.world import DEMO_PASSWORD

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jaring.cli",
            "serve",
            "--addr",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        rss_start = _rss(server.pid)
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(
                os.environ,
                JARING_LOAD_TOKEN=token,
                JARING_LOAD_NIKS=people,
                JARING_LOAD_PASSWORD=DEMO_PASSWORD,
            )
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(HERE / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.spawn_rate),
                    "-t",
                    f"{int(args.minutes * 60)}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    f"{tmp}/load",
                    "--only-summary",
                ],
                env=env,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            rss_end = _rss(server.pid)
            with open(f"{tmp}/load_stats.csv", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            with open(f"{tmp}/load_failures.csv", encoding="utf-8") as fh:
                failures = list(csv.DictReader(fh))
        out = {
            "users": args.users,
            "minutes": args.minutes,
            "rss_start_mb": round(rss_start),
            "rss_end_mb": round(rss_end),
            "rows": [
                {
                    "name": r["Name"],
                    "requests": int(r["Request Count"]),
                    "failures": int(r["Failure Count"]),
                    "rps": round(float(r["Requests/s"]), 1),
                    "p50": r["50%"],
                    "p95": r["95%"],
                    "p99": r["99%"],
                }
                for r in rows
            ],
            "failures": failures,
        }
        print(json.dumps(out, indent=1))
        total = next(r for r in out["rows"] if r["name"] == "Aggregated")
        return 0 if total["failures"] == 0 else 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
