"""Reading an uploaded CSV or XLSX into a frame of strings, refusing dangerous or broken files.

Every refusal is a :class:`FileProblem` with an issue code; nothing here ever writes to the database.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_COLUMNS = 1_000
MAX_XLSX_UNPACKED = 2 * 1024 * 1024 * 1024  # 2 GiB of XML is far beyond a village census
MAX_XLSX_RATIO = 200  # calamine-readable sheets compress ~10–20×; hundreds of times means a bomb
DELIMITERS = [",", ";", "\t", "|"]
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]{1,3}")


class FileProblem(Exception):
    """A whole-file problem: the batch fails with this code and nothing is written."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, values
        super().__init__(code)


@dataclass
class RawTable:
    """The file as text: original headers, a frame ``c0..cN`` of strings and ``_row`` (sheet row number)."""

    headers: list[str]
    frame: pl.DataFrame
    kind: str  # "csv" or "xlsx"
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str = ""
    notes: list[str] = field(default_factory=list)


def is_xlsx_name(name: str) -> bool:
    return name.lower().endswith((".xlsx", ".xlsm"))


def read_table(path: Path, *, filename: str | None = None, sheet: str | None = None) -> RawTable:
    """Read ``path`` (CSV or XLSX, decided by name and magic bytes) as strings, or raise FileProblem."""
    name = filename or path.name
    size = path.stat().st_size
    limit = settings.JARING_MAX_UPLOAD_BYTES
    if size > limit:
        raise FileProblem("file_too_large", size=size, limit=limit)
    if size == 0:
        raise FileProblem("file_empty")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        return _read_xlsx(path, sheet)
    if is_xlsx_name(name) or name.lower().endswith(".xls"):
        raise FileProblem("not_xlsx", detail="no ZIP signature / tanpa tanda ZIP")
    return _read_csv(path.read_bytes(), path)


# --- CSV -------------------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252/latin-1; refuse mixed encodings. Checks without copying."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 16 * 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start : start + step], final=start + step >= len(data))
        return "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8, yet holding well-formed UTF-8 sequences: two encodings were pasted together.
    if _UTF8_MULTIBYTE.search(data):
        raise FileProblem("mixed_encoding") from None
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def decode(data: bytes) -> tuple[str, str]:
    """The text of CSV bytes and the encoding found (see :func:`detect_encoding`)."""
    encoding = detect_encoding(data)
    return data.decode(encoding), encoding


