"""``jaring demo``: the Gresik scenario with synthetic workers, loaded through the import pipeline."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from jaring.registry.models import Person
from jaring.synth import demo


class Command(BaseCommand):
    help = "Build the demo: Gresik's areas, approximate shapes, demo users and ~10,000 SYNTHETIC workers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--people", type=int, default=demo.DEMO_PEOPLE, help="Synthetic persons in all.")
        parser.add_argument("--leran", type=int, default=demo.DEMO_LERAN, help="Of which in Desa Leran.")
        parser.add_argument("--seed", type=int, default=demo.DEMO_SEED)
        parser.add_argument("--noise", type=float, default=demo.DEMO_NOISE)
        parser.add_argument("--dup-rate", type=float, default=demo.DEMO_DUP_RATE)
        parser.add_argument(
            "--addr",
            default="127.0.0.1:8000",
            help="host:port the server will listen on (jaring serve --addr): the login text shows it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        report = demo.run_demo(
            people=options["people"],
            leran=options["leran"],
            seed=options["seed"],
            noise=options["noise"],
            dup_rate=options["dup_rate"],
            progress=lambda m: print(m, file=sys.stderr, flush=True),
        )
        total = Person.objects.count()
        synthetic = Person.objects.filter(is_synthetic=True).count()
        leran = Person.objects.filter(village__code=demo.LERAN).count()
        committed = sum(f.batch.rows_committed for f in report.files if f.batch is not None and not f.skipped)
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING("SINTETIS / SYNTHETIC DATA: every worker in this demo is made up.")
        )
        self.stdout.write(
            f"{len(report.files)} import batches ({committed} rows committed by this run); "
            f"registry: {total} persons ({synthetic} synthetic), {leran} in Desa Leran; "
            f"{report.tobacco_in_files} tobacco-sector workers generated (DBHCHT quota 1,808)."
        )
        self.stdout.write(f"Spreadsheets and ground truth: {demo.demo_dir()}")
        addr: str = options["addr"]
        host = addr if ":" in addr else f"127.0.0.1:{addr}"
        self.stdout.write(demo.logins_text(f"http://{host}/"))
        self.stdout.write(
            f"Start the server with: jaring serve --addr {host}   ({time.monotonic() - started:.1f} s)"
        )
