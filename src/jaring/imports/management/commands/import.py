"""`jaring import FILE --village CODE [--round SLUG] [--mapping FILE] [--sheet NAME] [--commit] [--json]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.core.lib.cli import named_user
from jaring.geo.cli import area_by_code
from jaring.imports.lib.headers import load_mapping
from jaring.imports.models import BatchStatus
from jaring.imports.rounds import rules as round_rules
from jaring.imports.services import batch_summary, run_import


class Command(BaseCommand):
    help = "Validate (and with --commit, import) a village spreadsheet (CSV or XLSX) into the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--village", required=True, help="Kemendagri code of the village (or district/regency)."
        )
        parser.add_argument("--round", help="Slug of the collection round this file belongs to.")
        parser.add_argument("--mapping", type=Path, help='JSON file {"Header in file": "person_field"}.')
        parser.add_argument("--sheet", help="XLSX sheet name (default: the first sheet).")
        parser.add_argument(
            "--commit", action="store_true", help="Write the valid rows (default: validate only)."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object and nothing else.")
        parser.add_argument(
            "--user", help="Username recorded as the importer (default: none, i.e. the system)."
        )
        parser.add_argument(
            "--synthetic", action="store_true", help="Flag the batch and its persons synthetic."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        area = area_by_code(opts["village"], hint="load the areas first: jaring geo load")
        user = named_user(opts["user"])
        mapping = None
        if opts["mapping"]:
            try:
                mapping = load_mapping(opts["mapping"])
            except (OSError, ValueError) as exc:
                raise CommandError(f"Mapping file: {exc}") from exc
        round_ = None
        if opts["round"]:
            round_ = round_rules().all_rounds().filter(slug=opts["round"]).first()
            if round_ is None:
                raise CommandError(f"Unknown round {opts['round']} (see: jaring rounds list)")
            try:
                round_rules().check_fits(round_, area)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        as_json = opts["json"]
        progress = None if as_json else _bar
        batch = run_import(
            path,
            village=area,
            user=user,
            commit=opts["commit"],
            mapping=mapping,
            sheet=opts["sheet"],
            is_synthetic=opts["synthetic"] or "SINTETIS" in path.name.upper(),
            progress=progress,
            round=round_,
        )
        if not as_json:
            sys.stderr.write("\n")
        summary = batch_summary(batch)
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self._print_human(summary)
        if batch.status == BatchStatus.FAILED:
            sys.exit(2)

    def _print_human(self, s: dict[str, Any]) -> None:
        w = self.stdout.write
        w(f"Batch #{s['batch']} {s['filename']}: {s['status']}")
        w(
            f"  rows {s['rows_total']}, valid {s['rows_valid']}, with errors {s['rows_with_errors']}, "
            f"with warnings {s['rows_with_warnings']}, committed {s['rows_committed']}"
        )
        issues = s["issues"]
        for issue in issues[:30]:
            head = f"  row {issue['row']:>6} {issue['severity']:<7} {issue['code']:<24}"
            w(f"{head} {issue['column']}: {issue['message']}")
        if len(issues) > 30:
            w(f"  … {len(issues) - 30} more issues (use --json or download the issue report)")


def _bar(fraction: float, message: str) -> None:
    width = 30
    filled = int(width * fraction)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}% {message[:60]:<60}")
    sys.stderr.flush()
