"""``jaring rule check TEXT [--programme SLUG] [--json]``: check an eligibility rule and count who passes."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.programmes import services
from jaring.programmes.models import Programme


class Command(BaseCommand):
    help = "Check an eligibility rule (syntax, fields, types, occupations) and count who passes it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Check a rule; exit status 1 when it cannot be used.")
        check.add_argument("text", help="The rule, e.g. 'occupation in [\"fisherman\"] and age >= 18'.")
        check.add_argument(
            "--programme", help="Count only this programme's regency, ages on its first month."
        )
        check.add_argument(
            "--json", action="store_true", help="Print JSON: ok, error, eligible, total, clauses."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        programme = None
        if opts["programme"]:
            programme = Programme.objects.filter(slug=opts["programme"]).first()
            if programme is None:
                raise CommandError(f"Unknown programme {opts['programme']!r} / program tidak dikenal")
        # The command line is trusted (a superuser's view): every approved person counts.
        from django.contrib.auth import get_user_model

        admin = get_user_model()(is_superuser=True, is_active=True)
        summary = services.rule_summary(opts["text"], user=admin, programme=programme)
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        elif summary["ok"]:
            self.stdout.write(f"OK: {summary['eligible']:,} of {summary['total']:,} approved persons pass.")
            for i, clause in enumerate(summary["clauses"], 1):
                self.stdout.write(f"  {i}. {clause}")
        else:
            err = summary["error"]
            self.stdout.write(opts["text"])
            self.stdout.write(" " * (err["column"] - 1) + "^" * err["length"])
            self.stdout.write(f"{err['message_id']}\n{err['message_en']}")
        if not summary["ok"]:
            raise SystemExit(1)
