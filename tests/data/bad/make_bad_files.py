"""Generate the large bad files at test time (they are too big to commit): zip bomb, 10 MB cell, wide line.

Run ``python tests/data/bad/make_bad_files.py DIR`` or call :func:`make_all`.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

GENERATED = {
    "zip_bomb.xlsx": "zip_bomb",
    "big_cell.csv": "cell_too_large",
    "wide_line.csv": "too_many_columns",
    "wide_header.csv": "too_many_columns",
}

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/></Types>'
)


def make_zip_bomb(path: Path, unpacked_mb: int = 120) -> None:
    """An XLSX-shaped zip whose sheet XML inflates from ~100 KB to ``unpacked_mb`` MB of whitespace."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b" " * (1024 * 1024)
            for _ in range(unpacked_mb):
                fh.write(block)


def make_big_cell(path: Path, size: int = 10 * 1024 * 1024) -> None:
    """A CSV whose second data row holds a 10 MB name."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("NIK,Nama Lengkap,Jenis Kelamin\n3525100503850001,Budi,L\n3525104503850002,")
        fh.write("A" * size)
        fh.write(",P\n")


def make_wide_line(path: Path, columns: int = 200_000) -> None:
    """A CSV with a normal header and one data line of 200,000 columns."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("NIK,Nama Lengkap,Jenis Kelamin\n3525100503850001,Budi,L\n")
        fh.write(",".join(["x"] * columns))
        fh.write("\n")


def make_wide_header(path: Path, columns: int = 200_000) -> None:
    """A CSV whose header line alone has 200,000 columns."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(f"c{i}" for i in range(columns)))
        fh.write("\n1,2,3\n")


def make_all(out: Path) -> dict[str, Path]:
    """Write every generated bad file into ``out``; return name -> path."""
    out.mkdir(parents=True, exist_ok=True)
    makers = {
        "zip_bomb.xlsx": make_zip_bomb,
        "big_cell.csv": make_big_cell,
        "wide_line.csv": make_wide_line,
        "wide_header.csv": make_wide_header,
    }
    paths = {}
    for name, maker in makers.items():
        path = out / name
        if not path.exists():
            maker(path)
        paths[name] = path
    return paths


if __name__ == "__main__":
    for name, p in make_all(Path(sys.argv[1] if len(sys.argv) > 1 else ".")).items():
        print(name, p.stat().st_size)
