"""The import pipeline: create a batch from a file, validate it, commit its valid rows in one transaction.

The CLI, the web pages, the API, the background tasks and the demo all go through these functions.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jaring.core.lib.stages import stage
from jaring.geo.models import Area, AreaLevel
from jaring.imports.lib.headers import FIELD_LABELS, REQUIRED_FIELDS, check_mapping, map_headers
from jaring.imports.lib.issues import IssueSink
from jaring.imports.lib.messages import progress_text, render, severity_of
from jaring.imports.lib.reader import FileProblem, RawTable, read_table
from jaring.imports.models import Batch, BatchIssue, BatchStatus
from jaring.imports.validation import Lookups, check_frame, error_rows, prepare_frame

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


class BatchStateError(Exception):
    """The batch is not in a state that allows this step (e.g. committing a failed batch)."""


def staging_dir() -> Path:
    path = Path(settings.VAR_DIR) / "batches"
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_for(user: Any, batch_id: int) -> Batch | None:
    """The batch if this user's scope shows it (None otherwise: the caller answers 404, never 403)."""
    from jaring.accounts.scope import scope_for

    return (
        scope_for(user).batches().select_related("village", "created_by", "round").filter(pk=batch_id).first()
    )


def _hash_and_size(fh: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def create_batch(
    source: Path | UploadedFile,
    *,
    village: Area,
    user: Any,
    filename: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    is_synthetic: bool = False,
    round: Any = None,
) -> Batch:
    """Store the file and create its batch (status uploaded); an oversized file gives a failed batch."""
    if isinstance(source, Path):
        name = filename or source.name
        with source.open("rb") as fh:
            content_hash, size = _hash_and_size(fh)
    else:
        name = filename or source.name or "upload"
        source.seek(0)
        content_hash, size = _hash_and_size(source)
        source.seek(0)
    name = Path(name).name[:255] or "upload"
    batch = Batch(
        village=village,
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        filename=name,
        file_size=size,
        content_hash=content_hash,
        sheet=sheet or "",
        mapping=mapping or None,
        is_synthetic=is_synthetic,
        round=round,
    )
    limit = settings.JARING_MAX_UPLOAD_BYTES
    if size > limit:
        batch.save()
        _fail(batch, "file_too_large", size=size, limit=limit)
        return batch
    # Stored once per content hash: the same file uploaded again shares the first copy.
    stored = upload_name(content_hash, name)
    storage = batch.file.storage
    if not storage.exists(stored):
        if isinstance(source, Path):
            with source.open("rb") as fh:
                stored = storage.save(stored, File(fh))
        else:
            stored = storage.save(stored, source)
    batch.file.name = stored
    batch.save()
    return batch


def upload_name(content_hash: str, filename: str) -> str:
    """Where an upload is kept under MEDIA_ROOT: by its SHA-256, with the original extension."""
    suffix = Path(filename).suffix.lower()[:8] if Path(filename).suffix.isascii() else ""
    return f"batches/sha256/{content_hash[:2]}/{content_hash}{suffix}"


def worker_id() -> str:
    """This process as a lease holder: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _take_lease(batch: Batch, status: str) -> None:
    """Enter ``status`` (validating/committing) holding the batch's lease (worker, heartbeat now)."""
    batch.status = status
    batch.worker = worker_id()
    batch.heartbeat_at = timezone.now()
    fields = ["status", "worker", "heartbeat_at", "error_code", "error_message", "committed_by", "updated_at"]
    batch.save(update_fields=fields)


def _set_progress(batch: Batch, value: float, message: str, callback: Progress | None) -> None:
    batch.progress = max(0.0, min(1.0, value))
    batch.progress_message = message[:200]
    # Every progress step renews the lease: a batch whose heartbeat stops belongs to a dead process.
    batch.heartbeat_at = timezone.now()
    Batch.objects.filter(pk=batch.pk).update(
        progress=batch.progress, progress_message=batch.progress_message, heartbeat_at=batch.heartbeat_at
    )
    if callback is not None:
        callback(batch.progress, message)


def _fail(batch: Batch, code: str, /, **values: object) -> Batch:
    """Mark the batch failed with one file-level issue (row 0)."""
    msg_id, msg_en = render(code, **values)
    BatchIssue.objects.create(
        batch=batch,
        row=0,
        column="",
        code=code,
        severity=severity_of(code),
        message_id=msg_id,
        message_en=msg_en,
    )
    batch.status = BatchStatus.FAILED
    batch.error_code = code
    batch.error_message = f"{msg_en} / {msg_id}"
    batch.progress = 1.0
    batch.progress_message = msg_en[:200]
    batch.heartbeat_at = None
    batch.save()
    return batch


def earlier_import(batch: Batch) -> Batch | None:
    """A committed batch of the same file for the same area, if any."""
    return (
        Batch.objects.filter(
            content_hash=batch.content_hash, village=batch.village, status=BatchStatus.COMMITTED
        )
        .exclude(pk=batch.pk)
        .order_by("pk")
        .first()
    )


def _store_issues(batch: Batch, issues: pl.DataFrame) -> None:
    """Replace the batch's issues with ``issues`` (bulk write: a million-row file can have 100,000)."""
    from jaring.registry.bulk import write_rows

    BatchIssue.objects.filter(batch=batch).delete()
    if issues.height == 0:
        return
    frame = issues.select(
        pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id"),
        pl.col("row"),
        pl.col("column").fill_null("").str.slice(0, 100),
        pl.col("code"),
        pl.col("severity"),
        pl.col("message_id"),
        pl.col("message_en"),
        pl.col("value").fill_null("").str.slice(0, 200),
    )
    write_rows(BatchIssue._meta.db_table, frame)


def read_batch_table(batch: Batch) -> RawTable:
    """The batch's file as raw text (raises FileProblem)."""
    return read_table(Path(batch.file.path), filename=batch.filename, sheet=batch.sheet or None)


def validate_batch(batch: Batch, progress: Progress | None = None) -> Batch:
    """Read, normalise and check the file; store issues and stage the valid rows (status validated)."""
    if batch.status in {BatchStatus.COMMITTED, BatchStatus.COMMITTING}:
        raise BatchStateError(f"batch {batch.pk} is {batch.status}")
    if batch.status == BatchStatus.FAILED and batch.error_code == "file_too_large":
        return batch
    BatchIssue.objects.filter(batch=batch).delete()
    batch.error_code = batch.error_message = ""
    _take_lease(batch, BatchStatus.VALIDATING)
    try:
        return _validate(batch, progress)
    except FileProblem as problem:
        return _fail(batch, problem.code, **problem.values)
    except Exception as exc:  # never leave a batch stuck in "validating" because of a surprise in a file
        log.exception("validation of batch %s failed", batch.pk)
        return _fail(batch, "file_unreadable", detail=f"{type(exc).__name__}: {str(exc)[:200]}")


def _validate(batch: Batch, progress: Progress | None) -> Batch:
    earlier = earlier_import(batch)
    if earlier is not None:
        return _fail(batch, "already_imported", batch=earlier.pk)
    _set_progress(batch, 0.05, progress_text("reading"), progress)
    with stage("read"):
        raw = read_batch_table(batch)
    mapping = batch.mapping or None
    if mapping:
        bad = check_mapping(mapping)
        if bad:
            return _fail(batch, "mapping_invalid", detail="unknown fields: " + ", ".join(bad))
    hmap = map_headers(raw.headers, mapping)
    if hmap.duplicates:
        return _fail(batch, "duplicate_headers", headers=", ".join(hmap.duplicates))
    required = list(REQUIRED_FIELDS)
    if batch.village.level != AreaLevel.VILLAGE:
        required.append("village_code")
    required_labels = ", ".join(FIELD_LABELS[f] for f in required)
    if not hmap.fields:
        return _fail(
            batch, "headers_unrecognised", headers=", ".join(raw.headers)[:300], required=required_labels
        )
    missing = [f for f in required if f not in hmap.fields]
    if missing:
        return _fail(
            batch,
            "required_columns_missing",
            missing=", ".join(FIELD_LABELS[f] for f in missing),
            unknown=", ".join(hmap.unknown) or "-",
        )
    sink = IssueSink(hmap.header_of(raw.headers))
    for header in hmap.unknown:
        msg_id, msg_en = render("column_ignored", header=header)
        sink.frames.append(
            pl.DataFrame(
                {
                    "row": [0],
                    "field": [""],
                    "column": [header],
                    "code": ["column_ignored"],
                    "severity": ["warning"],
                    "message_id": [msg_id],
                    "message_en": [msg_en],
                    "value": [""],
                },
                schema=sink.frame().schema,
            )
        )
    _set_progress(batch, 0.3, progress_text("normalising", rows=raw.frame.height), progress)
    with stage("normalise"):
        typed = prepare_frame(raw, hmap, sink, Lookups.load())
    del raw  # the text cells are no longer needed: free them before the checks
    _set_progress(batch, 0.5, progress_text("checking"), progress)
    with stage("validate"):
        checked = check_frame(typed, batch.village, sink, reimport=True)
    del typed
    issues = sink.frame()
    bad_rows = error_rows(issues)
    warn_rows = (
        issues.filter((pl.col("severity") == "warning") & (pl.col("row") > 0)).get_column("row").unique()
    )
    rows_total = checked.height
    keep = [c for c in checked.columns if (not c.startswith("_") or c == "_row") and not c.startswith("raw_")]
    # Rows with errors stay out, and so do submissions already in the registry (a warning, not an error).
    valid = checked.filter(~pl.col("_skip")).select(keep).filter(~pl.col("_row").is_in(bad_rows.implode()))
    del checked
    unchanged = issues.filter(pl.col("code") == "already_registered")
    if valid.height == 0 and unchanged.height and unchanged.height == rows_total:
        # A file whose every row is in the registry already: no batch of notices only, none in a round.
        from jaring.registry.models import Person

        holder = Person.objects.filter(nik=unchanged.get_column("value")[0]).values_list(
            "batch_id", flat=True
        )
        batch.round = None
        batch.save(update_fields=["round"])
        return _fail(batch, "nothing_new", rows=rows_total, batch=holder.first() or "?")
    _set_progress(batch, 0.8, progress_text("saving_issues", issues=issues.height), progress)
    staged = staging_dir() / f"batch-{batch.pk}.parquet"
    with stage("save rows file"):
        valid.write_parquet(staged)
    with transaction.atomic():
        with stage("save issues"):
            _store_issues(batch, issues)
        batch.rows_total = rows_total
        batch.rows_with_errors = bad_rows.len()
        batch.rows_with_warnings = warn_rows.filter(~warn_rows.is_in(bad_rows.implode())).len()
        batch.rows_valid = valid.height
        batch.staged_path = str(staged)
        batch.status = BatchStatus.VALIDATED
        batch.validated_at = timezone.now()
        batch.progress = 1.0
        batch.progress_message = progress_text("validated", valid=valid.height, errors=bad_rows.len())
        batch.heartbeat_at = None
        batch.save()
    if progress is not None:
        progress(1.0, batch.progress_message)
    return batch


def commit_batch(batch: Batch, user: Any, progress: Progress | None = None) -> Batch:
    """Write the batch's valid rows in one transaction (status committed); re-runnable after a crash."""
    from jaring.registry.bulk import insert_persons
    from jaring.registry.lib import batch_rows
    from jaring.registry.models import BatchChange, ChangeVia

    batch.refresh_from_db()
    if batch.status == BatchStatus.COMMITTED:
        return batch  # a second commit job (double click) finds the work done
    if batch.status not in {BatchStatus.VALIDATED, BatchStatus.COMMITTING}:
        raise BatchStateError(f"batch {batch.pk} is {batch.status}, not validated")
    staged = Path(batch.staged_path) if batch.staged_path else None
    if staged is None or not staged.exists():
        # Staging file lost (e.g. another machine): validate again, then commit.
        batch.status = BatchStatus.UPLOADED
        batch.save(update_fields=["status"])
        validate_batch(batch, progress)
        if batch.status != BatchStatus.VALIDATED:
            return batch
        staged = Path(batch.staged_path)
    batch.committed_by = _real_user(user)  # who a resumed commit (imports.recovery) acts for
    _take_lease(batch, BatchStatus.COMMITTING)
    _set_progress(batch, 0.05, progress_text("writing"), progress)
    with stage("load rows file"):
        frame = pl.read_parquet(staged)
    total = max(1, frame.height)
    try:
        with transaction.atomic():
            # Two commit jobs of one batch: the second waits for the first's lock, then finds it committed.
            current = Batch.objects.select_for_update().get(pk=batch.pk)
            if current.status == BatchStatus.COMMITTED:
                return current
            owned = [frame]
            del frame  # insert_persons frees the staged rows as soon as it has built its own frame
            # NIKs and submissions registered since validation (also by an import committing right now)
            # are refused by the unique indexes, row by row, and reported below: never a traceback.
            result = insert_persons(
                owned.pop(),
                batch=batch,
                on_chunk=lambda done: _set_progress(
                    batch, 0.05 + 0.8 * done / total, progress_text("written", done=done), progress
                ),
            )
            count = result.count
            refused = result.skipped.height
            if refused:
                _append_issues(batch, _refused_issues(result.skipped))
            if count == 0:
                # Nothing to write: the batch fails (and so never blocks a corrected re-import).
                batch.rows_valid = 0
                batch.rows_with_errors += refused
                _fail(batch, "nothing_committed")
                staged.unlink(missing_ok=True)
                return batch
            with stage("audit"):
                BatchChange.objects.create(
                    batch=batch,
                    actor=_real_user(user),
                    via=ChangeVia.IMPORT,
                    rows=count,
                    rows_path=str(staged),
                    rows_sha256=batch_rows.file_sha256(staged),
                )
            batch.rows_committed = count
            if refused or count != batch.rows_valid:
                batch.rows_valid = count
                batch.rows_with_errors += refused
            batch.status = BatchStatus.COMMITTED
            batch.committed_at = timezone.now()
            batch.committed_by = _real_user(user)
            batch.progress = 1.0
            batch.progress_message = progress_text("committed", count=count)
            batch.heartbeat_at = None
            batch.save()
    except Exception:
        # Nothing was written (the transaction rolled back); the batch can be committed again.
        Batch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.VALIDATED, progress_message=progress_text("commit_failed"), heartbeat_at=None
        )
        batch.refresh_from_db()
        raise
    # The validated rows file stays: it is the after-image of every person the batch created.
    if progress is not None:
        progress(1.0, batch.progress_message)
    return batch


