"""``jaring review status|submit|start|approve|return|resubmit BATCH --user U`` and ``review quality``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.collection.models import Round
from jaring.core.lib.cli import named_user
from jaring.imports.models import Batch, ReviewStatus
from jaring.review import quality as q
from jaring.review import services
from jaring.review.models import ReviewAction

STEPS = ["submit", "start", "approve", "return", "resubmit"]


class Command(BaseCommand):
    help = "BPS review of committed batches: show the state, take a step, or report a round's quality."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="A batch's review status, quality breaches and history.")
        status.add_argument("batch", type=int)
        status.add_argument("--user", help="Act as this user (scope applies); default: everything.")
        status.add_argument("--json", action="store_true", help="Print one JSON object.")
        for step in STEPS:
            p = sub.add_parser(step, help=f"{step.capitalize()} a batch as --user.")
            p.add_argument("batch", type=int)
            p.add_argument("--user", required=True, help="Username taking the step.")
            p.add_argument("--comment", default="", help="Comment of the step (required to return).")
        quality = sub.add_parser("quality", help="Quality indicators of a round, per village.")
        quality.add_argument("--round", required=True, help="Round slug.")
        quality.add_argument("--user", help="Only the batches this user may see; default: all.")
        quality.add_argument("--json", action="store_true", help="Print one JSON object.")
        quality.add_argument("--xlsx", type=Path, help="Also write the report to this XLSX file.")

    def _batch(self, batch_id: int, user: Any) -> Batch:
        qs = services.review_batches(user) if user is not None else Batch.objects.filter(status="committed")
        batch = qs.select_related("village").filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"No committed batch #{batch_id} (in this user's scope)")
        return batch

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "quality":
            self._quality(options)
            return
        user = named_user(options.get("user"))
        batch = self._batch(options["batch"], user)
        if action == "status":
            self._status(batch, user, as_json=options.get("json", False))
            return
        try:
            # approve/return from "submitted": the review is started first (both steps are recorded).
            if action in {"approve", "return"} and batch.review_status in {
                ReviewStatus.SUBMITTED,
                ReviewStatus.RESUBMITTED,
            }:
                services.transition(batch, ReviewAction.START, user, via="cli")
            services.transition(batch, action, user, comment=options.get("comment") or "", via="cli")
        except services.ReviewError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"Batch #{batch.pk}: {ReviewStatus(batch.review_status).label}")

    def _status(self, batch: Batch, user: Any, *, as_json: bool) -> None:
        quality = q.batch_quality(batch)
        history = [
            {
                "action": e.action,
                "from": e.from_status,
                "to": e.to_status,
                "actor": e.actor.get_username() if e.actor else None,
                "at": e.at.isoformat(timespec="seconds"),
                "comment": e.comment,
            }
            for e in services.events(batch)
        ]
        if as_json:
            body = {
                "batch": batch.pk,
                "review_status": batch.review_status,
                "allowed_actions": services.allowed_actions(batch, user) if user else [],
                "quality": q.quality_json(quality),
                "events": history,
                "open_comments": batch.row_comments.filter(resolved=False).count(),
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False, default=str))
            return
        self.stdout.write(
            f"Batch #{batch.pk} {batch.filename} ({batch.village.code}): "
            f"{ReviewStatus(batch.review_status).label}"
        )
        for b in quality.breaches:
            self.stdout.write(f"  over threshold: {b.message}")
        for e in history:
            line = f"  {e['at']} {e['actor'] or '-'}: {e['action']} {e['from']} -> {e['to']}"
            self.stdout.write(line + (f" ({e['comment']})" if e["comment"] else ""))

    def _quality(self, options: dict[str, Any]) -> None:
        round_obj = Round.objects.filter(slug=options["round"]).first()
        if round_obj is None:
            raise CommandError(f"No round {options['round']!r}")
        user = named_user(options.get("user"))
        from jaring.accounts.scope import scope_for

        batches = scope_for(user).batches() if user is not None else Batch.objects.all()
        report = q.round_quality(round_obj, batches)
        if options.get("xlsx"):
            Path(options["xlsx"]).write_bytes(q.round_xlsx(report, round_obj.name))
            self.stderr.write(f"Wrote {options['xlsx']}")
        if options.get("json"):
            body = {
                "round": round_obj.slug,
                "batches": report.batches,
                "villages": [
                    {"village_code": a.code, "village_name": a.name} | q.quality_json(qual)
                    for a, qual in report.villages
                ],
                "total": q.quality_json(report.total),
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        self.stdout.write(
            f"{round_obj.name}: {report.batches} committed batches, {len(report.villages)} villages"
        )
        for area, qual in report.villages:
            flags = "; ".join(b.message for b in qual.breaches) or "ok"
            self.stdout.write(f"  {area.code} {area.name}: {qual.values.get('persons', 0)} persons — {flags}")
        total = "; ".join(b.message for b in report.total.breaches) or "ok"
        self.stdout.write(f"  whole round: {report.total.values.get('persons', 0)} persons — {total}")
