"""A throwaway PostgreSQL cluster for tests and benchmarks.

It runs initdb and pg_ctl as the `postgres` user when we are root, because initdb refuses root.

Used as a pytest plugin (``pytest -p jaring.testing.pgcluster``): on import it starts a cluster and
points ``JARING_DATABASE_URL`` at it before Django reads its settings; the cluster is removed at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from jaring.core.lib.env import in_ci


class PostgresUnavailable(RuntimeError):
    """initdb/pg_ctl are not installed."""


def find_bin(name: str) -> str:
    """Path of a PostgreSQL server binary (PATH first, then Debian's /usr/lib/postgresql/*/bin)."""
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    found = shutil.which(name)
    if found:
        return found
    raise PostgresUnavailable(f"{name} not found: install PostgreSQL (apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway cluster."""

    root: Path
    port: int
    as_postgres: bool

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        """A postgres:// URL that connects through the unix socket."""
        host = urllib.parse.quote(str(self.socket_dir), safe="")
        return f"postgres://postgres@{host}:{self.port}/{dbname}"

    def _run(self, args: list[str]) -> None:
        cmd = ["runuser", "-u", "postgres", "--", *args] if self.as_postgres else args
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603 (our own argv)

    def stop(self) -> None:
        """Stop the server and delete its files."""
        with contextlib.suppress(subprocess.CalledProcessError, PostgresUnavailable):
            self._run([find_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(extra_options: str = "") -> Cluster:
    """Create and start a cluster listening only on a private unix socket."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    as_postgres = os.geteuid() == 0  # initdb refuses to run as root
    root = Path(tempfile.mkdtemp(prefix="jaring-pg-"))
    cluster = Cluster(root=root, port=_free_port(), as_postgres=as_postgres)
    cluster.socket_dir.mkdir()
    cluster.data_dir.mkdir()
    if as_postgres:
        os.chmod(root, 0o755)  # noqa: S103 (the postgres user must reach the socket and data dirs)
        shutil.chown(cluster.socket_dir, "postgres", "postgres")
        shutil.chown(cluster.data_dir, "postgres", "postgres")
    cluster._run(
        [initdb, "-D", str(cluster.data_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]
    )
    options = f"-k {cluster.socket_dir} -h '' -p {cluster.port} {extra_options}".strip()
    log = cluster.root / "server.log"
    if as_postgres:
        log.touch()
        shutil.chown(log, "postgres", "postgres")
    cluster._run(
        [pg_ctl, "-D", str(cluster.data_dir), "-o", options, "-l", str(log), "-w", "-t", "60", "start"]
    )
    deadline = time.monotonic() + 30
    while not (cluster.socket_dir / f".s.PGSQL.{cluster.port}").exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL did not start; see {log}")
        time.sleep(0.1)
    return cluster


TEST_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"


def _start_for_pytest() -> None:
    if os.environ.get("JARING_DATABASE_URL", "").startswith("postgres"):
        return  # already pointed at a server (an xdist worker, or a developer's own PostgreSQL)
    try:
        cluster = start_cluster(TEST_OPTIONS)
    except PostgresUnavailable as exc:
        if in_ci():
            raise
        raise SystemExit(f"PostgreSQL tests cannot run: {exc}") from exc
    os.environ["JARING_DATABASE_URL"] = cluster.url()
    atexit.register(cluster.stop)


_start_for_pytest()
