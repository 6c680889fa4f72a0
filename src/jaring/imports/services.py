"""The import pipeline: create a batch from a file, validate it, commit its valid rows in one transaction.

The CLI, the web pages, the API, the background tasks and the demo all go through these functions.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

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
    if isinstance(source, Path):
        with source.open("rb") as fh:
            batch.file.save(name, File(fh), save=False)
    else:
        batch.file.save(name, source, save=False)
    batch.save()
    return batch


def _set_progress(batch: Batch, value: float, message: str, callback: Progress | None) -> None:
    batch.progress = max(0.0, min(1.0, value))
    batch.progress_message = message[:200]
    Batch.objects.filter(pk=batch.pk).update(progress=batch.progress, progress_message=batch.progress_message)
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
    batch.status = BatchStatus.VALIDATING
    batch.error_code = batch.error_message = ""
    batch.save(update_fields=["status", "error_code", "error_message", "updated_at"])
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
    typed = prepare_frame(raw, hmap, sink, Lookups.load())
    del raw  # the text cells are no longer needed: free them before the checks
    _set_progress(batch, 0.5, progress_text("checking"), progress)
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
    valid.write_parquet(staged)
    with transaction.atomic():
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
        batch.save()
    if progress is not None:
        progress(1.0, batch.progress_message)
    return batch


def commit_batch(batch: Batch, user: Any, progress: Progress | None = None) -> Batch:
    """Write the batch's valid rows in one transaction (status committed); re-runnable after a crash."""
    from jaring.registry.bulk import insert_persons
    from jaring.registry.models import ChangeVia

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
    batch.status = BatchStatus.COMMITTING
    batch.save(update_fields=["status", "updated_at"])
    _set_progress(batch, 0.05, progress_text("writing"), progress)
    frame = pl.read_parquet(staged)
    total = max(1, frame.height)
    try:
        with transaction.atomic():
            # Two commit jobs of one batch: the second waits for the first's lock, then finds it committed.
            current = Batch.objects.select_for_update().get(pk=batch.pk)
            if current.status == BatchStatus.COMMITTED:
                return current
            # The registry may have changed since validation: NIKs that arrived meanwhile are left out.
            sink = IssueSink()
            from jaring.imports.validation import _existing_niks, existing_submissions

            if "submission_uuid" in frame.columns:
                # A submission another batch stored since validation: skipped, as validation would have.
                seen = existing_submissions(frame.get_column("submission_uuid"))
                if seen.len():
                    again = pl.col("submission_uuid").is_in(seen.implode()).fill_null(False)
                    sink.add(frame, again, "submission_uuid", "submission_exists", pl.col("submission_uuid"))
                    frame = frame.filter(~again)
            taken = _existing_niks(frame.get_column("nik"), None)
            if taken.len():
                sink.add(frame, pl.col("nik").is_in(taken.implode()), "nik", "nik_exists", pl.col("nik"))
                frame = frame.filter(~pl.col("nik").is_in(taken.implode()))
            if sink.frames:
                _append_issues(batch, sink.frame())
            owned = [frame]
            del frame  # insert_persons frees the staged rows as soon as it has built its own frame
            count = insert_persons(
                owned.pop(),
                batch=batch,
                actor=user,
                via=ChangeVia.IMPORT,
                on_chunk=lambda done: _set_progress(
                    batch, 0.05 + 0.9 * done / total, progress_text("written", done=done), progress
                ),
            )
            batch.rows_committed = count
            if taken.len() or count != batch.rows_valid:
                batch.rows_valid = count
                batch.rows_with_errors += taken.len()
            batch.status = BatchStatus.COMMITTED
            batch.committed_at = timezone.now()
            batch.committed_by = (
                user if user is not None and getattr(user, "is_authenticated", False) else None
            )
            batch.progress = 1.0
            batch.progress_message = progress_text("committed", count=count)
            batch.save()
    except Exception:
        # Nothing was written (the transaction rolled back); the batch can be committed again.
        Batch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.VALIDATED, progress_message=progress_text("commit_failed")
        )
        batch.refresh_from_db()
        raise
    staged.unlink(missing_ok=True)
    if progress is not None:
        progress(1.0, batch.progress_message)
    return batch


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
