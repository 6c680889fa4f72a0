"""``jaring plan --programme SLUG``: compute a coverage plan (or a what-if), print it or approve it."""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from jaring.core.lib.cli import named_user
from jaring.programmes import services
from jaring.programmes.models import Programme
from jaring.registry.models import Person


def read_what_if(path: Path) -> dict[str, Any]:
    """A what-if file: JSON, or YAML (``.yaml``/``.yml``) when PyYAML is installed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"berkas what-if tidak terbaca / cannot read the what-if file: {exc}") from exc
    invalid = "berkas what-if tidak valid / the what-if file is not valid"
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise CommandError("YAML perlu PyYAML / YAML needs PyYAML; use JSON") from exc
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise CommandError(f"{invalid}: {exc}") from exc
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            raise CommandError(f"{invalid}: {exc}") from exc
    try:
        return services.parse_what_if(data)
    except services.WhatIfError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "Compute a programme's coverage plan: who is covered by which source each month, and why not."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--programme", required=True, help="The programme's slug, e.g. gresik-2025.")
        parser.add_argument(
            "--what-if", dest="what_if", type=Path, default=None, help="JSON/YAML source changes."
        )
        parser.add_argument("--person", default=None, help="A NIK: print that person's months only.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument("--save", action="store_true", help="Store the plan (a draft, or a what-if).")
        parser.add_argument(
            "--approve", action="store_true", help="Store the plan and approve it (a version)."
        )
        parser.add_argument("--user", default=None, help="Username acting (needed with --save/--approve).")

    def handle(self, *args: Any, **opts: Any) -> None:
        programme = Programme.objects.filter(slug=opts["programme"]).select_related("area").first()
        if programme is None:
            raise CommandError(
                f"program '{opts['programme']}' tidak ada / no programme '{opts['programme']}'"
            )
        overrides = read_what_if(opts["what_if"]) if opts["what_if"] else None
        if opts["approve"] and overrides:
            raise CommandError("what-if tidak disetujui / a what-if is not approved")
        user = None
        if opts["save"] or opts["approve"]:
            if not opts["user"]:
                raise CommandError("--user diperlukan / --user is needed to store or approve a plan")
            user = named_user(opts["user"])
            try:
                services.check_can_edit(user, programme)
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        try:
            view = services.compute_plan(programme, overrides)
        except services.WhatIfError as exc:
            raise CommandError(str(exc)) from exc
        seconds = round(time.perf_counter() - started, 3)
        stored = None
        if user is not None:
            kind = "what_if" if overrides else "draft"
            base = services.current_plan(programme) if overrides else None
            stored = services.save_plan_view(
                view,
                actor=user,
                via="cli",
                kind=kind,
                base=base,
                overrides={"sources": overrides} if overrides else None,
            )
            if opts["approve"]:
                stored = services.approve_plan(stored, actor=user, via="cli")
        if opts["person"]:
            self._person(view, opts["person"], opts["json"])
            return
        if opts["json"]:
            self.stdout.write(json.dumps(services.plan_json(view) | {"seconds": seconds}, ensure_ascii=False))
            return
        self._table(view, seconds)
        if stored is not None:
            what = (
                f"version {stored.version}" if stored.version else f"{stored.get_kind_display()} #{stored.pk}"
            )
            self.stdout.write(f"Stored: {what}")

    def _person(self, view: services.PlanView, nik: str, as_json: bool) -> None:
        person = services.programme_persons(view.programme).filter(nik=nik).first()
        if person is None:
            person = Person.objects.filter(nik=nik).first()
        months = services.person_coverage(view, person) if person is not None else None
        if months is None:
            raise CommandError(f"NIK {nik} tidak ada dalam rencana / NIK {nik} is not in the plan")
        if as_json:
            self.stdout.write(
                json.dumps(
                    {"programme": view.programme.slug, "nik": nik, "months": months}, ensure_ascii=False
                )
            )
            return
        for m in months:
            if m["source"]:
                self.stdout.write(f"{m['month']}  {m['source_name']}  Rp{m['cost']:,}")
            else:
                self.stdout.write(f"{m['month']}  —  {m['reason']}: {m['reason_en']}")

    def _table(self, view: services.PlanView, seconds: float) -> None:
        s = view.summary
        self.stdout.write(
            f"Programme {view.programme.slug}: {s['persons']:,} persons, months {', '.join(view.months)}"
        )
        for src in s["sources"]:
            self.stdout.write(
                f"  {src['name']} ({src['kind']}): {src['persons']:,} persons, {src['person_months']:,} "
                f"person-months, Rp{src['cost']:,}"
                + (f"; quota left {src['remaining_quota']:,}" if src["remaining_quota"] is not None else "")
                + (
                    f"; budget left Rp{src['remaining_budget']:,}"
                    if src["remaining_budget"] is not None
                    else ""
                )
            )
            self.stdout.write("    " + "  ".join(f"{m}: {v['persons']:,}" for m, v in src["months"].items()))
        self.stdout.write(
            f"Covered: {s['covered_persons']:,} persons, {s['covered_person_months']:,} person-months, "
            f"Rp{s['cost']:,}"
        )
        self.stdout.write(
            "Uncovered (persons with at least one such month): "
            + ", ".join(f"{k} {v:,}" for k, v in s["uncovered_persons"].items())
        )
        self.stdout.write(f"Computed in {seconds} s")
