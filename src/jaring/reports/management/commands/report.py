"""jaring report funder --programme SLUG --source KIND --month YYYY-MM --out FILE.pdf"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.reports import services


class Command(BaseCommand):
    help = "Printable reports (PDF): the monthly report per funder."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        funder = sub.add_parser("funder", help="monthly report for one funder (DBHCHT, APBD, CSR)")
        funder.add_argument("--programme", required=True)
        funder.add_argument("--source", required=True, help="dbhcht, apbd, apbn, csr or other")
        funder.add_argument("--month", required=True, help="YYYY-MM")
        funder.add_argument("--out", required=True)
        funder.add_argument("--lang", default="id", choices=["id", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        from jaring.programmes.models import Programme

        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            raise CommandError(f"Program tidak ditemukan / programme not found: {options['programme']}")
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", options["month"]):
            raise CommandError("Bulan harus YYYY-MM / the month must be YYYY-MM")
        try:
            report = services.funder_report(programme, options["source"], options["month"])
        except services.ReportError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        tmp = out.with_suffix(out.suffix + ".part")
        tmp.write_bytes(services.funder_pdf(report, options["lang"]))
        tmp.replace(out)  # never a half-written report under the final name
        self.stdout.write(f"{out}: {report.source['name']} {report.month}: {report.persons} / {report.cost}")