def _diagnose_lines(data: bytes, delimiter: bytes) -> None:
    """Find absurd lines (too many columns, huge cells), in 32 MB slices to bound memory."""
    step = 32 * 1024 * 1024
    line_start = 0
    for offset in range(0, len(data), step):
        arr = np.frombuffer(data, dtype=np.uint8, count=min(step, len(data) - offset), offset=offset)
        breaks = np.flatnonzero(arr == 10) + offset
        for end in [*breaks.tolist(), len(data)] if offset + step >= len(data) else breaks.tolist():
            if end - line_start > MAX_CELL_CHARS:
                line = data[line_start:end]
                count = line.count(delimiter) + 1
                if count > MAX_COLUMNS:
                    raise FileProblem("too_many_columns", count=count, limit=MAX_COLUMNS)
                widest = max(len(cell) for cell in line.split(delimiter))
                if widest > MAX_CELL_CHARS:
                    raise FileProblem("cell_too_large", size=widest, limit=MAX_CELL_CHARS)
            line_start = end + 1


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of , ; TAB | in the header line (Excel in Indonesian locale writes ;)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(data: bytes, path: Path | None = None) -> RawTable:
    if b"\x00" in data[:65536]:
        raise FileProblem("not_text")
    if not data or data.isspace():
        raise FileProblem("file_empty")
    encoding = detect_encoding(data)
    if not encoding.startswith("utf-8"):
        # polars reads UTF-8 only: transcode the (rare) Windows-1252 file once.
        data = data.decode(encoding).encode("utf-8")
    newline = data.find(b"\n")
    first_line = (data if newline < 0 else data[:newline]).decode("utf-8-sig").rstrip("\r")
    delimiter = sniff_delimiter(first_line)
    if len(first_line) > MAX_CELL_CHARS and first_line.count(delimiter) + 1 > MAX_COLUMNS:
        raise FileProblem("too_many_columns", count=first_line.count(delimiter) + 1, limit=MAX_COLUMNS)
    headers = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter))]
    if len(headers) > MAX_COLUMNS:
        raise FileProblem("too_many_columns", count=len(headers), limit=MAX_COLUMNS)
    if newline < 0 or not data[newline:].strip():
        raise FileProblem("no_rows")
    names = [f"c{i}" for i in range(len(headers))]

    # UTF-8 files are scanned from disk (streaming, no second copy in memory); others from transcoded bytes.
    source: Any = path if path is not None and encoding.startswith("utf-8") else data

    def read(truncate: bool) -> pl.DataFrame:
        lazy = pl.scan_csv(
            source,
            has_header=False,
            skip_rows=1,
            schema=dict.fromkeys(names, pl.String),
            separator=delimiter,
            truncate_ragged_lines=truncate,
        )
        lazy = lazy.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
        return _drop_blank_rows(lazy, names).collect(engine="streaming")

    try:
        try:
            frame = read(False)
        except pl.exceptions.ComputeError:
            # A line longer than the header: a broken file, or only a stray trailing delimiter.
            _diagnose_lines(data, delimiter.encode())
            frame = read(True)
    except FileProblem:
        raise
    except Exception as exc:  # polars reports malformed quoting etc.; a file-level error, never a crash
        raise FileProblem("file_unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    if frame.height == 0:
        raise FileProblem("no_rows")
    _check_cells(frame, names)
    return RawTable(headers=headers, frame=frame, kind="csv", encoding=encoding, delimiter=delimiter)


# --- XLSX ------------------------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem("not_xlsx", detail=str(exc)[:120]) from exc
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_XLSX_UNPACKED or (unpacked > 50 * 1024 * 1024 and unpacked / packed > MAX_XLSX_RATIO):
        raise FileProblem("zip_bomb", size=unpacked)
    if not any(i.filename.startswith("xl/") for i in infos):
        raise FileProblem("not_xlsx", detail="no workbook inside / tidak ada buku kerja")


def _sheet_first_row(path: Path, sheet_index: int) -> int:
    """The sheet row of the first non-empty row (calamine skips leading empty rows), from <dimension>."""
    try:
        with zipfile.ZipFile(path) as zf, zf.open(f"xl/worksheets/sheet{sheet_index + 1}.xml") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return 1
    m = re.search(r'<dimension ref="[A-Z]+(\d+)', head)
    return int(m.group(1)) if m else 1


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    import fastexcel

    _check_zip(path)
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except Exception as exc:  # calamine errors on corrupt workbooks
        raise FileProblem("not_xlsx", detail=str(exc).splitlines()[0][:200]) from exc
    if sheet:
        if sheet not in names:
            raise FileProblem("sheet_not_found", sheet=sheet, sheets=", ".join(names))
        index = names.index(sheet)
    else:
        if not names:
            raise FileProblem("file_empty")
        index = 0
    try:
        raw = reader.load_sheet(index, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        raise FileProblem("not_xlsx", detail=str(exc).splitlines()[0][:200]) from exc
    if raw.height == 0 or raw.width == 0:
        raise FileProblem("file_empty")
    if raw.width > MAX_COLUMNS:
        raise FileProblem("too_many_columns", count=raw.width, limit=MAX_COLUMNS)
    first_row = _sheet_first_row(path, index)
    cols = raw.columns
    header_index = _header_row(raw)
    raw = raw.slice(header_index)
    first_row += header_index
    headers = [("" if v is None else str(v)).strip() for v in raw.row(0)]
    # Trailing header cells left empty are not columns.
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise FileProblem("file_empty")
    names_ = [f"c{i}" for i in range(len(headers))]
    frame = raw.slice(1).select(cols[: len(headers)])
    frame.columns = names_
    frame = frame.with_row_index("_row", offset=first_row + 1).with_columns(pl.col("_row").cast(pl.Int64))
    frame = _drop_blank_rows(frame.lazy(), names_).collect()
    if frame.height == 0:
        raise FileProblem("no_rows")
    _check_cells(frame, names_)
    return RawTable(headers=headers, frame=frame, kind="xlsx", sheet=names[index])


def _header_row(raw: pl.DataFrame, look: int = 10) -> int:
    """Index of the header row: the first of the top rows naming two known columns (titles sit above)."""
    from jaring.imports.lib.headers import map_headers

    for i in range(min(look, raw.height)):
        cells = [("" if v is None else str(v)).strip() for v in raw.row(i)]
        if len(map_headers(cells).fields) >= 2:
            return i
    return 0


# --- both ------------------------------------------------------------------------------------------------


def _drop_blank_rows(frame: pl.LazyFrame, names: list[str]) -> pl.LazyFrame:
    """Cells stripped, empty cells null, and rows with no cell at all left out."""
    frame = frame.with_columns(
        pl.when(pl.col(n).str.strip_chars() != "").then(pl.col(n).str.strip_chars()).alias(n) for n in names
    )
    return frame.filter(pl.any_horizontal(pl.col(n).is_not_null() for n in names))


def _check_cells(frame: pl.DataFrame, names: list[str]) -> None:
    widest = frame.select(pl.max_horizontal(pl.col(n).str.len_chars().max() for n in names)).item()
    if widest is not None and widest > MAX_CELL_CHARS:
        raise FileProblem("cell_too_large", size=widest, limit=MAX_CELL_CHARS)
