"""``jaring restore FILE``: into a fresh (empty) database, then check row counts and hashes."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jaring.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a `jaring backup` archive into a fresh database and check it against its manifest."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", help="The backup archive.")
        parser.add_argument(
            "--database-url", help="Target database (default: JARING_DATABASE_URL); it must be empty."
        )
        parser.add_argument("--var-dir", help="Where the files go (default: JARING_VAR_DIR).")
        parser.add_argument("--json", action="store_true", help="Print the check as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"berkas tidak ada / no such file: {archive}")
        db: dict[str, Any] = (
            dict(dj_database_url.parse(options["database_url"]))
            if options.get("database_url")
            else dict(settings.DATABASES["default"])
        )
        var_dir = Path(options["var_dir"] or settings.VAR_DIR)
        try:
            result = restore(archive, db, var_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
        elif result["ok"]:
            self.stdout.write(
                f"Dipulihkan dan diperiksa / restored and checked: {result['tables']} tables, "
                f"{result['rows']} rows, {result['files']} files match the manifest."
            )
        if not result["ok"]:
            raise CommandError(
                "Pemeriksaan gagal / the restore check failed: "
                + json.dumps(result["differences"] + result["damaged_files"])[:2000],
                returncode=3,
            )
