"""BPJS's answer file: matched by NIK and batch reference, checked whole, applied all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from jaring.enrolment import services
from jaring.enrolment.lib.mapping import ANSWER_HEADERS, REQUIRED_ANSWER, STATUS_WORDS, match_headers
from jaring.enrolment.models import AnswerImport, BatchStatus, Enrolment, EnrolmentBatch, EnrolmentStatus

# Problem codes and their texts (Indonesian, English); {placeholders} filled from the problem.
PROBLEMS: dict[str, tuple[str, str]] = {
    "file": ("{detail_id}", "{detail_en}"),
    "missing_column": ("kolom wajib '{column}' tidak ada", "required column '{column}' is missing"),
    "bad_nik": ("NIK '{value}' bukan 16 angka", "NIK '{value}' is not 16 digits"),
    "unknown_reference": ("referensi batch '{value}' tidak dikenal", "unknown batch reference '{value}'"),
    "not_sent": ("batch '{value}' belum dikirim ke BPJS", "batch '{value}' has not been sent to BPJS"),
    "unmatched": ("NIK {value} tidak ada dalam batch ini", "NIK {value} is not in this batch"),
    "bad_status": ("status '{value}' tidak dikenal", "unknown status '{value}'"),
    "missing_kpj": ("peserta terdaftar tanpa nomor KPJ", "registered without a KPJ number"),
    "bad_kpj": ("nomor KPJ '{value}' tidak valid (8–20 angka)", "invalid KPJ number '{value}' (8-20 digits)"),
    "bad_date": ("tanggal mulai '{value}' tidak valid", "invalid start date '{value}'"),
    "missing_date": ("peserta terdaftar tanpa tanggal mulai", "registered without a start date"),
    "date_outside": (
        "tanggal mulai {value} di luar bulan batch atau sesudahnya",
        "start date {value} is before the batch's month or far after it",
    ),
    "missing_reason": ("penolakan tanpa alasan", "a rejection without a reason"),
    "duplicate": (
        "baris ganda untuk NIK {value} (sama dengan baris {first})",
        "duplicate row for NIK {value} (as row {first})",
    ),
    "conflict_in_file": (
        "jawaban yang bertentangan untuk NIK {value} (baris {first})",
        "conflicting answers for NIK {value} (row {first})",
    ),
    "conflict": (
        "NIK {value} sudah dijawab lain ({current})",
        "NIK {value} was already answered differently ({current})",
    ),
    "kpj_taken": (
        "nomor KPJ {value} sudah dipakai orang lain",
        "KPJ number {value} already belongs to someone else",
    ),
}
UNMATCHED = {"unknown_reference", "unmatched", "not_sent"}
CONFLICTING = {"conflict", "conflict_in_file", "kpj_taken"}
_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), (3, 2, 1)),
]


@dataclass
class Problem:
    row: int
    code: str
    value: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        tid, ten = PROBLEMS[self.code]
        values = {"value": self.value, **self.extra}
        return {
            "row": self.row,
            "code": self.code,
            "value": self.value,
            "message_id": tid.format(**values),
            "message_en": ten.format(**values),
        }


class AnswerRefused(Exception):
    """The whole answer file is refused: nothing was written."""

    def __init__(self, problems: list[Problem], rows: int = 0) -> None:
        self.problems, self.rows = problems, rows
        super().__init__(f"{len(problems)} problem(s)")

    def report(self) -> dict[str, Any]:
        listed = [p.as_dict() for p in self.problems]
        return {
            "applied": False,
            "rows": self.rows,
            "problems": listed,
            "unmatched": [p for p in listed if p["code"] in UNMATCHED],
            "conflicting": [p for p in listed if p["code"] in CONFLICTING],
            "duplicates": [p for p in listed if p["code"] == "duplicate"],
        }


def parse_date(text: str) -> dt.date | None:
    for pattern, (y, m, d) in _DATE_PATTERNS:
        hit = pattern.match(text.strip())
        if hit:
            try:
                return dt.date(int(hit.group(y)), int(hit.group(m)), int(hit.group(d)))
            except ValueError:
                return None
    return None


def clean_nik(text: str) -> str:
    return text.strip().lstrip("'").replace(" ", "")


@dataclass
class Row:
    row: int
    reference: str
    nik: str
    status: str | None
    status_text: str
    kpj: str
    start: dt.date | None
    start_text: str
    reason: str

    def outcome(self) -> tuple[Any, ...]:
        return (self.status, self.kpj, self.start, self.reason if self.status != "registered" else "")


def read_rows(path: Path) -> list[Row]:
    """The answer file's rows, or AnswerRefused for a file that cannot be read or lacks a column."""
    from jaring.imports.lib.messages import render
    from jaring.imports.lib.reader import FileProblem, read_table

    try:
        table = read_table(path)
    except FileProblem as exc:
        mid, men = render(exc.code, **exc.values)
        raise AnswerRefused([Problem(0, "file", extra={"detail_id": mid, "detail_en": men})]) from exc
    cols = match_headers(table.headers, ANSWER_HEADERS)
    missing = [c for c in REQUIRED_ANSWER if c not in cols]
    if missing:
        raise AnswerRefused([Problem(1, "missing_column", extra={"column": c}) for c in missing])

    def column(name: str) -> list[str]:
        if name not in cols:
            return [""] * table.frame.height
        return [v or "" for v in table.frame[f"c{cols[name]}"].to_list()]

    refs, niks, statuses = column("reference"), column("nik"), column("status")
    kpjs, starts, reasons = column("kpj"), column("start_date"), column("reason")
    out = []
    for i, n in enumerate(table.frame["_row"].to_list()):
        word = statuses[i].strip().lower()
        start_text = starts[i].strip()
        out.append(
            Row(
                row=int(n),
                reference=refs[i].strip().upper(),
                nik=clean_nik(niks[i]),
                status=STATUS_WORDS.get(word) or STATUS_WORDS.get(word.replace(" ", "_")),
                status_text=statuses[i].strip(),
                kpj=kpjs[i].strip().lstrip("'"),
                start=parse_date(start_text) if start_text else None,
                start_text=start_text,
                reason=reasons[i].strip(),
            )
        )
    return out


