"""Demo stage of enrolment and payments in ``gresik-2025``: July's CSR 50 and DBHCHT batches and
September's APBD batch registered by BPJS, bills July-September issued, one statement (with a short
payment and a duplicate) imported, the paid bills reconciled. Idempotent: every step is skipped when done.
The BPJS answers and the bank statement are SINTETIS, written by this stage."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jaring.enrolment import answers
from jaring.enrolment import services as enrolment_services
from jaring.enrolment.models import EnrolmentBatch
from jaring.payments import ledger, services, statements
from jaring.payments.models import Bill, BillKind, BillStatus

SLUG = "gresik-2025"
OFFICER = "disnaker.officer"
JULY, AUG, SEPT = dt.date(2025, 7, 1), dt.date(2025, 8, 1), dt.date(2025, 9, 1)
# (payer slug, start month, start date BPJS answers, KPJ prefix, rejected ones)
BATCHES = [
    ("csr-petrokimia", JULY, dt.date(2025, 7, 25), 25071, 0),
    ("dbhcht", JULY, JULY, 25072, 0),
    ("apbd", SEPT, SEPT, 25091, 2),
]
REJECTION = "Data tidak cocok dengan Dukcapil (SINTETIS)"


def _answer_file(batch: EnrolmentBatch, start: dt.date, prefix: int, rejected: int, out: Path) -> Path:
    """A synthetic BPJS answer: everyone registered except the last ``rejected`` by NIK."""
    rows = list(batch.enrolments.order_by("person__nik").values_list("person__nik", flat=True))
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["REFERENSI_BATCH", "NIK", "STATUS", "KPJ", "TANGGAL_MULAI", "ALASAN"])
        for i, nik in enumerate(rows):
            if i >= len(rows) - rejected:
                w.writerow([batch.reference, nik, "DITOLAK", "", "", REJECTION])
            else:
                w.writerow([batch.reference, nik, "TERDAFTAR", f"{prefix}{i:06d}", start.isoformat(), ""])
    return out


def _statement(programme: Any, out: Path) -> Path:
    """The synthetic bank statement: CSR paid three months (July twice), DBHCHT July-August, APBD short."""
    bills = {
        (b.source.slug, b.month): b
        for b in Bill.objects.filter(programme=programme, kind=BillKind.BILL).select_related("source")
    }
    lines: list[tuple[str, Bill, int, str]] = []
    wanted = [
        ("csr-petrokimia", JULY, "2025-07-10", 0, "PTK-202507"),
        ("csr-petrokimia", JULY, "2025-07-14", 0, "PTK-202507-B"),  # the same July bill paid again
        ("csr-petrokimia", AUG, "2025-08-08", 0, "PTK-202508"),
        ("csr-petrokimia", SEPT, "2025-09-09", 0, "PTK-202509"),
        ("dbhcht", JULY, "2025-07-12", 0, "KASDA-DBHCHT-202507"),
        ("dbhcht", AUG, "2025-08-12", 0, "KASDA-DBHCHT-202508"),
        ("apbd", SEPT, "2025-09-15", 10 * 16_800, "KASDA-APBD-202509"),  # ten persons' premiums short
    ]
    for slug, month, paid_on, short, txn in wanted:
        b = bills.get((slug, month))
        if b is not None:  # a small demo (--people) may lack a payer's bill
            lines.append((paid_on, b, max(b.amount - short, 1), txn))
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["TANGGAL", "KODE_TAGIHAN", "JUMLAH", "NO_TRANSAKSI", "KETERANGAN"])
        for paid_on, bill, amount, txn in lines:
            w.writerow([paid_on, bill.reference, amount, txn, "SINTETIS"])
    return out


def seed_demo(report: Any, say: Callable[[str], None]) -> dict[str, Any]:
    """Enrol, bill, pay and reconcile the demo programme (each step once)."""
    from django.conf import settings

    officer = report.world.users.get(OFFICER)
    programme = enrolment_services.programme_by_slug(SLUG)
    folder = Path(settings.VAR_DIR) / "demo" / "enrolment"  # next to the demo's spreadsheets
    folder.mkdir(parents=True, exist_ok=True)
    for slug, month, start, prefix, rejected in BATCHES:
        source = programme.sources.get(slug=slug)
        batch = enrolment_services.create_batch(programme, source, month, actor=officer, via="demo")
        name = f"{batch.reference.lower()}"
        enrolment_services.export_batch(batch, folder / f"{name}.xlsx", actor=officer, via="demo")
        answer = _answer_file(batch, start, prefix, rejected, folder / f"{name}-jawaban-bpjs.csv")
        result = answers.import_answer(answer, actor=officer, via="demo")
        counts = enrolment_services.status_counts(batch)
        say(
            f"Enrolment {batch.reference}: {batch.persons} persons, {counts['registered']} registered, "
            f"{counts['rejected']} rejected"
            + (" (answer already imported)" if result.get("already_imported") else "")
        )
    for month in (JULY, AUG, SEPT):
        if (
            not Bill.objects.filter(programme=programme, month=month, kind=BillKind.BILL)
            .exclude(status=BillStatus.DRAFT)
            .exists()
        ):
            services.issue_bills(programme, month, actor=officer, via="demo")
    if not Bill.objects.filter(programme=programme, month__gt=SEPT).exists():
        # October-December as drafts: what the plan will bill, not issued yet.
        services.build_drafts(
            programme, [m for m in programme.months() if m > SEPT], actor=officer, via="demo"
        )
    statement = statements.import_statement(
        _statement(programme, folder / "rekening-koran-2025q3.csv"), actor=officer, via="demo"
    )
    for month in (JULY, AUG, SEPT):
        services.reconcile_month(programme, month, actor=officer, via="demo")
    bills = [
        services.bill_json(b) for b in services.filtered(programme.bills.select_related("source", "plan"))
    ]
    csr = [b for b in bills if b["payer"] == "csr-petrokimia" and b["kind"] == "bill"]
    check = ledger.check(programme)
    say(
        "Bills: "
        + "; ".join(
            f"{b['payer_kind']} {b['month']} {b['persons']} Rp{b['amount']:,} {b['status']}"
            for b in bills
            if b["status"] != "draft"
        )
    )
    say(
        f"CSR paid and reconciled: Rp{sum(b['paid'] for b in csr):,}; statement: "
        + ", ".join(f"{k} {v}" for k, v in statement["counts"].items())
        + f"; ledger check {'OK' if check['ok'] else 'FAILED'}"
    )
    return {"bills": len(bills), "csr_paid": sum(b["paid"] for b in csr), "ledger_ok": check["ok"]}