def _real_user(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _refused_issues(skipped: pl.DataFrame) -> pl.DataFrame:
    """Issues for staged rows the registry refused at commit: a taken NIK or a stored submission."""
    sink = IssueSink()
    frame = skipped.rename({"source_row": "_row"})
    taken = pl.col("nik_taken")
    sink.add(frame, taken, "nik", "nik_exists", pl.col("nik"))
    sink.add(frame, ~taken, "submission_uuid", "submission_exists", pl.col("submission_uuid"))
    return sink.frame()


def _append_issues(batch: Batch, issues: pl.DataFrame) -> None:
    BatchIssue.objects.bulk_create(
        [
            BatchIssue(
                batch_id=batch.pk,
                row=r["row"],
                column=(r["column"] or "")[:100],
                code=r["code"],
                severity=r["severity"],
                message_id=r["message_id"],
                message_en=r["message_en"],
                value=(r["value"] or "")[:200],
            )
            for r in issues.iter_rows(named=True)
        ],
        batch_size=5000,
    )


def run_import(
    path: Path,
    *,
    village: Area,
    user: Any,
    commit: bool,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    is_synthetic: bool = False,
    progress: Progress | None = None,
    round: Any = None,
    filename: str | None = None,
) -> Batch:
    """Create, validate and (with ``commit``) commit a file; the same file committed before adds nothing."""
    batch = create_batch(
        Path(path),
        village=village,
        user=user,
        sheet=sheet,
        mapping=mapping,
        is_synthetic=is_synthetic,
        round=round,
        filename=filename,
    )
    if batch.status == BatchStatus.FAILED:
        return batch
    batch = validate_batch(batch, progress)
    if commit and batch.status == BatchStatus.VALIDATED:
        batch = commit_batch(batch, user, progress)
    return batch


def batch_summary(batch: Batch, *, max_issues: int | None = None) -> dict[str, Any]:
    """The ``--json`` object: status, counts and issues (row, column, code, severity, messages)."""
    qs = batch.issues.all().order_by("row", "id")
    if max_issues is not None:
        qs = qs[:max_issues]
    return {
        "batch": batch.pk,
        "status": batch.status,
        "village": batch.village.code,
        "filename": batch.filename,
        "content_hash": batch.content_hash,
        "is_synthetic": batch.is_synthetic,
        "rows_total": batch.rows_total,
        "rows_valid": batch.rows_valid,
        "rows_with_errors": batch.rows_with_errors,
        "rows_with_warnings": batch.rows_with_warnings,
        "rows_committed": batch.rows_committed,
        "rows_unchanged": batch.issues.filter(code="already_registered").count(),
        "error_code": batch.error_code or None,
        "issues": [
            {
                "row": i.row,
                "column": i.column,
                "code": i.code,
                "severity": i.severity,
                "message": i.message_en,
                "message_id": i.message_id,
                "value": i.value,
            }
            for i in qs
        ],
    }


def issue_report(batch: Batch, fmt: str = "csv") -> bytes:
    """The rows with issues as CSV or XLSX: row number, the original cells and an "issues" column."""
    from jaring.core.lib.spreadsheet import neutralise_frame

    issues = pl.DataFrame(
        list(batch.issues.values_list("row", "column", "code", "severity", "message_en", "message_id")),
        schema=["row", "column", "code", "severity", "message_en", "message_id"],
        orient="row",
    )
    if issues.height == 0:
        issues = pl.DataFrame(
            schema={
                "row": pl.Int64,
                "column": pl.String,
                "code": pl.String,
                "severity": pl.String,
                "message_en": pl.String,
                "message_id": pl.String,
            }
        )
    text = pl.concat_str(
        [
            pl.col("severity").str.to_uppercase(),
            pl.lit(" "),
            pl.col("code"),
            pl.when(pl.col("column") != "")
            .then(pl.lit(" [") + pl.col("column") + pl.lit("]"))
            .otherwise(pl.lit("")),
            pl.lit(": "),
            pl.col("message_id"),
            pl.lit(" / "),
            pl.col("message_en"),
        ]
    )
    per_row = (
        issues.with_columns(pl.col("row").cast(pl.Int64), text.alias("t"))
        .group_by("row", maintain_order=True)
        .agg(pl.col("t").str.join("; ").alias("issues"))
    )
    try:
        raw = read_batch_table(batch)
        cells = raw.frame.rename(
            {f"c{i}": h or f"column_{i + 1}" for i, h in enumerate(_unique_headers(raw.headers))}
        )
        report = per_row.filter(pl.col("row") > 0).join(cells, left_on="row", right_on="_row", how="left")
        file_level = per_row.filter(pl.col("row") == 0)
        report = pl.concat([file_level, report], how="diagonal")
    except (FileProblem, ValueError, OSError):  # unreadable, refused before storing, or file gone
        report = per_row
    report = report.select(["row", *[c for c in report.columns if c not in ("row", "issues")], "issues"])
    report = report.with_columns(pl.all().cast(pl.String))
    report = neutralise_frame(report)
    if fmt == "xlsx":
        import io

        buf = io.BytesIO()
        report.write_excel(buf, worksheet="issues", autofit=False, dtype_formats={pl.String: "@"})
        return buf.getvalue()
    return report.write_csv().encode("utf-8-sig")


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        h = h or "column"
        if h in seen or h in ("row", "issues"):
            seen[h] = seen.get(h, 0) + 1
            out.append(f"{h} ({seen[h]})")
        else:
            seen[h] = 0
            out.append(h)
    return out
