"""``jaring access-report --agreement ID --month YYYY-MM [--area CODE] [--json|--xlsx FILE]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.agreements import access
from jaring.agreements.management.commands.token import find_agreement


class Command(BaseCommand):
    help = "Who read the data under an agreement in a month, for what (for the provider and the supervisor)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agreement", required=True, help="Agreement id or number.")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--area", help="Only reads of this area (e.g. a provider's village code).")
        out = parser.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true")
        out.add_argument("--xlsx", type=Path, help="Write the report as XLSX to this file.")

    def handle(self, *args: Any, **opts: Any) -> None:
        agreement = find_agreement(opts["agreement"])
        try:
            data = access.report(agreement, opts["month"], opts.get("area"))
        except ValueError as exc:
            raise CommandError(
                f"bulan '{opts['month']}' tidak sah (YYYY-MM) / '{opts['month']}' is not a month (YYYY-MM)"
            ) from exc
        if opts.get("xlsx"):
            opts["xlsx"].write_bytes(access.report_xlsx(data))
            self.stdout.write(
                f"{opts['xlsx']}: {data['events']} accesses, {data['persons_read']} persons read"
            )
        elif opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{data['agreement']} {data['month']}: {data['events']} akses / accesses, "
                f"{data['persons_read']} orang dibaca / persons read"
            )
            for org, n in data["by_organisation"].items():
                self.stdout.write(f"  {org}: {n}")
