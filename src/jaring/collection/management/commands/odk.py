"""`jaring odk pull --url URL --project ID --form FORM [--village CODE] [--round SLUG] [--commit]`."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.collection import services
from jaring.collection.lib.odk import CentralClient, OdkError
from jaring.collection.models import Round
from jaring.core.lib.cli import named_user
from jaring.geo.cli import area_by_code
from jaring.imports.services import batch_summary


class Command(BaseCommand):
    help = "Pull submissions of an ODK Central form (OData) into an import batch."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        pull = sub.add_parser("pull", help="Pull a form's submissions into a batch.")
        pull.add_argument(
            "--url", required=True, help="ODK Central base URL, e.g. https://central.example.org"
        )
        pull.add_argument("--project", required=True, type=int, help="Project id.")
        pull.add_argument("--form", required=True, help="xmlFormId of the form.")
        pull.add_argument("--village", help="Area code of the batch (default: the round's regency).")
        pull.add_argument("--round", help="Slug of the collection round.")
        pull.add_argument("--commit", action="store_true", help="Write the valid rows (default: validate).")
        pull.add_argument("--email", default=os.environ.get("ODK_CENTRAL_EMAIL", ""), help="Central account.")
        pull.add_argument(
            "--password-env",
            default="ODK_CENTRAL_PASSWORD",
            help="Environment variable holding the password (never on the command line).",
        )
        pull.add_argument(
            "--token-env", default="ODK_CENTRAL_TOKEN", help="Environment variable with a token."
        )
        pull.add_argument(
            "--session", action="store_true", help="Log in (POST /v1/sessions), then use the token."
        )
        pull.add_argument("--page-size", type=int, default=500)
        pull.add_argument("--user", help="Username recorded as the importer.")
        pull.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **opts: Any) -> None:
        round_ = None
        if opts["round"]:
            round_ = Round.objects.filter(slug=opts["round"]).first()
            if round_ is None:
                raise CommandError(f"Unknown round {opts['round']!r}")
        code = opts["village"]
        if not code:
            first = round_.target_villages.order_by("code").first() if round_ else None
            if first is None:
                raise CommandError("Give --village (or a --round with target villages)")
            code = first.code[:5]  # the regency: the form's kode_desa column says which village
        area = area_by_code(code)
        user = named_user(opts["user"])
        client = CentralClient(
            url=opts["url"],
            project=opts["project"],
            form=opts["form"],
            email=opts["email"],
            password=os.environ.get(opts["password_env"], ""),
            token=os.environ.get(opts["token_env"], ""),
            use_session=opts["session"],
        )
        progress = None if opts["json"] else _bar
        try:
            batch = services.pull_odk(
                client,
                village=area,
                user=user,
                commit=opts["commit"],
                round_=round_,
                page_size=opts["page_size"],
                progress=progress,
            )
        except (OdkError, services.RoundError) as exc:
            raise CommandError(str(exc)) from exc
        if not opts["json"]:
            sys.stderr.write("\n")
        if batch is None:
            summary: dict[str, Any] = {"batch": None, "status": "nothing_new", "rows_total": 0}
            text = "No new submissions / tidak ada kiriman baru"
        else:
            summary = batch_summary(batch, max_issues=100)
            text = (
                f"Batch #{batch.pk}: {batch.status}, rows {batch.rows_total}, valid {batch.rows_valid}, "
                f"with errors {batch.rows_with_errors}, committed {batch.rows_committed}"
            )
        self.stdout.write(json.dumps(summary, ensure_ascii=False, default=str) if opts["json"] else text)


def _bar(fraction: float, message: str) -> None:
    width = 30
    filled = int(width * fraction)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}% {message[:60]:<60}")
    sys.stderr.flush()
