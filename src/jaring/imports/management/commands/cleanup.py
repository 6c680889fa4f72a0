"""``jaring cleanup``: remove upload copies and staging files no batch needs; fail abandoned jobs."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from jaring.core.jobs import recover_abandoned
from jaring.imports.retention import cleanup


class Command(BaseCommand):
    help = (
        "Apply the retention rule: upload copies and staging files are kept only while a batch needs them"
        " (see docs/operations.md); jobs of dead workers are marked failed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would go; remove nothing.")
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = cleanup(dry_run=options["dry_run"])
        jobs = 0 if options["dry_run"] else recover_abandoned()
        result = {**report.as_json(), "jobs_failed": jobs, "dry_run": options["dry_run"]}
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"{result['uploads_removed']} upload(s), {result['staging_removed']} staging file(s) "
                f"removed ({report.bytes_freed} bytes); {jobs} abandoned job(s) marked failed"
                + (" [dry run]" if options["dry_run"] else "")
            )
