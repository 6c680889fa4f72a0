"""Demo stage: the scenario's MoU, the sponsor's aggregates-only agreement and one expired agreement."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jaring.agreements import services

DEMO_FILE = Path(__file__).parent / "data" / "demo_agreements.yaml"


def seed_demo(report: Any, say: Callable[[str], None]) -> dict[str, str]:
    """Load the demo agreements (idempotent: a second run reports them unchanged)."""
    steward = report.world.users.get("diskominfo.steward")
    data = services.load_file(DEMO_FILE)
    out = {}
    for item in data["agreements"]:
        agreement, action = services.save(item, user=steward, reason="demo")
        out[agreement.number] = action
    services.mark_expired()
    say(f"Agreements: {', '.join(f'{n} ({a})' for n, a in out.items())}")
    return out
