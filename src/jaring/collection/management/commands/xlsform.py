"""`jaring xlsform --round SLUG --out form.xlsx`: the round's XLSForm plus desa.csv next to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pyxform.errors import PyXFormError

from jaring.collection.lib.xlsform import convert, write_xlsform
from jaring.collection.models import Round


class Command(BaseCommand):
    help = "Write the XLSForm of a collection round for ODK Collect / KoboCollect (villages in desa.csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, help="Slug of the round (jaring rounds list).")
        parser.add_argument("--out", required=True, type=Path, help="Path of the .xlsx form to write.")
        parser.add_argument("--check", action="store_true", help="Convert it with pyxform as a check.")

    def handle(self, *args: Any, **opts: Any) -> None:
        round_ = Round.objects.filter(slug=opts["round"]).first()
        if round_ is None:
            raise CommandError(f"No round {opts['round']!r}")
        form, villages = write_xlsform(round_, opts["out"])
        self.stdout.write(f"XLSForm: {form}\nVillages (upload with the form): {villages}")
        if opts["check"]:
            try:
                convert(form.read_bytes())
            except PyXFormError as exc:  # a form problem (ValidationError is one); anything else is a bug
                raise CommandError(f"pyxform: {exc}") from exc
            self.stdout.write("pyxform converts it without error")
