"""Shared by the scripts under bench/: run one benchmark in a fresh process on a throwaway database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def run_child(script: str, db: str, args: list[str], *, prefix: str, pg_options: str = "") -> dict[str, Any]:
    """Run ``script --child ARGS`` on a new SQLite file or PostgreSQL cluster; its last stdout line is JSON.

    A fresh process per database because Django reads its settings (the database URL) once per process.
    """
    env = dict(os.environ)
    cluster = None
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        env["JARING_VAR_DIR"] = tmp
        if db == "postgresql":
            from jaring.testing.pgcluster import TEST_OPTIONS, start_cluster

            cluster = start_cluster(f"{TEST_OPTIONS} {pg_options}".strip())
            env["JARING_DATABASE_URL"] = cluster.url()
        else:
            env["JARING_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        try:
            out = subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, script, "--child", *args],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            if cluster is not None:
                cluster.stop()
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
