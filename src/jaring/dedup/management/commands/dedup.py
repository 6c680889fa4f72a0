"""`jaring dedup [--threshold P] [--json] [--area CODE] [--user NAME]`: find probable duplicates."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.core.lib.cli import named_user
from jaring.dedup.services import create_run, run_dedup
from jaring.geo.cli import area_by_code


class Command(BaseCommand):
    help = (
        "Compare the registry's current persons (Splink), put the probable duplicates in the review queue "
        "and print them; decisions already taken are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold", type=float, default=0.9, help="Match probability at or above which a pair is kept."
        )
        parser.add_argument(
            "--area", help="Kemendagri code: compare only persons living there (default: all)."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object and nothing else.")
        parser.add_argument("--user", help="Username recorded as the one who ran it (default: the system).")

    def handle(self, *args: Any, **opts: Any) -> None:
        threshold: float = opts["threshold"]
        if not 0.0 < threshold <= 1.0:
            raise CommandError("--threshold must be a probability in (0, 1]")
        area = area_by_code(opts["area"]) if opts["area"] else None
        user = named_user(opts["user"])
        run = create_run(area=area, threshold=threshold, user=user)
        try:
            outcome = run_dedup(run, progress=_bar)
        except Exception as exc:
            sys.stderr.write("\n")
            raise CommandError(f"Deduplication failed: {exc}") from exc
        sys.stderr.write("\n")
        if opts["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            return
        w = self.stdout.write
        w(
            f"Run #{run.pk}: {outcome.records} persons, {len(outcome.pairs)} pairs at or above {threshold} "
            f"({run.pairs_new} new in the queue), {len(outcome.clusters)} clusters, {outcome.seconds:.1f} s"
        )
        for pair in outcome.pairs[:30]:
            w(f"  {pair['probability']:.3f}  {pair['a']}  {pair['b']}")
        if len(outcome.pairs) > 30:
            w(f"  … {len(outcome.pairs) - 30} more pairs (use --json, or review them at /dedup/)")


def _bar(fraction: float, message: str) -> None:
    width = 30
    filled = int(width * fraction)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}% {message[:60]:<60}")
    sys.stderr.flush()
