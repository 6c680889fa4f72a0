"""Reading an uploaded CSV or XLSX into a frame of strings, refusing dangerous or broken files.

Every refusal is a :class:`FileProblem` with an issue code; nothing here ever writes to the database.
"""

from __future__ import annotations

import codecs
import csv
import logging
import mmap
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings

log = logging.getLogger("jaring.imports")

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_COLUMNS = 1_000
# Real bytes inflated from an XLSX, counted while streaming (the sizes a zip declares can lie).
MAX_XLSX_UNPACKED = 1024 * 1024 * 1024  # 1 GiB of XML is far beyond a village census
MAX_XLSX_RATIO = 200  # calamine-readable sheets compress ~10–20×; hundreds of times means a bomb
MAX_XLSX_MEMBERS = 1_000
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
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
        magic = fh.read(8)
    if magic[:4] == b"PK\x03\x04":
        return _read_xlsx(path, sheet)
    if magic == OLE2_MAGIC:
        # An Office compound file: a password-protected XLSX package, or an old (97-2003) .xls workbook.
        raise FileProblem("xlsx_encrypted" if _ole2_encrypted(path) else "xls_old")
    if is_xlsx_name(name) or name.lower().endswith(".xls"):
        raise FileProblem("not_xlsx", detail="no ZIP signature / tanpa tanda ZIP")
    rows_limit = max_rows()
    table = _read_csv(path.read_bytes(), path)
    if table.frame.height > rows_limit:
        raise FileProblem("too_many_rows", count=table.frame.height, limit=rows_limit)
    return table


def max_rows() -> int:
    """The most data rows one import may hold (JARING_MAX_IMPORT_ROWS)."""
    return int(getattr(settings, "JARING_MAX_IMPORT_ROWS", 2_000_000))


def _ole2_encrypted(path: Path) -> bool:
    """Whether a compound file holds an encrypted OOXML package (its directory names these streams)."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return mm.find(marker) >= 0


def _utf16(data: bytes) -> str | None:
    """'utf-16' when the bytes are UTF-16 text (a BOM, or NULs in every other byte of ASCII text)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if len(head) < 4:
        return None
    odd, even = head[1::2], head[0::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


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
    wide = _utf16(data)
    if wide:
        # Excel's "Unicode text" and some Windows tools write UTF-16: decode it rather than refuse it.
        try:
            data = data.decode(wide).encode("utf-8")
        except UnicodeDecodeError:
            raise FileProblem("not_text") from None
        path = None
    if b"\x00" in data:
        raise FileProblem("not_text")
    if not data or data.isspace():
        raise FileProblem("file_empty")
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # old Mac line ends
        path = None
    encoding = "utf-16" if wide else detect_encoding(data)
    if not encoding.startswith(("utf-8", "utf-16")):
        # polars reads UTF-8 only: transcode the (rare) Windows-1252 file once.
        data = data.decode(encoding).encode("utf-8")
    newline = data.find(b"\n")
    first_line = (data if newline < 0 else data[:newline]).decode("utf-8-sig").rstrip("\r")
    delimiter = sniff_delimiter(first_line)
    if len(first_line) > MAX_CELL_CHARS and first_line.count(delimiter) + 1 > MAX_COLUMNS:
        raise FileProblem("too_many_columns", count=first_line.count(delimiter) + 1, limit=MAX_COLUMNS)
    try:
        headers = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter))]
    except (csv.Error, StopIteration) as exc:
        log.warning("CSV header unreadable: %s", exc)
        raise FileProblem("csv_malformed") from None
    if len(headers) > MAX_COLUMNS:
        raise FileProblem("too_many_columns", count=len(headers), limit=MAX_COLUMNS)
    if newline < 0 or not data[newline:].strip():
        raise FileProblem("no_rows")
    names = [f"c{i}" for i in range(len(headers))]

    # UTF-8 files are scanned from disk (streaming, no second copy in memory); others from transcoded bytes.
    source: Any = path if path is not None and encoding.startswith("utf-8") else data

    def read(truncate: bool) -> pl.DataFrame:
        # The header line fixes the column count (short rows get nulls, blank lines keep their number).
        lazy = pl.scan_csv(
            source,
            has_header=True,
            infer_schema=False,
            new_columns=names,
            separator=delimiter,
            truncate_ragged_lines=truncate,
        )
        lazy = lazy.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
        return _drop_blank_rows(lazy, names).collect(engine="streaming")

    try:
        try:
            frame = read(False)
        except pl.exceptions.ComputeError:
            if data.count(b'"') % 2:
                raise FileProblem("csv_malformed") from None  # a quote opened and never closed
            # A line longer than the header: a broken file, or only a stray trailing delimiter.
            _diagnose_lines(data, delimiter.encode())
            frame = read(True)
    except FileProblem:
        raise
    except Exception as exc:  # polars' own text goes to the log only; the user gets a bilingual message
        log.warning("CSV unreadable: %s", str(exc)[:500])
        raise FileProblem("csv_malformed") from exc
    if frame.height == 0:
        raise FileProblem("no_rows")
    _check_cells(frame, names)
    return RawTable(headers=headers, frame=frame, kind="csv", encoding=encoding, delimiter=delimiter)