def _row_problems(r: Row) -> list[Problem]:
    problems = []
    if not re.fullmatch(r"\d{16}", r.nik):
        problems.append(Problem(r.row, "bad_nik", r.nik))
    if r.status is None:
        problems.append(Problem(r.row, "bad_status", r.status_text))
    if r.status == "registered":
        if not r.kpj:
            problems.append(Problem(r.row, "missing_kpj"))
        elif not re.fullmatch(r"\d{8,20}", r.kpj):
            problems.append(Problem(r.row, "bad_kpj", r.kpj))
        if not r.start_text:
            problems.append(Problem(r.row, "missing_date"))
    if r.start_text and r.start is None:
        problems.append(Problem(r.row, "bad_date", r.start_text))
    if r.status == "rejected" and not r.reason:
        problems.append(Problem(r.row, "missing_reason"))
    return problems


def check(rows: list[Row]) -> tuple[list[Problem], list[tuple[Enrolment, Row]]]:
    """Every problem of the file, and the (enrolment, row) pairs that would change."""
    problems: list[Problem] = []
    for r in rows:
        problems.extend(_row_problems(r))
    batches = {
        b.reference: b for b in EnrolmentBatch.objects.filter(reference__in={r.reference for r in rows})
    }
    enrolments = {
        (e.batch.reference, e.person.nik): e
        for e in Enrolment.objects.filter(batch__in=batches.values()).select_related("batch", "person")
    }
    seen: dict[tuple[str, str], Row] = {}
    kpj_owner: dict[str, str] = {}
    changes: list[tuple[Enrolment, Row]] = []
    for r in rows:
        key = (r.reference, r.nik)
        batch = batches.get(r.reference)
        if batch is None:
            problems.append(Problem(r.row, "unknown_reference", r.reference))
            continue
        if batch.status == BatchStatus.DRAFT:
            problems.append(Problem(r.row, "not_sent", r.reference))
            continue
        if key in seen:
            code = "duplicate" if seen[key].outcome() == r.outcome() else "conflict_in_file"
            problems.append(Problem(r.row, code, r.nik, {"first": seen[key].row}))
            continue
        seen[key] = r
        e = enrolments.get(key)
        if e is None:
            if re.fullmatch(r"\d{16}", r.nik):
                problems.append(Problem(r.row, "unmatched", r.nik))
            continue
        if r.start is not None and (
            r.start < batch.start_month or r.start > batch.start_month + dt.timedelta(366)
        ):
            problems.append(Problem(r.row, "date_outside", r.start.isoformat()))
        if r.status == "registered" and r.kpj:
            other = kpj_owner.setdefault(r.kpj, r.nik)
            if other != r.nik:
                problems.append(Problem(r.row, "kpj_taken", r.kpj))
        if e.status in (EnrolmentStatus.PENDING, EnrolmentStatus.SENT):
            changes.append((e, r))
        elif (e.status, e.kpj, e.start_date, e.reason if e.status != "registered" else "") != r.outcome():
            current = f"{e.status} {e.kpj}".strip()
            problems.append(Problem(r.row, "conflict", r.nik, {"current": current}))
    taken: dict[str, str] = {}
    owners = list(kpj_owner)
    for start in range(0, len(owners), 10_000):  # SQLite limits a query's variables
        registered = Enrolment.objects.filter(kpj__in=owners[start : start + 10_000], status="registered")
        taken.update(registered.values_list("kpj", "person__nik"))
    for r in rows:
        if r.status == "registered" and r.kpj in taken and taken[r.kpj] != r.nik:
            problems.append(Problem(r.row, "kpj_taken", r.kpj))
    problems.sort(key=lambda p: (p.row, p.code))
    return problems, changes


