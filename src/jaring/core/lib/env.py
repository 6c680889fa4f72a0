"""Reading the environment the same way everywhere (no Django needed)."""

from __future__ import annotations

import os

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true, in any case)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def in_ci() -> bool:
    """True on a CI run (``CI`` set to 1/true/yes/on): a missing tool fails there instead of skipping."""
    return env_bool("CI")
