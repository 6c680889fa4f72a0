"""Demo stage of collection: the round "Pendataan Pekerja Rentan 2025" with the demo batches in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jaring.collection import services
from jaring.collection.models import Round
from jaring.core.world import GRESIK
from jaring.geo.models import Area

ROUND_SLUG = "pendataan-pekerja-rentan-2025"
ROUND_NAME = "Pendataan Pekerja Rentan 2025"


def seed_demo(report: Any, say: Callable[[str], None]) -> dict[str, Any]:
    """Create the round (Diskominfo runs it, BPS supervises, Gresik's villages are the targets) once, and
    attach the demo's batches; running it again changes nothing."""
    orgs = report.world.organisations
    round_ = Round.objects.filter(slug=ROUND_SLUG).first()
    created = round_ is None
    if round_ is None:
        round_ = services.create_round(
            slug=ROUND_SLUG,
            name=ROUND_NAME,
            period_start=dt.date(2025, 6, 1),
            period_end=dt.date(2025, 8, 31),
            organisation=orgs["diskominfo-gresik"],
            supervisor=orgs["bps-gresik"],
            targets=[GRESIK],
            questionnaire_version="2025.1",
        )
    batches = [f.batch for f in report.files if f.batch is not None]
    attached = services.attach_batches(round_, batches)
    targets = round_.target_villages.count()
    say(
        f"Round {ROUND_NAME}: {targets} target villages, "
        + (f"{attached} batches attached" if attached else "batches already attached")
        + ("" if created else " (round already there)")
    )
    assert targets == Area.objects.within(GRESIK).villages().count()
    return {"round": round_.slug, "targets": targets, "batches_attached": attached, "created": created}
