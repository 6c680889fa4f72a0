"""``jaring audit list|verify|anchor``: the trail as a reader sees it; the hash chain's check and anchor."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.scope import scope_for
from jaring.audit import services
from jaring.auditlog import services as chain
from jaring.core.lib.cli import named_user


class Command(BaseCommand):
    help = (
        "The audit trail (list: every change log as a reader sees it, CSV or --json); verify: walk the "
        "tamper-evident chain (exit 1 naming the first bad event); anchor: the day's head to keep outside."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="The change logs as a reader sees them.")
        listing.add_argument(
            "--as", dest="as_user", required=True, help="Read as this user (auditor, steward)."
        )
        listing.add_argument("--kind", default="", help="person, programme, round, review or dedup.")
        listing.add_argument("--user", default="", help="Only changes by this login name.")
        listing.add_argument("--from", dest="date_from", type=dt.date.fromisoformat, default=None)
        listing.add_argument("--to", dest="date_to", type=dt.date.fromisoformat, default=None)
        listing.add_argument("--person", default="", help="NIK.")
        listing.add_argument("--batch", type=int, default=None)
        listing.add_argument("--programme", default="", help="Programme slug.")
        listing.add_argument("--json", action="store_true", help="One JSON document instead of CSV.")
        sub.add_parser("verify", help="Walk the whole hash chain.").add_argument(
            "--json", action="store_true"
        )
        anchor = sub.add_parser("anchor", help="The chain's head at the end of a day (UTC), stored once.")
        anchor.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today).")
        anchor.add_argument("--json", action="store_true")
        anchor.add_argument("--out", type=Path, help="Also write the anchor as JSON to this file.")

    def handle(self, *args: Any, **o: Any) -> None:
        getattr(self, "_" + o["action"])(o)

    def _list(self, o: dict[str, Any]) -> None:
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
        rows = services.export_rows(services.AuditLog(scope, filters))
        if o["json"]:
            items = [dict(zip(services.EXPORT_HEADERS, r, strict=True)) for r in rows]
            self.stdout.write(json.dumps({"count": len(items), "items": items}, ensure_ascii=False, indent=1))
            return
        writer = csv.writer(sys.stdout)
        writer.writerow(services.EXPORT_HEADERS)
        writer.writerows(rows)

    def _verify(self, o: dict[str, Any]) -> None:
        verdict = chain.verify()
        brk = verdict.first_break
        out = {
            "ok": verdict.ok,
            "events": verdict.events,
            "head_hash": verdict.head_hash,
            "first_bad_event": brk.seq if brk else None,
            "problem": brk.problem if brk else ("anchor" if verdict.anchor_problem else None),
            "message_id": brk.message_id if brk else verdict.anchor_problem,
            "message_en": brk.message_en if brk else verdict.anchor_problem,
        }
        if o["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        elif verdict.ok:
            self.stdout.write(f"OK: {verdict.events} events, head {verdict.head_hash}")
        else:
            self.stdout.write(f"RUSAK / BROKEN: {out['message_id']} / {out['message_en']}")
        if not verdict.ok:
            sys.exit(1)

    def _anchor(self, o: dict[str, Any]) -> None:
        a = chain.anchor(o.get("date"))
        out = {
            "day": a.day.isoformat(),
            "last_event": a.last_seq,
            "head_hash": a.head_hash,
            "events_that_day": a.events,
            "day_merkle_root": a.day_root,
            "made_at": a.made_at,
        }
        if o.get("out"):
            o["out"].write_text(json.dumps(out, indent=2) + "\n")
        if o["json"]:
            self.stdout.write(json.dumps(out))
            return
        self.stdout.write(
            f"Jangkar audit / audit anchor {out['day']}: event #{a.last_seq}, head {a.head_hash}, "
            f"{a.events} events that day, Merkle root {a.day_root}"
        )
