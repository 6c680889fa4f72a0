"""Collection rounds as the import sees them, through a hook the collection app fills in ready().

Imports sits below collection (docs/architecture.md): a batch may belong to a round, but the rules of
rounds live in :mod:`jaring.collection.services`, which registers them here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


@dataclass(frozen=True)
class RoundRules:
    """What the import asks of rounds: which exist, which a user may use, and whether an area fits one."""

    all_rounds: Callable[[], QuerySet[Any]]
    rounds_for: Callable[[Any], QuerySet[Any]]
    covers: Callable[[Any, Any], bool]
    check_fits: Callable[[Any, Any], None]  # raises ValueError (bilingual) when the area does not fit


_rules: list[RoundRules] = []


def register(rules: RoundRules) -> None:
    """Install the rules of rounds (the collection app calls this in AppConfig.ready())."""
    _rules[:] = [rules]


def rules() -> RoundRules:
    """The registered rules; a clear error when the collection app is not installed."""
    if not _rules:
        raise ImproperlyConfigured("no round rules registered: is jaring.collection installed?")
    return _rules[0]
