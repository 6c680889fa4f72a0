"""Helpers for import tests: writing small spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

HEADER = ["No", "NIK", "Nama Lengkap", "Jenis Kelamin", "Tanggal Lahir", "Kode Desa", "Pekerjaan", "No HP"]
LERAN = "35.25.10.2010"
GUMENO = "35.25.10.2004"


def nik(day: int, month: int, year: int, seq: int, *, female: bool = False, region: str = "352510") -> str:
    """A NIK with a consistent birth date and sex."""
    return f"{region}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{seq:04d}"


def write_csv(path: Path, rows: list[list[Any]], header: list[str] | None = None, sep: str = ",") -> Path:
    lines = [sep.join(header or HEADER)] + [sep.join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_rows(n: int, village: str = LERAN, start: int = 1) -> list[list[Any]]:
    """``n`` valid rows (men born 1980-1989 on distinct days)."""
    out = []
    for i in range(n):
        seq = start + i
        day, month, year = 1 + seq % 28, 1 + (seq // 28) % 12, 1980 + seq % 10
        out.append(
            [
                seq,
                nik(day, month, year, seq),
                f"Warga {seq}",
                "L",
                f"{day:02d}/{month:02d}/{year}",
                village,
                "Nelayan",
                "0812-3456-78" + f"{seq % 100:02d}",
            ]
        )
    return out


@pytest.fixture
def var_dir(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path
