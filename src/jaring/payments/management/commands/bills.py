"""``jaring bills [list|draft|issue|reconcile] --programme SLUG``: monthly premium bills per payer."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from jaring.core.lib.cli import named_user
from jaring.enrolment.services import EnrolmentError, month_of, programme_by_slug
from jaring.payments import services


class Command(BaseCommand):
    help = "Premium bills per payer and month: list them, rebuild drafts, issue a month, reconcile a month."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "action", nargs="?", default="list", choices=["list", "draft", "issue", "reconcile", "burndown"]
        )
        parser.add_argument("--programme", required=True)
        parser.add_argument("--payer", default=None, help="Source kind or slug.")
        parser.add_argument("--month", default=None, help="YYYY-MM")
        parser.add_argument("--user", default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            self._handle(opts)
        except EnrolmentError as exc:
            raise CommandError(f"{exc.message_id} / {exc.message_en}") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

    def _handle(self, opts: dict[str, Any]) -> None:
        programme = programme_by_slug(opts["programme"])
        month = month_of(opts["month"]) if opts["month"] else None
        action = opts["action"]
        if action == "burndown":
            from jaring.payments.burndown import burndown

            data = burndown(programme)
            if opts["json"]:
                self.stdout.write(json.dumps(data, ensure_ascii=False))
                return
            for s in data["sources"]:
                self.stdout.write(
                    f"{s['name']} ({s['payer_kind']}): planned Rp{s['planned']:,}, billed Rp{s['billed']:,}, "
                    f"paid Rp{s['paid']:,}" + (f", budget left Rp{s['budget_left']:,}" if s["budget"] else "")
                )
                for m in s["months"]:
                    quota = f" quota {m['quota_used']:.0%}" if m["quota_used"] is not None else ""
                    self.stdout.write(
                        f"  {m['month']} planned {m['planned_persons']:>6} Rp{m['planned']:>13,}  billed "
                        f"{m['billed_persons']:>6} Rp{m['billed']:>13,}  paid Rp{m['paid']:>13,}{quota}"
                    )
            return
        if action != "list":
            user = named_user(opts["user"])
            if user is None:
                raise CommandError("sebut pengguna (--user) / name the user (--user)")
            if action == "draft" or month is None:
                if action != "draft":
                    raise CommandError("sebut bulannya (--month YYYY-MM) / name the month (--month YYYY-MM)")
                result: Any = services.build_drafts(
                    programme, [month] if month else None, actor=user, via="cli"
                )
            elif action == "issue":
                result = [
                    services.bill_json(b)
                    for b in services.issue_bills(programme, month, actor=user, via="cli")
                ]
            else:
                result = services.reconcile_month(programme, month, actor=user, via="cli")
            if opts["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            else:
                self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        qs = services.filtered(programme.bills.select_related("source", "plan"), opts["payer"], month)
        rows = [services.bill_json(b) for b in qs]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r['reference'] or '(draft)':<44} {r['payer_kind']:<7} {r['month']} {r['persons']:>7} "
                f"Rp{r['amount']:>14,} paid Rp{r['paid']:>14,} {r['status']}"
            )
        self.stdout.write(f"{len(rows)} bills, Rp{sum(r['amount'] for r in rows):,}")
