"""Retention of upload copies and staging files: kept only while a batch needs them.

A batch needs its upload while it is not finished (uploaded, validating, validated, committing), while it
has open NIK conflicts (the conflict page shows the incoming row from the file), and for
JARING_UPLOAD_RETENTION_DAYS after it finished (the issue report shows the rows' cells). A staging file is
needed only by a validated or committing batch. Uploads are stored once per content hash, so a copy goes
only when no batch needs it. Anything else under media/batches and var/batches is an orphan (a killed run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from jaring.imports.models import Batch, BatchStatus

# Higher apps register what else keeps a batch's file (dedup: open NIK conflicts) without this app
# importing them: each callable returns a queryset of batch ids.
KEEPERS: list[Callable[[], Any]] = []

OPEN_STATUSES = {BatchStatus.UPLOADED, BatchStatus.VALIDATING, BatchStatus.VALIDATED, BatchStatus.COMMITTING}


@dataclass
class CleanupReport:
    uploads_removed: list[str] = field(default_factory=list)
    staging_removed: list[str] = field(default_factory=list)
    bytes_freed: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "uploads_removed": len(self.uploads_removed),
            "staging_removed": len(self.staging_removed),
            "bytes_freed": self.bytes_freed,
        }


def _needed_uploads(now: dt.datetime) -> set[str]:
    days = int(getattr(settings, "JARING_UPLOAD_RETENTION_DAYS", 30))
    recent = now - dt.timedelta(days=days)
    keep = Q(status__in=OPEN_STATUSES) | Q(updated_at__gte=recent)
    for keeper in KEEPERS:
        keep |= Q(pk__in=keeper())
    return set(Batch.objects.filter(keep).exclude(file="").values_list("file", flat=True))


def cleanup(*, dry_run: bool = False, now: dt.datetime | None = None) -> CleanupReport:
    """Remove upload copies and staging files no batch needs; clear the batches' file fields."""
    now = now or timezone.now()
    report = CleanupReport()
    media = Path(settings.MEDIA_ROOT)
    needed = _needed_uploads(now)
    for path in sorted((media / "batches").rglob("*")) if (media / "batches").is_dir() else []:
        if not path.is_file():
            continue
        rel = str(path.relative_to(media))
        if rel in needed:
            continue
        report.uploads_removed.append(rel)
        report.bytes_freed += path.stat().st_size
        if not dry_run:
            path.unlink(missing_ok=True)
    if not dry_run and report.uploads_removed:
        Batch.objects.filter(file__in=report.uploads_removed).update(file="")
    from jaring.registry.models import BatchChange

    staged_needed = set(
        Batch.objects.filter(status__in=[BatchStatus.VALIDATED, BatchStatus.COMMITTING])
        .exclude(staged_path="")
        .values_list("staged_path", flat=True)
    )
    # A committed batch's rows file is the after-image of every person it created (their history).
    staged_needed |= set(BatchChange.objects.exclude(rows_path="").values_list("rows_path", flat=True))
    staging = Path(settings.VAR_DIR) / "batches"
    for path in sorted(staging.glob("*")) if staging.is_dir() else []:
        if path.is_file() and str(path) not in staged_needed:
            report.staging_removed.append(str(path))
            report.bytes_freed += path.stat().st_size
            if not dry_run:
                path.unlink(missing_ok=True)
    return report
