"""Payment statements: read with a column mapping (data), checked whole, matched on the bill reference.

A statement with a bad line (no reference, an amount or a date that cannot be read) is refused whole,
every bad line named, and nothing is written. Good lines are matched and reported as full, short, over
or duplicate payments, unknown references or payments for a cancelled bill; all of them are stored so
the money is accounted for. The same statement again (content hash) or a line already imported (line key)
changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction

from jaring.enrolment.answers import parse_date
from jaring.enrolment.lib.mapping import header_key
from jaring.enrolment.services import can_edit, chunked_in
from jaring.payments import services
from jaring.payments.bulk import insert_frame
from jaring.payments.models import Bill, BillKind, BillStatus, Outcome, Payment, Statement, StatementMapping

DEFAULT_COLUMNS: dict[str, list[str]] = {
    "reference": [
        "reference",
        "bill_reference",
        "kode_tagihan",
        "kode_billing",
        "referensi",
        "no_tagihan",
        "berita",
    ],
    "amount": ["amount", "jumlah", "nominal", "jumlah_bayar", "kredit", "credit"],
    "paid_on": ["paid_on", "tanggal", "tanggal_bayar", "tgl_bayar", "date", "tanggal_transaksi"],
    "transaction_id": [
        "transaction_id",
        "no_transaksi",
        "id_transaksi",
        "ref_bank",
        "no_ref",
        "nomor_referensi_bank",
    ],
}
REQUIRED = ("reference", "amount", "paid_on")
STORED_LINES = 1000
OUTCOMES = ("full", "short", "over", "duplicate", "unknown", "cancelled")

PROBLEMS: dict[str, tuple[str, str]] = {
    "file": ("{detail_id}", "{detail_en}"),
    "missing_column": ("kolom wajib '{column}' tidak ada", "required column '{column}' is missing"),
    "bad_mapping": ("pemetaan kolom '{value}' tidak ada", "no statement mapping '{value}'"),
    "missing_reference": ("baris tanpa referensi tagihan", "a line without a bill reference"),
    "bad_amount": ("jumlah '{value}' bukan rupiah bulat", "amount '{value}' is not whole rupiah"),
    "not_positive": ("jumlah '{value}' harus lebih dari nol", "amount '{value}' must be more than zero"),
    "bad_date": ("tanggal '{value}' tidak valid", "invalid date '{value}'"),
    "future_date": ("tanggal {value} di masa depan", "date {value} lies in the future"),
}


class StatementRefused(Exception):
    """The statement is refused whole; nothing was written."""

    def __init__(self, problems: list[dict[str, Any]], lines: int = 0) -> None:
        self.problems, self.lines = problems, lines
        super().__init__(f"{len(problems)} problem(s)")

    def report(self) -> dict[str, Any]:
        return {"applied": False, "lines": self.lines, "problems": self.problems}


def problem(line: int, code: str, value: str = "", **extra: Any) -> dict[str, Any]:
    tid, ten = PROBLEMS[code]
    values = {"value": value, **extra}
    return {
        "line": line,
        "code": code,
        "value": value,
        "message_id": tid.format(**values),
        "message_en": ten.format(**values),
    }


def parse_amount(text: str) -> int | None:
    """Whole rupiah from '840000', '840.000', 'Rp 840.000', '840,000' or '840000.00'; None otherwise."""
    t = re.sub(r"(?i)^rp\.?\s*", "", text.strip()).replace(" ", "")
    if re.fullmatch(r"-?\d+", t):
        return int(t)
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", t):
        return int(re.sub(r"[.,]", "", t))
    hit = re.fullmatch(r"(-?[\d.,]*?\d)[.,]00", t)
    if hit:
        return parse_amount(hit.group(1))
    return None


def mapping_by(slug: str | None) -> StatementMapping | None:
    if slug:
        found = StatementMapping.objects.filter(slug=slug).first()
        if found is None:
            raise StatementRefused([problem(0, "bad_mapping", slug)])
        return found
    return StatementMapping.objects.filter(is_default=True).first()


def read_lines(path: Path, mapping: StatementMapping | None) -> list[dict[str, Any]]:
    """The statement's lines parsed, or StatementRefused naming every bad line."""
    from jaring.imports.lib.messages import render
    from jaring.imports.lib.reader import FileProblem, read_table

    try:
        table = read_table(path)
    except FileProblem as exc:
        mid, men = render(exc.code, **exc.values)
        raise StatementRefused([problem(0, "file", detail_id=mid, detail_en=men)]) from exc
    wanted = mapping.columns if mapping is not None and mapping.columns else DEFAULT_COLUMNS
    cols: dict[str, int] = {}
    for i, h in enumerate(table.headers):
        for fld, aliases in wanted.items():
            if header_key(h) in {header_key(a) for a in aliases} and fld not in cols:
                cols[fld] = i
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise StatementRefused([problem(1, "missing_column", column=c) for c in missing])
    frame = table.frame

    def col(name: str) -> list[str]:
        return [v or "" for v in frame[f"c{cols[name]}"].to_list()] if name in cols else [""] * frame.height

    refs, amounts, dates, txns = col("reference"), col("amount"), col("paid_on"), col("transaction_id")
    problems, out = [], []
    today = dt.date.today()
    seen: dict[tuple[str, int, dt.date], int] = {}
    for i, line in enumerate(frame["_row"].to_list()):
        ref = refs[i].strip().upper()
        amount = parse_amount(amounts[i])
        day = parse_date(dates[i])
        if not ref:
            problems.append(problem(line, "missing_reference"))
        if amount is None:
            problems.append(problem(line, "bad_amount", amounts[i]))
        elif amount <= 0:
            problems.append(problem(line, "not_positive", amounts[i]))
        if day is None:
            problems.append(problem(line, "bad_date", dates[i]))
        elif day > today:
            problems.append(problem(line, "future_date", day.isoformat()))
        if problems and problems[-1]["line"] == line:
            continue
        assert amount is not None and day is not None
        txn = txns[i].strip()
        occurrence = seen.get((ref, amount, day), 0)
        seen[(ref, amount, day)] = occurrence + 1
        basis = f"txn|{txn}" if txn else f"line|{ref}|{amount}|{day}|{occurrence}"
        out.append(
            {
                "line": int(line),
                "reference": ref,
                "amount": amount,
                "paid_on": day,
                "transaction_id": txn,
                "line_key": hashlib.sha256(basis.encode()).hexdigest(),
            }
        )
    if problems:
        raise StatementRefused(problems, lines=frame.height)
    return out


