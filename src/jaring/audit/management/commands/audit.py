"""``jaring audit``: the audit trail on the command line (CSV to stdout, or --json)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.scope import scope_for
from jaring.audit import services
from jaring.core.lib.cli import named_user


class Command(BaseCommand):
    help = "List the audit trail (every change log) as a reader sees it: CSV, or JSON with --json."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--as", dest="as_user", required=True, help="Read as this user (auditor, steward)."
        )
        parser.add_argument("--kind", default="", help="person, programme, round, review or dedup.")
        parser.add_argument("--user", default="", help="Only changes by this login name.")
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--person", default="", help="NIK.")
        parser.add_argument("--batch", type=int, default=None)
        parser.add_argument("--programme", default="", help="Programme slug.")
        parser.add_argument("--json", action="store_true", help="One JSON document instead of CSV.")

    def handle(self, *args: Any, **o: Any) -> None:
        user = named_user(o["as_user"])
        scope = scope_for(user)
        if not services.can_read_audit(scope):
            raise CommandError(
                "Hanya auditor dan pengelola data yang boleh membaca jejak audit / "
                "Only auditors and data stewards may read the audit trail"
            )
        filters = services.AuditFilters(
            kind=o["kind"],
            user=o["user"],
            date_from=o["date_from"],
            date_to=o["date_to"],
            person=o["person"],
            batch=o["batch"],
            programme=o["programme"],
        )
        log = services.AuditLog(scope, filters)
        rows = services.export_rows(log)
        if o["json"]:
            items = [dict(zip(services.EXPORT_HEADERS, r, strict=True)) for r in rows]
            self.stdout.write(json.dumps({"count": len(items), "items": items}, ensure_ascii=False, indent=1))
            return
        writer = csv.writer(sys.stdout)
        writer.writerow(services.EXPORT_HEADERS)
        writer.writerows(rows)
