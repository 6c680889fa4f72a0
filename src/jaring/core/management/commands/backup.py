"""``jaring backup --out FILE``: database + the var/ files batches need + a manifest (counts, hashes)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and the files batches still need."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, help="Archive to write (a tar file).")
        parser.add_argument("--json", action="store_true", help="Print the manifest summary as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        try:
            manifest = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = {
            "out": str(out),
            "vendor": manifest["vendor"],
            "tables": len(manifest["tables"]),
            "rows": sum(t["rows"] for t in manifest["tables"].values()),
            "files": len(manifest["files"]),
            "data_key_fingerprint": manifest["data_key_fingerprint"],
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"Cadangan / backup {out}: {summary['tables']} tables, {summary['rows']} rows, "
                f"{summary['files']} files ({summary['vendor']})"
            )