def import_answer(path: Path, *, actor: Any, via: str) -> dict[str, Any]:
    """Apply a BPJS answer file; AnswerRefused (nothing written) when any row has a problem.

    Idempotent: the same file again, or rows already applied, change nothing."""
    if actor is not None and not services.can_edit(actor):
        raise PermissionDenied(
            "Your role cannot import BPJS answers / peran Anda tidak dapat mengimpor jawaban BPJS"
        )
    content = Path(path).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    done = AnswerImport.objects.filter(content_hash=digest).first()
    if done is not None:
        return {**done.counts, "applied": False, "already_imported": True, "changed": 0}
    rows = read_rows(Path(path))
    problems, changes = check(rows)
    if problems:
        raise AnswerRefused(problems, rows=len(rows))
    for programme in {e.programme for e, _ in changes}:
        services.check_can_edit(actor, programme)
    tally = {"registered": 0, "rejected": 0, "already_member": 0}
    now = timezone.now()
    with transaction.atomic():
        logged = []
        for e, r in changes:
            before = services.enrolment_image(e)
            e.status = r.status or e.status
            e.kpj = r.kpj if r.status == "registered" else ""
            e.start_date = r.start
            e.reason = r.reason
            e.updated_at = now
            tally[e.status] += 1
            logged.append((e, before))
        Enrolment.objects.bulk_update(
            [e for e, _ in changes], ["status", "kpj", "start_date", "reason", "updated_at"], batch_size=2000
        )
        services.log_statuses(logged, actor=actor, via=via, action="answer")
        for batch in {e.batch for e, _ in changes}:
            open_left = Enrolment.objects.filter(batch=batch, status__in=["pending", "sent"]).exists()
            if not open_left and batch.status != BatchStatus.ANSWERED:
                batch.status = BatchStatus.ANSWERED
                batch.save(update_fields=["status"])
                services.log(batch, "answered", actor=actor, via=via, after={"status": batch.status})
        counts: dict[str, Any] = {"file": Path(path).name, "rows": len(rows), **tally}
        counts["changed"] = len(changes)
        counts["unchanged"] = len(rows) - len(changes)
        AnswerImport.objects.create(
            content_hash=digest, filename=Path(path).name, imported_by=services._user(actor), counts=counts
        )
    return {**counts, "applied": True, "already_imported": False, "problems": []}
