"""``jaring ledger check [--json]``: exit 1 on a person-month with two payers or any sum that differs."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from jaring.payments import ledger


class Command(BaseCommand):
    help = "Check the ledger: one payer per person-month; ledger = bills = reconciled payments."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        chk = sub.add_parser("check")
        chk.add_argument("--programme", default=None)
        chk.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        programme = None
        if opts["programme"]:
            from jaring.enrolment.services import programme_by_slug

            programme = programme_by_slug(opts["programme"])
        result = ledger.check(programme)
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            t = result["totals"]
            self.stdout.write(
                f"ledger Rp{t['ledger']:,} ({t['lines']:,} lines), bills Rp{t['bills']:,}, reconciled bills "
                f"Rp{t['reconciled_bills']:,}, reconciled payments Rp{t['reconciled_payments']:,}"
            )
            for p in result["problems"]:
                self.stdout.write(f"PROBLEM {json.dumps(p, ensure_ascii=False)}")
            self.stdout.write("OK" if result["ok"] else "FAILED / GAGAL")
        if not result["ok"]:
            sys.exit(1)
