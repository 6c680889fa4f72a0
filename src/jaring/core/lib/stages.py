"""Wall time per named stage of a long job (the import's profile in bench/bench_import.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# Seconds per stage since the last reset(); a process runs one job at a time where this is read.
TIMINGS: dict[str, float] = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the wall time of the block to ``TIMINGS[name]``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        TIMINGS[name] = TIMINGS.get(name, 0.0) + time.perf_counter() - started


def reset() -> None:
    TIMINGS.clear()