# --- XLSX ------------------------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    """Refuse a zip that is truncated, not a workbook, or inflates past the limits (real bytes)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            mimetype = zf.read("mimetype")[:100] if "mimetype" in zf.namelist() else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        log.warning("zip unreadable: %s", exc)
        raise FileProblem("zip_truncated") from None
    if b"opendocument" in mimetype:
        raise FileProblem("ods_format")
    if len(infos) > MAX_XLSX_MEMBERS:
        raise FileProblem("zip_bomb", size=sum(i.file_size for i in infos))
    if not any(i.filename.startswith("xl/") for i in infos):
        raise FileProblem("not_xlsx", detail="no workbook inside / tidak ada buku kerja")
    packed = max(1, path.stat().st_size)
    real = 0
    with path.open("rb") as fh:
        for info in infos:
            size = _inflated_size(fh, info, MAX_XLSX_UNPACKED - real)
            if size > info.file_size:
                # The member inflates to more than it declares: a bomb built to pass size checks.
                raise FileProblem("zip_bomb", size=real + size)
            real += size
            if real >= MAX_XLSX_UNPACKED or (real > 50 * 1024 * 1024 and real / packed > MAX_XLSX_RATIO):
                raise FileProblem("zip_bomb", size=real)


def _inflated_size(fh: Any, info: zipfile.ZipInfo, budget: int) -> int:
    """The real number of bytes one member inflates to, streaming; stops once past ``budget``."""
    import zlib

    if not 0 <= info.header_offset < fh.seek(0, 2):
        raise FileProblem("zip_truncated")
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise FileProblem("zip_truncated")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    if info.compress_type == zipfile.ZIP_STORED:
        return int(info.compress_size)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise FileProblem("not_xlsx", detail="unknown compression / kompresi tidak dikenal")
    inflater = zlib.decompressobj(-15)
    total = 0
    try:
        while not inflater.eof:
            chunk = fh.read(64 * 1024)
            if not chunk:
                raise FileProblem("zip_truncated")
            while chunk and not inflater.eof:
                total += len(inflater.decompress(chunk, 1024 * 1024))
                chunk = inflater.unconsumed_tail
                if total > max(budget, info.file_size):
                    return total
    except zlib.error:
        raise FileProblem("zip_truncated") from None
    return total


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
    except Exception as exc:  # noqa: BLE001 - calamine errors on corrupt workbooks: its text to the log only
        log.warning("XLSX unreadable: %s", str(exc)[:500])
        raise FileProblem("xlsx_corrupt") from None
    if sheet:
        if sheet not in names:
            raise FileProblem("sheet_not_found", sheet=sheet, sheets=", ".join(names))
        index = names.index(sheet)
    else:
        if not names:
            raise FileProblem("file_empty")
        index = _data_sheet(reader, names)
    try:
        raw = reader.load_sheet(index, header_row=None, dtypes="string").to_polars()
    except Exception as exc:  # noqa: BLE001 - reported to the user as a clear message
        log.warning("XLSX sheet unreadable: %s", str(exc)[:500])
        raise FileProblem("xlsx_corrupt") from None
    if raw.height > max_rows() + 10:
        raise FileProblem("too_many_rows", count=raw.height, limit=max_rows())
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


def _data_sheet(reader: Any, names: list[str]) -> int:
    """The first sheet whose top rows name known columns (a workbook may open with instructions)."""
    if len(names) == 1:
        return 0
    from jaring.imports.lib.headers import map_headers

    for index in range(len(names)):
        try:
            top = reader.load_sheet(index, header_row=None, n_rows=10, dtypes="string").to_polars()
        except Exception:  # noqa: BLE001, S112 - an unreadable sheet is simply not the data sheet
            continue
        for i in range(top.height):
            cells = [("" if v is None else str(v)).strip() for v in top.row(i)]
            if len(map_headers(cells).fields) >= 2:
                return index
    raise FileProblem("no_data_sheet", sheets=", ".join(names))


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
