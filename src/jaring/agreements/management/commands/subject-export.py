"""``jaring subject-export --nik NIK --user U [--out FILE]``: everything held about one person (UU PDP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from jaring.agreements import services
from jaring.agreements.subject import subject_export
from jaring.core.lib.cli import named_user


class Command(BaseCommand):
    help = (
        "A data subject's request: every record, change, coverage month and recorded read for one NIK (JSON)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--nik", required=True)
        parser.add_argument("--user", required=True, help="The data steward handling the request.")
        parser.add_argument("--out", type=Path, help="Write the JSON here (default: standard output).")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = named_user(opts["user"])
        if not services.can_manage(user):
            raise CommandError("hanya walidata yang boleh / only a data steward may do this")
        data = subject_export(opts["nik"].strip())
        if not data["found"]:
            raise CommandError(f"NIK {opts['nik']} tidak terdaftar / not registered")
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if opts.get("out"):
            opts["out"].write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"{opts['out']}: {len(data['records'])} records, {len(data['accesses'])} reads")
        else:
            self.stdout.write(text)
