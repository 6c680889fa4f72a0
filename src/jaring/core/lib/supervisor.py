"""A small process supervisor: start children, restart a dead one, stop all on SIGTERM/SIGINT."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger("jaring.serve")

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM us when the supervisor dies, even by kill -9 (no orphans)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: the supervisor's own signal handling still stops the children
        pass


@dataclass
class Child:
    """One supervised command."""

    name: str
    argv: Sequence[str]
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0
    history: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(list(self.argv), env=self.env, preexec_fn=_die_with_parent)  # noqa: S603
        self.started_at = time.monotonic()
        log.warning("%s started (pid %s)", self.name, self.process.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    """Run children until told to stop; a child that exits is started again (with a back-off)."""

    def __init__(
        self,
        children: Sequence[Child],
        *,
        stop_timeout: float = 30.0,
        max_restarts_per_minute: int = 10,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.children = list(children)
        self.stop_timeout = stop_timeout
        self.max_restarts_per_minute = max_restarts_per_minute
        self.on_event = on_event or (lambda text: log.warning("%s", text))
        self._stopping = False
        self._reload = False
        self.exit_code = 0

    def _handle_stop(self, _signum: int, _frame: object) -> None:
        self._stopping = True

    def _handle_reload(self, _signum: int, _frame: object) -> None:
        self._reload = True

    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self._handle_stop)
        signal.signal(signal.SIGINT, self._handle_stop)
        signal.signal(signal.SIGHUP, self._handle_reload)

    def run(self, poll_seconds: float = 0.5) -> int:
        """Start every child and watch them; return the exit code once stopped."""
        self.install_signals()
        for child in self.children:
            child.start()
        try:
            while not self._stopping:
                if self._reload:
                    self._reload = False
                    self.reload()
                for child in self.children:
                    if not child.alive() and not self._stopping:
                        self._restart(child)
                time.sleep(poll_seconds)
        finally:
            self.stop()
        return self.exit_code

    def _restart(self, child: Child) -> None:
        code = child.process.returncode if child.process is not None else None
        now = time.monotonic()
        child.history = [t for t in child.history if now - t < 60] + [now]
        if len(child.history) > self.max_restarts_per_minute:
            self.on_event(
                f"{child.name} exited {len(child.history)} times in a minute; giving up / "
                f"{child.name} berhenti {len(child.history)} kali dalam semenit; dihentikan"
            )
            self.exit_code = 1
            self._stopping = True
            return
        child.restarts += 1
        self.on_event(
            f"{child.name} exited (code {code}); restarting / "
            f"{child.name} berhenti (kode {code}); dijalankan lagi"
        )
        time.sleep(min(5.0, 0.2 * 2 ** min(len(child.history), 5)))
        child.start()

    def reload(self) -> None:
        """Pass SIGHUP on: gunicorn reloads its workers gracefully; the task worker is restarted."""
        for child in self.children:
            if child.alive() and child.process is not None:
                child.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        """SIGTERM every child, wait for a graceful exit, then SIGKILL what is left."""
        for child in self.children:
            if child.alive() and child.process is not None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        self.on_event("Stopped / Berhenti.")


def child_pids(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc), used by tests and the status line."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found
