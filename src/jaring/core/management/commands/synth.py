"""``jaring synth``: a synthetic village spreadsheet (labelled synthetic) and its ground truth."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.synth.areas import plans_for_area
from jaring.synth.generator import SynthOptions, generate
from jaring.synth.mixes import MIXES
from jaring.synth.writer import write_rows, write_truth


class Command(BaseCommand):
    help = (
        "Generate a SYNTHETIC village spreadsheet of vulnerable workers (CSV or XLSX) and its ground truth."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="Number of distinct (true) persons.")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--village", help="Kemendagri village code, e.g. 35.25.10.2010.")
        where.add_argument("--regency", help="Kemendagri regency (or district) code, e.g. 35.25.")
        parser.add_argument(
            "--out", type=Path, required=True, help="Output file (suggested: put SINTETIS in its name)."
        )
        parser.add_argument(
            "--format", choices=["csv", "xlsx"], help="Default: from the file extension, else csv."
        )
        parser.add_argument(
            "--truth", type=Path, help="Write the ground truth (row → true person) to this CSV."
        )
        parser.add_argument(
            "--dup-rate", type=float, default=0.0, help="Share of extra rows repeating a person (0–1)."
        )
        parser.add_argument("--noise", type=float, default=0.0, help="Rate of mess per row and kind (0–1).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--occupation-mix", default="gresik", choices=list(MIXES))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        code: str = options.get("village") or options["regency"]
        if options["people"] < 1:
            raise CommandError("--people must be at least 1")
        for name in ("dup_rate", "noise"):
            if not 0.0 <= options[name] <= 1.0:
                raise CommandError(f"--{name.replace('_', '-')} must be between 0 and 1")
        try:
            plans = plans_for_area(code)
            opts = SynthOptions(
                people=options["people"],
                villages=plans,
                seed=options["seed"],
                dup_rate=options["dup_rate"],
                noise=options["noise"],
                mix=options["occupation_mix"],
            )
            result = generate(opts, progress=lambda m: print(m, file=sys.stderr, flush=True))
            files = write_rows(result.rows, options["out"], options.get("format"))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options.get("truth"):
            files.append(write_truth(result.truth, options["truth"]))
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"SINTETIS / SYNTHETIC: {result.rows.height:,} rows ({opts.people:,} persons), {elapsed:.1f} s: "
            + ", ".join(str(f) for f in files)
        )
