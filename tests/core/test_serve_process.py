"""`jaring serve` as an operator runs it: gunicorn and the worker under one parent; signals stop both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.serving_helpers import KEY, alive, descendants, env_for, free_port, jaring, wait_http

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var_dir = tmp_path_factory.mktemp("var")
    done = jaring(var_dir, "migrate", "--no-input", "-v0", JARING_SECRET_KEY=KEY)
    assert done.returncode == 0, done.stderr
    return var_dir


@pytest.mark.parametrize(
    "command", [["serve", "--no-collectstatic"], ["runserver", "--noreload"], ["worker"]]
)
def test_a_fresh_start_without_a_key_refuses_in_both_languages(tmp_path: Path, command: list[str]) -> None:
    done = jaring(tmp_path, *command, timeout=120)
    assert done.returncode != 0
    assert "No secret key" in done.stderr and "Tidak ada kunci rahasia" in done.stderr


def test_the_wsgi_app_refuses_to_load_without_a_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import jaring.wsgi"],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0 and "No secret key" in done.stderr


def test_the_demo_key_is_written_0600_and_used_by_serving(tmp_path: Path) -> None:
    from jaring.core.safety import ensure_secret_key_file

    env = env_for(tmp_path)
    code = (
        "import django; django.setup(); from jaring.core.safety import ensure_secret_key_file as e; "
        "print(e())"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "True", done.stderr
    key_file = tmp_path / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    code = "import django; django.setup(); from django.conf import settings as s; print(s.JARING_KEY_ORIGIN)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "file"
    assert callable(ensure_secret_key_file)


def _start(var_dir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jaring.cli",
            "serve",
            "--addr",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--graceful-timeout",
            "5",
            "--no-collectstatic",
        ],
        env=env_for(var_dir, JARING_SECRET_KEY=KEY),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_and_the_worker_and_leaves_no_child(migrated: Path, sig: int) -> None:
    port = free_port()
    server = _start(migrated, port)
    try:
        assert wait_http(f"http://127.0.0.1:{port}/healthz") == 200
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # gunicorn master + its worker + the task worker
            children = descendants(server.pid)
            if len(children) >= 3:
                break
            time.sleep(0.3)
        assert len(children) >= 3, children
        os.kill(server.pid, sig)
        server.wait(timeout=40)
        time.sleep(0.5)
        assert [pid for pid in children if alive(pid)] == []
    finally:
        if server.poll() is None:
            server.kill()


def test_a_killed_worker_is_started_again(migrated: Path) -> None:
    port = free_port()
    server = _start(migrated, port)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")

        def worker_pid() -> int | None:
            for pid in descendants(server.pid):
                try:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if b"worker" in cmd and b"jaring.cli" in cmd:
                    return pid
            return None

        deadline = time.monotonic() + 30
        first = None
        while first is None and time.monotonic() < deadline:
            first = worker_pid()
            time.sleep(0.3)
        assert first is not None
        os.kill(first, signal.SIGKILL)
        second = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            second = worker_pid()
            if second is not None and second != first:
                break
            time.sleep(0.3)
        assert second is not None and second != first
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
