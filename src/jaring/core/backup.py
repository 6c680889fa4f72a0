"""Backup and restore: the database (SQLite online backup or pg_dump), the var/ files batches still need,
and a manifest with per-table row counts and content hashes, checked again after a restore.

The manifest records the data key's fingerprint (SHA-256 of the key file, if one exists) so an operator
can tell which key the data needs; the key itself, and var/secret_key, are never written into a backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
# Tables whose rows change on their own (sessions, login attempts, worker heartbeats) are counted, not hashed.
VOLATILE = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "core_workerheartbeat",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is in both languages."""


def key_fingerprint() -> str | None:
    """SHA-256 of the data key file (JARING_DATA_KEY_FILE), or None when there is none."""
    path = Path(getattr(settings, "JARING_DATA_KEY_FILE", "") or Path(settings.VAR_DIR) / "data.key")
    if not path.is_file():
        return None
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def table_stats(conn: Any, vendor: str) -> dict[str, dict[str, Any]]:
    """Row count and a content hash of every table (rows in primary-key order) over a DB-API connection."""
    cur = conn.cursor()
    if vendor == "sqlite":
        cur.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    tables = [r[0] for r in cur.fetchall()]
    out: dict[str, dict[str, Any]] = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        cur.execute(f"SELECT COUNT(*) FROM {quoted}")
        count = int(cur.fetchone()[0])
        entry: dict[str, Any] = {"rows": count}
        if table not in VOLATILE:
            if vendor == "sqlite":
                cur.execute(f"SELECT * FROM {quoted} ORDER BY 1")
            else:
                # The server renders each row as text (in UTC), so any two clients hash the same bytes.
                cur.execute("SET TIME ZONE 'UTC'")
                cur.execute(f"SELECT {quoted}::text FROM {quoted} ORDER BY 1")
            digest = hashlib.sha256()
            while True:
                rows = cur.fetchmany(5000)
                if not rows:
                    break
                for row in rows:
                    digest.update(repr(tuple(_plain(v) for v in row)).encode())
            entry["sha256"] = digest.hexdigest()
        out[table] = entry
    return out


def _plain(value: Any) -> Any:
    """A value as both drivers give it back (memoryview and bytes alike)."""
    if isinstance(value, memoryview):
        return bytes(value)
    return value


# Higher apps register the var/ files they still need (imports: uploads and staged rows), so this module
# imports none of them: each callable returns paths.
FILE_PROVIDERS: list[Callable[[], list[Path]]] = []


def needed_files() -> list[Path]:
    """Files under var/ that the apps still need (uploads and staged rows of batches)."""
    var = Path(settings.VAR_DIR).resolve()
    found: set[Path] = set()
    for provider in FILE_PROVIDERS:
        for candidate in provider():
            if candidate.is_file() and var in candidate.resolve().parents:
                found.add(candidate.resolve())
    return sorted(found)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-d", str(db["NAME"])]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args, env


def backup(out: Path) -> dict[str, Any]:
    """Write a backup archive to ``out``; return its manifest."""
    db = connection.settings_dict
    var = Path(settings.VAR_DIR).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        if connection.vendor == "sqlite":
            dump = Path(tmp) / SQLITE_MEMBER
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)  # the online backup API: a consistent copy
            stats = table_stats(target, "sqlite")
            target.close()
        elif connection.vendor == "postgresql":
            dump = Path(tmp) / PG_MEMBER
            args, env = _pg_env(db)
            # One snapshot for the dump and the counts: the stats are read in a repeatable-read transaction.
            done = subprocess.run(  # noqa: S603 - our own argv
                ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), *args],  # noqa: S607
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                raise BackupError(f"pg_dump gagal / pg_dump failed: {done.stderr.strip()[:500]}")
            stats = table_stats(connection.connection, "postgresql")
        else:
            raise BackupError(f"basis data {connection.vendor} tidak didukung / unsupported database")
        files = needed_files()
        manifest = {
            "format": "jaring-backup/1",
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "vendor": connection.vendor,
            "database_member": dump.name,
            "database_sha256": _sha256(dump),
            "tables": stats,
            "files": [
                {"path": str(p.relative_to(var)), "sha256": _sha256(p), "bytes": p.stat().st_size}
                for p in files
            ],
            "data_key_fingerprint": key_fingerprint(),
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=dump.name)
            for path in files:
                tar.add(path, arcname="var/" + str(path.relative_to(var)))
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        partial.replace(out)  # a killed backup never leaves a file that looks complete
    return manifest


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError("manifest tidak ada / no manifest in the backup")
        return json.loads(member.read())


def _target_is_empty(vendor: str, db: dict[str, Any]) -> bool:
    if vendor == "sqlite":
        path = Path(db["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] == 0
    import psycopg

    with psycopg.connect(**_pg_kwargs(db)) as conn:
        count = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()
    return bool(count and count[0] == 0)


def _pg_kwargs(db: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in {
            "dbname": db["NAME"],
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
        }.items()
        if v
    }


def restore(archive: Path, db: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    """Restore ``archive`` into the empty database ``db`` and ``var_dir``; return the check's result."""
    manifest = read_manifest(archive)
    vendor = manifest["vendor"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if (vendor, engine) not in {("sqlite", "sqlite3"), ("postgresql", "postgresql")}:
        raise BackupError(
            f"cadangan {vendor} tidak dapat dipulihkan ke {engine} / "
            f"a {vendor} backup cannot go into {engine}"
        )
    if not _target_is_empty(vendor, db):
        raise BackupError(
            "Basis data tujuan tidak kosong; pulihkan ke basis data baru. / "
            "The target database is not empty; restore into a fresh database."
        )
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
        dump = Path(tmp) / manifest["database_member"]
        if _sha256(dump) != manifest["database_sha256"]:
            raise BackupError("Berkas basis data rusak / the database file in the backup is damaged")
        if vendor == "sqlite":
            target = Path(db["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dump, target)
            with sqlite3.connect(target) as conn:
                stats = table_stats(conn, "sqlite")
        else:
            args, env = _pg_env(db)
            done = subprocess.run(  # noqa: S603 - our own argv
                ["pg_restore", "--no-owner", "--exit-on-error", *args, str(dump)],  # noqa: S607
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                raise BackupError(f"pg_restore gagal / pg_restore failed: {done.stderr.strip()[:500]}")
            import psycopg

            with psycopg.connect(**_pg_kwargs(db)) as conn:
                stats = table_stats(conn, "postgresql")
        bad_files = []
        for entry in manifest["files"]:
            source = Path(tmp) / "var" / entry["path"]
            dest = var_dir / entry["path"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
            if _sha256(dest) != entry["sha256"]:
                bad_files.append(entry["path"])
    return compare(manifest, stats, bad_files)


def compare(
    manifest: dict[str, Any], stats: dict[str, dict[str, Any]], bad_files: list[str]
) -> dict[str, Any]:
    """The restore check: every table's row count and hash as in the manifest, every file intact."""
    differences = []
    for table, want in manifest["tables"].items():
        got = stats.get(table)
        if got is None:
            differences.append({"table": table, "problem": "missing"})
        elif got["rows"] != want["rows"] or got.get("sha256") != want.get("sha256"):
            differences.append({"table": table, "want": want, "got": got})
    return {
        "ok": not differences and not bad_files,
        "tables": len(manifest["tables"]),
        "rows": sum(t["rows"] for t in manifest["tables"].values()),
        "files": len(manifest["files"]),
        "differences": differences,
        "damaged_files": bad_files,
        "data_key_fingerprint": manifest.get("data_key_fingerprint"),
    }
