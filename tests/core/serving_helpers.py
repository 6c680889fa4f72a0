"""Run `jaring` commands in a subprocess against a throwaway SQLite database under a temporary var/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

KEY = "k" * 20 + "serving-test-key-0123456789abcdefghijklmnop"


def env_for(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JARING_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update({"JARING_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "jaring.settings", **extra})
    return env


def jaring(var_dir: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaring.cli", *args],
        env=env_for(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 90) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
                return int(r.status)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {timeout} s")


def descendants(pid: int) -> set[int]:
    from jaring.core.lib.supervisor import child_pids

    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in child_pids(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
