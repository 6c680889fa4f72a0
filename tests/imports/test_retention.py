"""Upload copies are stored once per content hash and kept only while a batch needs them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from jaring.imports.models import Batch, BatchStatus
from jaring.imports.retention import cleanup
from jaring.imports.services import create_batch, run_import
from tests.imports.conftest import good_rows, write_csv


def test_the_same_file_twice_is_stored_once(
    world: Any, var_dir: Path, leran_operator: Any, settings: Any
) -> None:
    path = write_csv(var_dir / "leran.csv", good_rows(3))
    first = run_import(path, village=world.leran, user=leran_operator, commit=True)
    again = run_import(path, village=world.leran, user=leran_operator, commit=True)
    assert again.error_code == "already_imported"
    assert first.file.name == again.file.name and first.content_hash in first.file.name
    assert len([p for p in (Path(settings.MEDIA_ROOT) / "batches").rglob("*") if p.is_file()]) == 1


def test_cleanup_removes_what_no_batch_needs_and_keeps_the_rest(
    world: Any, var_dir: Path, leran_operator: Any, settings: Any
) -> None:
    media = Path(settings.MEDIA_ROOT)
    old = run_import(
        write_csv(var_dir / "old.csv", good_rows(2)), village=world.leran, user=leran_operator, commit=True
    )
    recent = run_import(
        write_csv(var_dir / "recent.csv", good_rows(2, start=20)),
        village=world.leran,
        user=leran_operator,
        commit=True,
    )
    pending = create_batch(
        write_csv(var_dir / "pending.csv", good_rows(2, start=40)), village=world.leran, user=leran_operator
    )
    Batch.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=settings.JARING_UPLOAD_RETENTION_DAYS + 1)
    )
    orphan = media / "batches" / "2026" / "01" / "killed-run.csv"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_text("x")
    stale = Path(settings.VAR_DIR) / "batches" / "abandoned.parquet"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"PAR1")
    report = cleanup()
    old.refresh_from_db()
    assert sorted(report.uploads_removed) == sorted(
        [f"batches/sha256/{old.content_hash[:2]}/{old.content_hash}.csv", "batches/2026/01/killed-run.csv"]
    )
    assert str(stale) in report.staging_removed and not stale.exists() and not orphan.exists()
    assert old.file.name == "" and old.status == BatchStatus.COMMITTED
    for kept in (recent, pending):
        kept.refresh_from_db()
        assert (media / kept.file.name).is_file()
    call_command("cleanup", "--json")  # idempotent: nothing left to remove
    assert cleanup(dry_run=True).uploads_removed == []


def test_cleanup_keeps_the_rows_file_that_is_a_committed_batchs_after_image(
    world: Any, var_dir: Path, leran_operator: Any
) -> None:
    from jaring.registry.models import BatchChange

    batch = run_import(
        write_csv(var_dir / "a.csv", good_rows(2)), village=world.leran, user=leran_operator, commit=True
    )
    rows_path = Path(BatchChange.objects.get(batch=batch).rows_path)
    assert rows_path.is_file()
    report = cleanup()
    assert str(rows_path) not in report.staging_removed and rows_path.is_file()
