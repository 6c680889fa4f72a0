"""``jaring events list|show|attendance``: events, their attendance, sheets and invitations as PDF."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from jaring.core.lib.cli import named_user
from jaring.events import services
from jaring.events.models import Event


class Command(BaseCommand):
    help = "Events: list, show one, record attendance, print the attendance sheet or invitations (PDF)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list")
        lst.add_argument("--json", action="store_true")
        show = sub.add_parser("show")
        show.add_argument("slug")
        show.add_argument("--json", action="store_true")
        att = sub.add_parser("attendance", help="Record by --code/--nik, or write --sheet/--invitations PDF.")
        att.add_argument("slug")
        att.add_argument("--code", default=None, help="Invitation code (from the QR) or NIK.")
        att.add_argument("--sheet", default=None, help="Write the attendance sheet PDF here.")
        att.add_argument("--invitations", default=None, help="Write the invitations PDF (QR codes) here.")
        att.add_argument("--user", default="disnaker.officer")
        att.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "list":
            rows = [
                services.event_json(e)
                for e in Event.objects.select_related("organiser", "funder", "village", "programme")
            ]
            if opts["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False))
            for r in [] if opts["json"] else rows:
                a = r["attendance"]
                self.stdout.write(
                    f"{r['slug']:<40} {r['date']} {r['kind']:<9} {a['attended']}/{a['invited']} {r['title']}"
                )
            return
        event = Event.objects.filter(slug=opts["slug"]).first()
        if event is None:
            raise CommandError(f"acara '{opts['slug']}' tidak ada / no event '{opts['slug']}'")
        if opts["action"] == "show":
            data = services.event_json(event)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=None if opts["json"] else 1))
            return
        try:
            if opts["code"]:
                done = services.record_attendance(
                    event, opts["code"], actor=named_user(opts["user"]), via="cli"
                )
                self.stdout.write(
                    json.dumps(done, ensure_ascii=False) if opts["json"] else f"{done['name']}: present"
                )
            for key, invitations in (("sheet", False), ("invitations", True)):
                if opts[key]:
                    Path(opts[key]).write_bytes(services.sheet_pdf(event, invitations=invitations))
                    self.stdout.write(f"{opts[key]} written")
        except services.EventError as exc:
            raise CommandError(f"{exc.message_id} / {exc.message_en}") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if not (opts["code"] or opts["sheet"] or opts["invitations"]):
            self.stdout.write(json.dumps(services.rates(event), ensure_ascii=False))
