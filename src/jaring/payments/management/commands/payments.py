"""``jaring payments import FILE [--json]``: a payment statement matched on the bill reference."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from jaring.core.lib.cli import named_user
from jaring.payments import statements


class Command(BaseCommand):
    help = "Import a payment statement (CSV/XLSX): full, short, over, duplicate, unknown, cancelled."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a statement; a bad line refuses it whole.")
        imp.add_argument("file")
        imp.add_argument("--mapping", default=None, help="Statement mapping slug (default: the default one).")
        imp.add_argument("--user", default="disnaker.officer")
        imp.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"berkas tidak ada / no such file: {path}")
        user = named_user(opts["user"])
        try:
            result = statements.import_statement(path, actor=user, via="cli", mapping=opts["mapping"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except statements.StatementRefused as exc:
            if opts["json"]:
                self.stdout.write(json.dumps(exc.report(), ensure_ascii=False))
            else:
                for p in exc.problems:
                    self.stderr.write(f"line {p['line']}: {p['message_id']} / {p['message_en']}")
            raise CommandError(
                f"rekening koran ditolak seluruhnya, tidak ada yang disimpan ({len(exc.problems)} masalah) / "
                f"statement refused whole, nothing written ({len(exc.problems)} problems)"
            ) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
            return
        if result.get("already_imported"):
            self.stdout.write("Already imported: nothing changed / sudah diimpor: tidak ada perubahan")
        counts = result["counts"]
        self.stdout.write(f"{result['lines']} lines: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for kind in ("short", "over", "duplicate", "unknown", "cancelled"):
            for e in result.get(kind, [])[:50]:
                self.stdout.write(f"  {kind:<9} line {e['line']}: {e['reference']} Rp{e['amount']:,}")
