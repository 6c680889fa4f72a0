"""``jaring premium --income N --month YYYY-MM --payer KIND``: one BPU contribution and the rule behind it."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.planning.premiums import PAYER_KINDS, PremiumError
from jaring.programmes.services import premium


class Command(BaseCommand):
    help = "Compute a BPJS Ketenagakerjaan BPU contribution (JKK, JKM, optional JHT) from the stored rates."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--income", type=int, default=None, help="Declared monthly income in Rupiah.")
        parser.add_argument("--month", required=True, help="Contribution month, YYYY-MM.")
        parser.add_argument("--payer", required=True, choices=PAYER_KINDS, help="Kind of the paying source.")
        parser.add_argument("--occupation", default=None, help="Occupation category slug (for discounts).")
        parser.add_argument("--jht", action="store_true", help="Include the optional JHT (old-age savings).")
        parser.add_argument("--json", action="store_true", help="Print JSON: jkk, jkm, jht, total, rule.")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            b = premium(opts["income"], opts["month"], opts["payer"], opts["occupation"], jht=opts["jht"])
        except PremiumError as exc:
            raise CommandError(f"{exc.message_id} / {exc.message_en}") from exc
        if opts["json"]:
            self.stdout.write(json.dumps(b.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"JKK    Rp{b.jkk:>10,}")
        self.stdout.write(f"JKM    Rp{b.jkm:>10,}")
        self.stdout.write(f"JHT    Rp{b.jht:>10,}")
        self.stdout.write(f"Total  Rp{b.total:>10,}")
        self.stdout.write(f"Rule: {b.rule}")
        if not b.verified:
            self.stdout.write(
                "Note: some figures are unverified defaults; an administrator can correct them."
            )
