"""Agreements of the scenario, loaded from the demo's file (one fixture for tests and demo)."""

from __future__ import annotations

from typing import Any

import pytest

from jaring.agreements import demo
from jaring.agreements.models import Agreement
from jaring.core.world import World


@pytest.fixture
def agreements(world: World) -> dict[str, Agreement]:
    """The MoU, the sponsor's aggregates-only PKS and the expired BPJS PKS."""

    class _Report:
        pass

    report: Any = _Report()
    report.world = world
    demo.seed_demo(report, lambda _m: None)
    return {a.number: a for a in Agreement.objects.all()}