def import_statement(path: Path, *, actor: Any, via: str, mapping: str | None = None) -> dict[str, Any]:
    """Import a statement: match, apply to bills, report. StatementRefused when a line is bad."""
    if actor is not None and not can_edit(actor):
        raise PermissionDenied(
            "Your role cannot import statements / peran Anda tidak dapat mengimpor rekening koran"
        )
    content = Path(path).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    done = Statement.objects.filter(content_hash=digest).first()
    if done is not None:
        return {**done.counts, "already_imported": True, "changed": 0}
    chosen = mapping_by(mapping)
    lines = read_lines(Path(path), chosen)
    known = chunked_in(Payment.objects.all(), "line_key", [x["line_key"] for x in lines], "line_key")
    fresh = [x for x in lines if x["line_key"] not in known]
    report: dict[str, Any] = {o: [] for o in OUTCOMES}
    with transaction.atomic():
        statement = Statement.objects.create(
            content_hash=digest,
            filename=Path(path).name,
            mapping=chosen,
            lines=len(lines),
            total=sum(x["amount"] for x in lines),
            imported_by=services._user(actor),
        )
        bills = {
            b.reference: b
            for b in Bill.objects.select_for_update()
            .filter(reference__in={x["reference"] for x in fresh}, kind__in=[BillKind.BILL, BillKind.DEBIT])
            .select_related("programme", "source")
        }
        for programme in {b.programme for b in bills.values()}:
            services.check_can_edit(actor, programme)
        dues = {ref: services.due_of(b) for ref, b in bills.items()}
        rows: dict[str, list[Any]] = {k: [] for k in ("line", "line_key", "reference", "amount", "paid_on")}
        rows.update({k: [] for k in ("transaction_id", "bill_id", "applied", "outcome")})
        for x in sorted(fresh, key=lambda x: (x["paid_on"], x["line"])):
            bill = bills.get(x["reference"])
            applied, outcome = 0, Outcome.UNKNOWN
            if bill is not None and bill.status == BillStatus.CANCELLED:
                outcome = Outcome.CANCELLED
            elif bill is not None:
                due = dues[x["reference"]]
                if bill.paid_amount >= due:
                    outcome = Outcome.DUPLICATE
                else:
                    applied = x["amount"]
                    after = bill.paid_amount + applied
                    outcome = Outcome.FULL if after == due else Outcome.SHORT if after < due else Outcome.OVER
                    bill.paid_amount = after
            for k in ("line", "line_key", "reference", "amount", "paid_on", "transaction_id"):
                rows[k].append(x[k])
            rows["bill_id"].append(bill.pk if bill is not None else None)
            rows["applied"].append(applied)
            rows["outcome"].append(str(outcome))
            entry = {
                "line": x["line"],
                "reference": x["reference"],
                "amount": x["amount"],
                "applied": applied,
            }
            if bill is not None:
                entry["due"], entry["paid"] = dues[x["reference"]], bill.paid_amount
            report[str(outcome)].append(entry)
        frame = pl.DataFrame(
            rows,
            schema={
                "line": pl.Int64,
                "line_key": pl.String,
                "reference": pl.String,
                "amount": pl.Int64,
                "paid_on": pl.Date,
                "transaction_id": pl.String,
                "bill_id": pl.Int64,
                "applied": pl.Int64,
                "outcome": pl.String,
            },
        ).with_columns(pl.lit(statement.pk, pl.Int64).alias("statement_id"))
        insert_frame(Payment._meta.db_table, frame)
        for bill in bills.values():
            before = services.bill_image(bill)
            bill.save(update_fields=["paid_amount"])
            services.refresh_status(bill)
            services.log(
                bill, "payment", actor=actor, via=via, before=before, after=services.bill_image(bill)
            )
        counts = {o: len(report[o]) for o in OUTCOMES}
        result = {
            "file": Path(path).name,
            "lines": len(lines),
            "already_imported_lines": len(lines) - len(fresh),
            "counts": counts,
            **report,
        }
        # The stored report keeps the counts and the first lines of each kind (a 1M-line statement).
        statement.counts = {**result, **{o: report[o][:STORED_LINES] for o in OUTCOMES}}
        statement.save(update_fields=["counts"])
        services.log(
            statement, "import", actor=actor, via=via, after={"file": statement.filename, "counts": counts}
        )
    return {**result, "already_imported": False, "changed": len(fresh)}
