"""Demo stage of dedup: record the demo imports' NIK conflicts and run deduplication once over Gresik."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jaring.dedup.models import CandidatePair, DedupRun, NikConflict, PairStatus, RunStatus
from jaring.dedup.services import collect_conflicts, create_run, run_dedup

DEMO_THRESHOLD = 0.9
DEMO_USER = "bps.reviewer"


def seed_demo(report: Any, say: Callable[[str], None]) -> dict[str, Any]:
    """Record the demo imports' NIK conflicts and run dedup once over the regency (idempotent)."""
    world = report.world
    regency = world.regency
    added = collect_conflicts(area=regency)
    conflicts = NikConflict.objects.filter(batch__village__code__startswith=regency.code).count()
    say(f"NIK conflicts: {added} recorded by this run, {conflicts} in all")
    run = DedupRun.objects.filter(area=regency, status=RunStatus.DONE).order_by("-pk").first()
    if run is None:
        run = create_run(area=regency, threshold=DEMO_THRESHOLD, user=world.users.get(DEMO_USER))
        try:
            run_dedup(run)
        except Exception as exc:  # the run is recorded as failed; the rest of the demo still stands
            say(f"Deduplication failed ({type(exc).__name__}: {exc}); see run #{run.pk}")
            return {"conflicts": conflicts, "conflicts_added": added, "run": run.pk, "failed": True}
        say(
            f"Deduplication over {run.records} persons: {run.pairs_found} candidate pairs in "
            f"{run.clusters_found} clusters ({run.seconds:.1f} s); review them at /dedup/"
        )
    else:
        say(f"Deduplication already ran (run #{run.pk}): {run.pairs_found} candidate pairs")
    return {
        "conflicts": conflicts,
        "conflicts_added": added,
        "run": run.pk,
        "records": run.records,
        "pairs": run.pairs_found,
        "open_pairs": CandidatePair.objects.filter(status=PairStatus.OPEN).count(),
        "seconds": run.seconds,
    }
