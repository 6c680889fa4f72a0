"""``jaring audit verify|anchor``: check the hash chain; the day's anchor to keep outside the system."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jaring.auditlog import services


class Command(BaseCommand):
    help = "Verify the tamper-evident audit chain (exit 1 naming the first bad event), or anchor a day."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Walk the whole chain.").add_argument("--json", action="store_true")
        anchor = sub.add_parser("anchor", help="The chain's head at the end of a day (UTC), stored once.")
        anchor.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today).")
        anchor.add_argument("--json", action="store_true")
        anchor.add_argument("--out", type=Path, help="Also write the anchor as JSON to this file.")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"])(opts)

    def _verify(self, opts: dict[str, Any]) -> None:
        verdict = services.verify()
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
        if opts["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        elif verdict.ok:
            self.stdout.write(f"OK: {verdict.events} events, head {verdict.head_hash}")
        else:
            self.stdout.write(f"RUSAK / BROKEN: {out['message_id']} / {out['message_en']}")
        if not verdict.ok:
            sys.exit(1)

    def _anchor(self, opts: dict[str, Any]) -> None:
        a = services.anchor(opts.get("date"))
        out = {
            "day": a.day.isoformat(),
            "last_event": a.last_seq,
            "head_hash": a.head_hash,
            "events_that_day": a.events,
            "day_merkle_root": a.day_root,
            "made_at": a.made_at,
        }
        if opts.get("out"):
            opts["out"].write_text(json.dumps(out, indent=2) + "\n")
        if opts["json"]:
            self.stdout.write(json.dumps(out))
            return
        self.stdout.write(
            f"Jangkar audit / audit anchor {out['day']}: event #{a.last_seq}, head {a.head_hash}, "
            f"{a.events} events that day, Merkle root {a.day_root}"
        )
