"""``jaring enrol export|answer|list``: collective-registration files and BPJS's answers."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from jaring.core.lib.cli import named_user
from jaring.enrolment import answers, services
from jaring.enrolment.services import EnrolmentError


class Command(BaseCommand):
    help = "Enrolment: export a collective-registration file, import BPJS's answer, list batches."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="Write the registration file of a payer's starters in a month.")
        exp.add_argument("--programme", required=True)
        exp.add_argument("--payer", required=True, help="Source kind (csr, apbd, …) or source slug.")
        exp.add_argument("--month", required=True, help="Start month, YYYY-MM.")
        exp.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv")
        exp.add_argument(
            "--mapping", default=None, help="Registration mapping slug (default: Permenaker 5/2021)."
        )
        exp.add_argument("--user", default="disnaker.officer")
        exp.add_argument("--json", action="store_true")
        ans = sub.add_parser("answer", help="Import BPJS's answer file (CSV/XLSX): all rows or none.")
        ans.add_argument("file")
        ans.add_argument("--user", default="disnaker.officer")
        ans.add_argument("--json", action="store_true")
        lap = sub.add_parser(
            "lapses", help="Members at risk (unpaid after the due date) and ended (over 3 months)."
        )
        lap.add_argument("--programme", required=True)
        lap.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
        lap.add_argument(
            "--apply", action="store_true", help="End the memberships of more than 3 unpaid months."
        )
        lap.add_argument("--user", default=None)
        lap.add_argument("--json", action="store_true")
        end = sub.add_parser(
            "end", help="End a membership (death, moving out): no bills from the next month."
        )
        end.add_argument("--programme", required=True)
        end.add_argument("--nik", required=True)
        end.add_argument("--reason", required=True, choices=["died", "moved", "merged", "other"])
        end.add_argument("--on", required=True, help="YYYY-MM-DD: the date of the death or move.")
        end.add_argument("--note", default="")
        end.add_argument("--user", required=True)
        end.add_argument("--json", action="store_true")
        lst = sub.add_parser("list", help="The enrolment batches of a programme.")
        lst.add_argument("--programme", required=True)
        lst.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except EnrolmentError as exc:
            raise CommandError(f"{exc.message_id} / {exc.message_en}") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

    def _export(self, opts: dict[str, Any]) -> None:
        from jaring.enrolment.models import RegistrationMapping

        user = named_user(opts["user"])
        programme = services.programme_by_slug(opts["programme"])
        source = services.source_for(programme, opts["payer"])
        month = services.month_of(opts["month"])
        mapping = None
        if opts["mapping"]:
            mapping = RegistrationMapping.objects.filter(slug=opts["mapping"]).first()
            if mapping is None:
                raise CommandError(f"pemetaan '{opts['mapping']}' tidak ada / no mapping '{opts['mapping']}'")
        batch = services.create_batch(programme, source, month, actor=user, via="cli")
        result = services.export_batch(batch, Path(opts["out"]), actor=user, via="cli", mapping=mapping)
        if opts["json"]:
            self.stdout.write(json.dumps({**result, **services.batch_json(batch)}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{batch.reference}: {result['persons']} persons written to {result['file']} "
                f"({result['sent']} newly marked sent)"
            )

    def _answer(self, opts: dict[str, Any]) -> None:
        user = named_user(opts["user"])
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"berkas tidak ada / no such file: {path}")
        try:
            result = answers.import_answer(path, actor=user, via="cli")
        except answers.AnswerRefused as exc:
            report = exc.report()
            if opts["json"]:
                self.stdout.write(json.dumps(report, ensure_ascii=False))
            else:
                for p in report["problems"]:
                    self.stderr.write(f"row {p['row']}: {p['message_id']} / {p['message_en']}")
            raise CommandError(
                f"berkas jawaban ditolak seluruhnya, tidak ada yang disimpan ({len(exc.problems)} masalah) / "
                f"answer file refused whole, nothing written ({len(exc.problems)} problems)"
            ) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        elif result.get("already_imported"):
            self.stdout.write("Already imported: nothing changed / sudah diimpor: tidak ada perubahan")
        else:
            self.stdout.write(
                f"{result['rows']} rows: {result['registered']} registered, {result['rejected']} rejected, "
                f"{result['already_member']} already members, {result['unchanged']} unchanged"
            )

    def _lapses(self, opts: dict[str, Any]) -> None:
        import datetime as dt

        from jaring.enrolment.answers import parse_date
        from jaring.payments import lapses

        programme = services.programme_by_slug(opts["programme"])
        today = parse_date(opts["as_of"]) if opts["as_of"] else dt.date.today()
        if today is None:
            raise CommandError(f"tanggal tidak valid / invalid date: {opts['as_of']}")
        ended: list[int] = []
        if opts["apply"]:
            user = named_user(opts["user"])
            services.check_can_edit(user, programme)
            ended = lapses.apply_lapses(programme, today, actor=user, via="cli")
            synced = lapses.sync_registry(programme, today, actor=user, via="cli")
        found = lapses.states(programme, today)
        result = {
            "programme": programme.slug,
            "as_of": found["as_of"],
            "at_risk": len(found["at_risk"]),
            "ended": len(found["ended"]),
            "ended_now": len(ended),
            **({"merged_now": synced["merged"], "moved_now": synced["moved"]} if opts["apply"] else {}),
        }
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"{programme.slug} as of {result['as_of']}: {result['at_risk']} members at risk, "
                f"{result['ended']} with more than 3 unpaid months ({result['ended_now']} ended now)"
            )

    def _end(self, opts: dict[str, Any]) -> None:
        from jaring.enrolment.answers import parse_date
        from jaring.enrolment.models import Enrolment
        from jaring.payments.services import end_membership

        user = named_user(opts["user"])
        programme = services.programme_by_slug(opts["programme"])
        services.check_can_edit(user, programme)
        on = parse_date(opts["on"])
        if on is None:
            raise CommandError(f"tanggal tidak valid / invalid date: {opts['on']}")
        e = Enrolment.objects.filter(
            programme=programme, person__nik=opts["nik"], status="registered"
        ).first()
        if e is None:
            raise CommandError(f"NIK {opts['nik']} bukan peserta terdaftar / is not a registered member")
        result = end_membership(e, opts["reason"], on, actor=user, via="cli", note=opts["note"])
        self.stdout.write(json.dumps(result) if opts["json"] else f"No bills from {result['ended_month']}")

    def _list(self, opts: dict[str, Any]) -> None:
        programme = services.programme_by_slug(opts["programme"])
        rows = [services.batch_json(b) for b in programme.enrolment_batches.select_related("source", "plan")]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r['reference']:<44} {r['payer_kind']:<7} {r['start_month']} {r['persons']:>6} "
                f"{r['status']:<9} " + ", ".join(f"{k} {v}" for k, v in r["statuses"].items() if v)
            )
