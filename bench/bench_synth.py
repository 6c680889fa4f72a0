"""Time `jaring synth` for 1,000,000 rows (CSV): wall time, rows/s, peak RSS (goal: under a minute)."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    """Run the synth command once in a child process and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--regency", default="35.25")
    parser.add_argument("--noise", default="0.02")
    parser.add_argument("--dup-rate", default="0.01")
    args, _unknown = parser.parse_known_args()
    jaring = Path(sys.executable).with_name("jaring")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "SINTETIS-bench.csv"
        env = dict(os.environ, JARING_VAR_DIR=tmp)
        started = time.perf_counter()
        subprocess.run(
            [str(jaring), "synth", "--people", str(args.people), "--regency", args.regency, "--out", str(out),
             "--truth", str(Path(tmp) / "truth.csv"), "--noise", args.noise, "--dup-rate", args.dup_rate,
             "--seed", "1"],
            check=True, env=env, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wall = time.perf_counter() - started
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with out.open("rb") as fh:
            rows = sum(1 for _ in fh) - 1
        size_mb = out.stat().st_size / 1e6
    print(
        f"synth: {rows:,} rows ({args.people:,} persons, noise {args.noise}, dup-rate {args.dup_rate}),"
        f" CSV {size_mb:.0f} MB"
    )
    print(f"wall {wall:.1f} s, {rows / wall:,.0f} rows/s, peak RSS {rss_mb:,.0f} MB (goal: < 60 s)")
    return 0 if wall < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
