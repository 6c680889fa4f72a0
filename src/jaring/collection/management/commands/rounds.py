"""`jaring rounds list|show|create|attach`: collection rounds from the command line."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.accounts.models import Organisation
from jaring.accounts.scope import Scope
from jaring.collection import services
from jaring.collection.models import Round
from jaring.imports.models import Batch

EVERYWHERE = Scope(user=None, role=None, area_code=None, is_superuser=True)


class Command(BaseCommand):
    help = "List, show, create collection rounds and attach batches to them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="All rounds.").add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="A round's per-village progress.")
        show.add_argument("slug")
        show.add_argument("--json", action="store_true")
        create = sub.add_parser("create", help="Create a round.")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--start", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        create.add_argument("--end", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        create.add_argument("--organisation", required=True, help="Slug of the organisation running it.")
        create.add_argument("--supervisor", help="Slug of the supervising organisation (BPS).")
        create.add_argument(
            "--targets", nargs="+", required=True, help="Area codes (a district = its villages)."
        )
        create.add_argument("--questionnaire-version", default="1")
        attach = sub.add_parser("attach", help="Attach batches to a round.")
        attach.add_argument("slug")
        attach.add_argument("batches", nargs="+", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _round(self, slug: str) -> Round:
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"No round {slug!r}")
        return round_

    def _list(self, opts: dict[str, Any]) -> None:
        everything = Round.objects.select_related("organisation", "supervisor")
        rounds = [services.round_out(r) for r in services.with_counts(everything)]
        if opts["json"]:
            self.stdout.write(json.dumps(rounds, default=str, ensure_ascii=False))
            return
        for r in rounds:
            self.stdout.write(
                f"{r['slug']:<30} {r['name']:<40} {r['period_start']}–{r['period_end']} "
                f"{r['target_villages']} villages, {r['batches']} batches"
            )

    def _show(self, opts: dict[str, Any]) -> None:
        round_ = self._round(opts["slug"])
        table = services.village_progress(round_, EVERYWHERE)
        summary = services.round_summary(table)
        if opts["json"]:
            out = {
                **services.round_out(round_),
                "summary": summary,
                "villages": table.drop("village_id").to_dicts(),
            }
            self.stdout.write(json.dumps(out, default=str, ensure_ascii=False))
            return
        self.stdout.write(f"{round_.name}: {summary}")
        for row in table.iter_rows(named=True):
            self.stdout.write(
                f"  {row['village_code']} {row['village_name']:<24} rows {row['rows_submitted']:>6} "
                f"errors {row['rows_with_errors']:>5} persons {row['persons']:>6} {row['review_status']}"
            )

    def _create(self, opts: dict[str, Any]) -> None:
        org = Organisation.objects.filter(slug=opts["organisation"]).first()
        if org is None:
            raise CommandError(f"No organisation {opts['organisation']!r}")
        supervisor = None
        if opts["supervisor"]:
            supervisor = Organisation.objects.filter(slug=opts["supervisor"]).first()
            if supervisor is None:
                raise CommandError(f"No organisation {opts['supervisor']!r}")
        try:
            round_ = services.create_round(
                slug=opts["slug"],
                name=opts["name"],
                period_start=opts["start"],
                period_end=opts["end"],
                organisation=org,
                supervisor=supervisor,
                targets=opts["targets"],
                questionnaire_version=opts["questionnaire_version"],
            )
        except services.RoundError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Round {round_.slug}: {round_.target_villages.count()} target villages")

    def _attach(self, opts: dict[str, Any]) -> None:
        round_ = self._round(opts["slug"])
        batches = list(Batch.objects.filter(pk__in=opts["batches"]).select_related("village"))
        if len(batches) != len(set(opts["batches"])):
            raise CommandError("Unknown batch id")
        try:
            moved = services.attach_batches(round_, batches)
        except services.RoundError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{moved} batches attached to {round_.slug}")
