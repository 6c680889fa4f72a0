"""`jaring link FILE --columns nik,full_name,birth_date [--mark-bpjs-active] [--json] [--out CSV]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.core.lib.cli import named_user
from jaring.dedup.management.commands.dedup import _bar
from jaring.dedup.services import LINK_COLUMNS, link_list, mark_bpjs_active, read_outside_list
from jaring.geo.cli import area_by_code
from jaring.imports.lib.reader import FileProblem
from jaring.registry.services import PersonInvalid


class Command(BaseCommand):
    help = (
        "Link an outside list (CSV/XLSX, e.g. existing BPJS members) against the registry: matched, "
        "unmatched and ambiguous rows; optionally mark the matched persons as active BPJS members."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--columns",
            required=True,
            help=f"Comma-separated fields to compare, among {','.join(LINK_COLUMNS)}.",
        )
        parser.add_argument("--threshold", type=float, default=0.9)
        parser.add_argument("--area", help="Compare only with persons living in this area (default: all).")
        parser.add_argument("--sheet", help="XLSX sheet name (default: the first sheet).")
        parser.add_argument(
            "--mark-bpjs-active",
            action="store_true",
            help="Set matched persons' BPJS status to active (and the number, if the list has a column).",
        )
        parser.add_argument("--user", help="Username recorded in the change log (default: the system).")
        parser.add_argument("--out", type=Path, help="Write the row-by-row listing to this CSV file.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object and nothing else.")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        columns = [c.strip() for c in opts["columns"].split(",") if c.strip()]
        area = area_by_code(opts["area"]) if opts["area"] else None
        user = named_user(opts["user"])
        try:
            outside = read_outside_list(path, columns, sheet=opts["sheet"])
        except FileProblem as problem:
            raise CommandError(f"The file cannot be read ({problem.code})") from problem
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        as_json = opts["json"]
        outcome = link_list(
            outside, area=area, threshold=opts["threshold"], progress=None if as_json else _bar
        )
        if not as_json:
            sys.stderr.write("\n")
        if opts["mark_bpjs_active"]:
            try:
                mark_bpjs_active(outcome, actor=user)
            except PersonInvalid as exc:
                raise CommandError(f"Nothing was marked: {exc}") from exc
        if opts["out"]:
            outcome.rows.write_csv(opts["out"])
        if as_json:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False, default=str))
            return
        counts = outcome.counts()
        self.stdout.write(
            f"{outcome.rows.height} rows: {counts['matched']} matched, {counts['unmatched']} unmatched, "
            f"{counts['ambiguous']} ambiguous ({outcome.seconds:.1f} s)"
        )
        if opts["mark_bpjs_active"]:
            self.stdout.write(f"{outcome.marked} persons marked as active BPJS Ketenagakerjaan members")
        if not opts["out"]:
            self.stdout.write(outcome.rows.write_csv())
