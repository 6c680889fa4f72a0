"""`jaring backup` and `jaring restore`: a restore into a fresh database matches the manifest's row counts
and hashes, with the files batches need; the data key's fingerprint is recorded, never the key."""

from __future__ import annotations

import json
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jaring.core.backup import read_manifest
from jaring.imports.services import run_import
from tests.imports.conftest import good_rows, var_dir, write_csv  # noqa: F401


@pytest.fixture
def filled(
    world: Any,
    var_dir: Path,  # noqa: F811
    leran_operator: Any,
    settings: Any,
) -> Any:
    (Path(settings.VAR_DIR)).mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT = Path(settings.VAR_DIR) / "media"
    key = Path(settings.VAR_DIR) / "data.key"
    key.write_bytes(b"k" * 32)
    settings.JARING_DATA_KEY_FILE = str(key)
    path = write_csv(var_dir / "leran.csv", good_rows(4))
    batch = run_import(path, village=world.leran, user=leran_operator, commit=True)
    assert batch.rows_committed == 4
    return batch


def _target(tmp_path: Path) -> tuple[str, Any]:
    """A fresh, empty database of the same kind as the test database."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    import os
    import urllib.parse

    import psycopg

    name = f"restore_{uuid.uuid4().hex[:8]}"
    base = urllib.parse.urlsplit(os.environ["JARING_DATABASE_URL"])  # the test cluster (unix socket)
    admin = psycopg.connect(urllib.parse.urlunsplit(base._replace(path="/postgres")), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(base._replace(path=f"/{name}")), (admin, name)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_and_the_check_passes(
    filled, tmp_path, capsys, settings
) -> None:
    out = tmp_path / "jaring.backup"
    call_command("backup", "--out", str(out), "--json")
    summary = json.loads(capsys.readouterr().out)
    manifest = read_manifest(out)
    assert manifest["tables"]["registry_person"]["rows"] == 4
    assert manifest["data_key_fingerprint"].startswith("sha256:")
    assert len(manifest["files"]) >= 1 and summary["files"] == len(manifest["files"])
    with tarfile.open(out) as tar:
        names = tar.getnames()
        blobs = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert not any("data.key" in n or "secret_key" in n for n in names)
    assert b"k" * 32 not in blobs
    url, cleanup = _target(tmp_path)
    try:
        call_command(
            "restore", str(out), "--database-url", url, "--var-dir", str(tmp_path / "var2"), "--json"
        )
        result = json.loads(capsys.readouterr().out)
        assert result["ok"] and result["differences"] == [] and result["rows"] > 4
        assert (tmp_path / "var2" / manifest["files"][0]["path"]).is_file()
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(out), "--database-url", url, "--var-dir", str(tmp_path / "var3"))
    finally:
        if cleanup:
            admin, name = cleanup
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def test_the_check_reports_a_table_that_differs() -> None:
    from jaring.core.backup import compare

    manifest = {"tables": {"t": {"rows": 2, "sha256": "a"}}, "files": []}
    assert compare(manifest, {"t": {"rows": 2, "sha256": "a"}}, [])["ok"]
    result = compare(manifest, {"t": {"rows": 1, "sha256": "b"}}, [])
    assert not result["ok"] and result["differences"][0]["table"] == "t"
