"""``jaring agreements list|show|load|activate|suspend|revoke|renew|warn``: data-sharing agreements."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.agreements import services
from jaring.agreements.management.commands.token import find_agreement
from jaring.agreements.models import Agreement, AgreementStatus
from jaring.core.lib.cli import named_user


class Command(BaseCommand):
    help = "Data-sharing agreements: list, show, load (YAML/JSON), activate, suspend, revoke, renew, warn."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="All agreements.").add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="One agreement with its parties, versions and changes.")
        show.add_argument("id", help="Id or number.")
        show.add_argument("--json", action="store_true")
        load = sub.add_parser("load", help="Create or amend agreements from a YAML or JSON file.")
        load.add_argument("file", type=Path)
        load.add_argument("--user", help="Who writes it (for the change log).")
        load.add_argument("--reason", default="", help="Why (amendments).")
        load.add_argument("--json", action="store_true")
        for name, helptext in (
            ("activate", "Put a draft or suspended agreement in force."),
            ("suspend", "Suspend an agreement (takes effect on the next request)."),
            ("revoke", "Revoke an agreement for good."),
            ("renew", "Renew as a new version (same length again, or to --until)."),
        ):
            step = sub.add_parser(name, help=helptext)
            step.add_argument("id", help="Id or number.")
            step.add_argument("--user", required=True)
            step.add_argument("--reason", required=name != "activate", default="")
            if name == "renew":
                step.add_argument("--until", type=dt.date.fromisoformat, help="New end date YYYY-MM-DD.")
        warn = sub.add_parser("warn", help="Agreements ending within 90/30/7 days; marks ended ones expired.")
        warn.add_argument("--date", type=dt.date.fromisoformat, help="As if today were YYYY-MM-DD.")
        warn.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, "_" + opts["action"])(opts)
        except services.AgreementError as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, opts: dict[str, Any]) -> None:
        rows = [services.agreement_out(a) for a in Agreement.objects.prefetch_related("parties")]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r['id']:>4} {r['number']:<28} v{r['version']:<3} {r['effective_status']:<10} "
                f"{r['valid_from']} – {r['valid_to']}  {r['title']}"
            )

    def _show(self, opts: dict[str, Any]) -> None:
        a = find_agreement(opts["id"])
        out = services.agreement_out(a)
        out["versions"] = [
            {
                "version": v.version,
                "sha256": v.sha256,
                "created_at": v.created_at.isoformat(),
                "reason": v.reason,
            }
            for v in a.versions.all()
        ]
        out["changes"] = [
            {
                "at": c.at.isoformat(),
                "action": c.action,
                "version": c.version,
                "reason": c.reason,
                "by": c.actor.get_username() if c.actor else None,
            }
            for c in a.changes.select_related("actor")
        ]
        if opts["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(f"{a.number} v{a.version} [{out['effective_status']}] {a.title}")
        self.stdout.write(f"  valid {a.valid_from} – {a.valid_to}; purposes {', '.join(a.purposes)}")
        self.stdout.write(f"  fields {', '.join(a.field_groups)}; areas {', '.join(a.areas)}")
        for p in out["parties"]:
            self.stdout.write(f"  {p['role']:<10} {p['name']}")

    def _load(self, opts: dict[str, Any]) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"berkas '{path}' tidak ada / no file '{path}'")
        data = services.load_file(path)
        items = data["agreements"] if isinstance(data.get("agreements"), list) else [data]
        user = named_user(opts.get("user"))
        results = []
        for item in items:
            agreement, action = services.save(item, user=user, reason=opts["reason"], base_dir=path.parent)
            results.append(
                {
                    "id": agreement.pk,
                    "number": agreement.number,
                    "version": agreement.version,
                    "action": action,
                }
            )
        if opts["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        for r in results:
            self.stdout.write(f"{r['number']} v{r['version']}: {r['action']}")

    def _step(self, opts: dict[str, Any], status: str) -> None:
        agreement = find_agreement(opts["id"])
        user = named_user(opts["user"])
        if not services.can_manage(user):
            raise CommandError("hanya walidata yang boleh / only a data steward may do this")
        agreement = services.set_status(agreement, status, user=user, reason=opts["reason"])
        self.stdout.write(f"{agreement.number} v{agreement.version}: {agreement.status}")

    def _activate(self, opts: dict[str, Any]) -> None:
        self._step(opts, AgreementStatus.ACTIVE)

    def _suspend(self, opts: dict[str, Any]) -> None:
        self._step(opts, AgreementStatus.SUSPENDED)

    def _revoke(self, opts: dict[str, Any]) -> None:
        self._step(opts, AgreementStatus.REVOKED)

    def _renew(self, opts: dict[str, Any]) -> None:
        agreement = find_agreement(opts["id"])
        user = named_user(opts["user"])
        if not services.can_manage(user):
            raise CommandError("hanya walidata yang boleh / only a data steward may do this")
        agreement = services.renew(agreement, user=user, reason=opts["reason"], until=opts.get("until"))
        self.stdout.write(f"{agreement.number} v{agreement.version}: valid to {agreement.valid_to}")

    def _warn(self, opts: dict[str, Any]) -> None:
        on = opts.get("date")
        expired = services.mark_expired(on)
        warnings = services.expiry_warnings(Agreement.objects.all(), on)
        if opts["json"]:
            out = {
                "expired": [a.number for a in expired],
                "warnings": [
                    {
                        "number": w.agreement.number,
                        "valid_to": w.agreement.valid_to.isoformat(),
                        "days_left": w.days_left,
                        "threshold": w.threshold,
                    }
                    for w in warnings
                ],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        for a in expired:
            self.stdout.write(f"{a.number}: berakhir / expired")
        for w in warnings:
            self.stdout.write(
                f"{w.agreement.number}: berakhir dalam {w.days_left} hari / ends in {w.days_left} days "
                f"({w.agreement.valid_to})"
            )
