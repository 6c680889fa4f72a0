"""Generate the bad-file corpus (≥ 50 kinds) into a folder; the outcomes are in ``corpus_expected.json``.

``python tests/data/bad/make_corpus.py DIR`` writes every file; the tests call :func:`make_corpus`.
Outcomes: ``error:<code>`` (the whole file is refused with that issue code, nothing written) or ``ok``
(the file is read; rows may still carry row-level issues). No file may crash the reader or the pipeline.
"""

from __future__ import annotations

import gzip
import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

HEADER = "NIK,Nama Lengkap,Jenis Kelamin,Tanggal Lahir"
ROWS = ["3525101203850001,Budi Santoso,L,1985-03-12", "3525105203850002,Siti Aminah,P,1985-03-12"]
GOOD = HEADER + "\n" + "\n".join(ROWS) + "\n"
CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def _text(text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda p: p.write_bytes(text.encode(encoding))


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data)


def _xlsx(sheets: dict[str, list[list[object]]]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path))
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    ws.write(r, c, value)
        wb.close()

    return make


DATA_ROWS: list[list[object]] = [HEADER.split(","), *[r.split(",") for r in ROWS]]


def _ole2(stream_names: list[str]) -> bytes:
    """A compound-document (OLE2) header and directory naming ``stream_names`` (what Office writes for
    .xls workbooks and for password-protected .xlsx packages)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    header = header.ljust(512, b"\x00")
    entries = b""
    for name in ["Root Entry", *stream_names]:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entries += (
            encoded.ljust(64, b"\x00") + struct.pack("<H", len(encoded)) + b"\x02\x00".ljust(62, b"\x00")
        )
    return header + entries.ljust(4096, b"\x00")


def _valid_xlsx_bytes() -> bytes:
    buf = Path("/tmp/_jaring_corpus_valid.xlsx")
    _xlsx({"Data": DATA_ROWS})(buf)
    return buf.read_bytes()


def make_truncated(path: Path) -> None:
    data = _valid_xlsx_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_lying_bomb(path: Path, real_mb: int = 300) -> None:
    """A sheet that declares 1 KB unpacked in both the local and the central header but inflates to
    ``real_mb`` MB: only decompressing (and counting) the real bytes finds it."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CT)
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "x")
    data = bytearray(raw.getvalue())
    # Rebuild with a real bomb stream under lying sizes.
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"<c/>" * (256 * 1024)
    body = b"".join(comp.compress(block) for _ in range(real_mb)) + comp.flush()
    out = io.BytesIO()
    entries = []
    for name, payload, method, crc, size in [
        ("[Content_Types].xml", CT.encode(), 0, zlib.crc32(CT.encode()), len(CT)),
        ("xl/workbook.xml", b"<workbook/>", 0, zlib.crc32(b"<workbook/>"), 11),
        ("xl/worksheets/sheet1.xml", body, 8, 0x12345678, 1024),
    ]:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(payload), size, len(encoded), 0
            )
            + encoded
            + payload
        )
        entries.append((encoded, method, crc, len(payload), size, offset))
    cd_start = out.tell()
    for encoded, method, crc, csize, size, offset in entries:
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                csize,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    cd_size = out.tell() - cd_start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), cd_size, cd_start, 0))
    path.write_bytes(out.getvalue())
    del data


def make_ratio_bomb(path: Path, unpacked_mb: int = 120) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CT)
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(unpacked_mb):
                fh.write(b" " * (1024 * 1024))


def make_many_members(path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CT)
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(2000):
            zf.writestr(f"xl/media/m{i}.bin", b"\x00" * 200_000)


def make_zip_no_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")


def make_nested_zip(path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("data.csv", GOOD)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())


def make_ods(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")


def make_wide_xlsx(path: Path) -> None:
    _xlsx({"Data": [[f"kolom{i}" for i in range(10_000)], ["x"] * 10]})(path)


def make_many_rows_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        for i in range(2_100):
            fh.write(f"35251012038{i:05d},Orang {i},L,1985-03-12\n")


def make_odk_extra(path: Path) -> None:
    head = (
        "SubmissionDate,identitas-nik,identitas-nama_lengkap,identitas-jenis_kelamin,identitas-tanggal_lahir,"
        "lokasi-Latitude,lokasi-Longitude,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,"
        "AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion,catatan_bebas,__version__"
    )
    row = (
        "2025-07-11T08:01:00.000Z,3525101203850001,Budi Santoso,L,1985-03-12,-7.1,112.6,uuid:1,uuid:1,5,"
        "Enumerator,0,0,,,collect:abc,0,2025.1,catatan,v1"
    )
    path.write_text(head + "\n" + row + "\n", encoding="utf-8")


MAKERS: dict[str, tuple[Callable[[Path], None], str]] = {
    # --- empty and nearly empty
    "empty.csv": (_bytes(b""), "error:file_empty"),
    "whitespace.csv": (_text("  \n\n\t\n"), "error:file_empty"),
    "header_only.csv": (_text(HEADER + "\n"), "error:no_rows"),
    "header_only_no_newline.csv": (_text(HEADER), "error:no_rows"),
    "header_only_bom.csv": (_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n"), "error:no_rows"),
    "blank_rows_only.csv": (_text(HEADER + "\n,,,\n , , ,\n"), "error:no_rows"),
    "only_delimiters.csv": (_text(",,,\n,,,\n"), "error:no_rows"),
    # --- encodings
    "utf8_bom.csv": (_bytes(b"\xef\xbb\xbf" + GOOD.encode()), "ok"),
    "utf16le_bom.csv": (_bytes(b"\xff\xfe" + GOOD.encode("utf-16-le")), "ok"),
    "utf16be_bom.csv": (_bytes(b"\xfe\xff" + GOOD.encode("utf-16-be")), "ok"),
    "utf16le_no_bom.csv": (_bytes(GOOD.encode("utf-16-le")), "ok"),
    "latin1.csv": (_text(HEADER + "\n3525101203850009,José Müller,L,1985-03-12\n", "latin-1"), "ok"),
    "cp1252_quotes.csv": (
        _text(HEADER + "\n3525101203850001,Budi \u201cBos\u201d,L,1985-03-12\n", "cp1252"),
        "ok",
    ),
    "mixed_encoding.csv": (
        _bytes(GOOD.encode() + "Sérgio\n".encode("latin-1") + "Séra\n".encode()),
        "error:mixed_encoding",
    ),
    # --- delimiters and line ends
    "semicolon.csv": (_text(GOOD.replace(",", ";")), "ok"),
    "tab.csv": (_text(GOOD.replace(",", "\t")), "ok"),
    "pipe.csv": (_text(GOOD.replace(",", "|")), "ok"),
    "crlf.csv": (_text(GOOD.replace("\n", "\r\n")), "ok"),
    "cr_only.csv": (_text(GOOD.replace("\n", "\r")), "ok"),
    "trailing_delimiters.csv": (_text(GOOD.replace("\n", ",\n")), "ok"),
    "ragged_short_rows.csv": (_text(HEADER + "\n3525101203850001,Budi\n"), "ok"),
    "blank_lines_between.csv": (_text(HEADER + "\n\n" + ROWS[0] + "\n\n\n" + ROWS[1] + "\n"), "ok"),
    "quoted_newline.csv": (_text(HEADER + '\n3525101203850001,"Budi\nSantoso",L,1985-03-12\n'), "ok"),
    "unbalanced_quote.csv": (
        _text(HEADER + '\n3525101203850001,"Budi Santoso,L,1985-03-12\n' + ROWS[1] + "\n"),
        "error:csv_malformed",
    ),
    "stray_quote_mid_cell.csv": (
        _text(HEADER + '\n3525101203850001,Budi "Bos" Santoso,L,1985-03-12\n'),
        "ok",
    ),
    # --- sizes
    "columns_10k.csv": (
        _text(",".join(f"k{i}" for i in range(10_000)) + "\n" + "x\n"),
        "error:too_many_columns",
    ),
    "cell_1mb.csv": (
        _text(HEADER + "\n3525101203850001," + "A" * 1_048_576 + ",L,1985-03-12\n"),
        "error:cell_too_large",
    ),
    "many_rows.csv": (make_many_rows_csv, "error:too_many_rows"),
    "long_header_name.csv": (_text("H" * 5000 + "\nx\n"), "error:headers_unrecognised"),
    # --- not text at all
    "nul_bytes.csv": (_text(HEADER + "\n35251012\x0003850001,Budi,L,1985-03-12\n"), "error:not_text"),
    "nul_bytes_late.csv": (
        _text(HEADER + "\n" + (ROWS[0] + "\n") * 3000 + "3525\x00,x,L,\n"),
        "error:not_text",
    ),
    "binary_random.csv": (_bytes(bytes(range(256)) * 64), "error:not_text"),
    "gzip_as_csv.csv": (_bytes(gzip.compress(GOOD.encode())), "error:not_text"),
    "png_as_csv.csv": (_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "error:not_text"),
    "pdf_as_csv.csv": (
        _bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n\x00\x01\x02\nendstream"),
        "error:not_text",
    ),
    "exe_as_csv.csv": (_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120), "error:not_text"),
    "html_as_csv.csv": (
        _text("<html><body><table><tr><td>NIK</td></tr></table></body></html>\n<p>x</p>\n"),
        "error:headers_unrecognised",
    ),
    "json_as_csv.csv": (_text('[{"nik": "3525101203850001"}]\n{"x": 1}\n'), "error:headers_unrecognised"),
    # --- headers
    "duplicate_headers_case.csv": (
        _text("NIK,nik,Nama Lengkap,Jenis Kelamin\n1,2,Budi,L\n"),
        "error:duplicate_headers",
    ),
    "unknown_headers.csv": (_text("foo,bar,baz\n1,2,3\n"), "error:headers_unrecognised"),
    "missing_required.csv": (
        _text("NIK,Tanggal Lahir\n3525101203850001,1985-03-12\n"),
        "error:required_columns_missing",
    ),
    # --- hostile cell contents (read; neutralised on export)
    "formula_cells.csv": (_text(HEADER + "\n3525101203850001,=cmd|' /C calc'!A0,L,1985-03-12\n"), "ok"),
    "sql_cells.csv": (
        _text(HEADER + "\n3525101203850001,Robert'); DROP TABLE persons;--,L,1985-03-12\n"),
        "ok",
    ),
    "emoji_and_rtl.csv": (
        _text(HEADER + "\n3525101203850001,Budi \U0001f600 \u202eSantoso,L,1985-03-12\n"),
        "ok",
    ),
    # --- ODK exports
    "odk_extra_columns.csv": (make_odk_extra, "ok"),
    # --- spreadsheets
    "valid.xlsx": (_xlsx({"Data": DATA_ROWS}), "ok"),
    "xlsx_named_csv.csv": (_xlsx({"Data": DATA_ROWS}), "ok"),
    "header_only.xlsx": (_xlsx({"Data": [DATA_ROWS[0]]}), "error:no_rows"),
    "empty_sheet.xlsx": (_xlsx({"Kosong": []}), "error:file_empty"),
    "instructions_first.xlsx": (
        _xlsx({"Petunjuk": [["Isi lembar Data."], ["Satu baris per pekerja."]], "Data": DATA_ROWS}),
        "ok",
    ),
    "instructions_only.xlsx": (
        _xlsx({"Petunjuk": [["Isi lembar Data."]], "Catatan": [["Tidak ada data."]]}),
        "error:no_data_sheet",
    ),
    "data_first_of_three.xlsx": (_xlsx({"Data": DATA_ROWS, "Kode": [["a"]], "Lain": [["b"]]}), "ok"),
    "title_rows_above_header.xlsx": (_xlsx({"Data": [["SENSUS DESA LERAN 2025"], [], *DATA_ROWS]}), "ok"),
    "columns_10k.xlsx": (make_wide_xlsx, "error:too_many_columns"),
    "csv_named_xlsx.xlsx": (_text(GOOD), "error:not_xlsx"),
    "old_excel.xls": (_bytes(_ole2(["Workbook", "\x05SummaryInformation"])), "error:xls_old"),
    "old_excel_renamed.xlsx": (_bytes(_ole2(["Workbook"])), "error:xls_old"),
    "encrypted.xlsx": (_bytes(_ole2(["EncryptionInfo", "EncryptedPackage"])), "error:xlsx_encrypted"),
    "truncated.xlsx": (make_truncated, "error:zip_truncated"),
    "zip_without_workbook.xlsx": (make_zip_no_workbook, "error:not_xlsx"),
    "nested_zip.xlsx": (make_nested_zip, "error:not_xlsx"),
    "ods_renamed.xlsx": (make_ods, "error:ods_format"),
    "zip_bomb_ratio.xlsx": (make_ratio_bomb, "error:zip_bomb"),
    "zip_bomb_lying_sizes.xlsx": (make_lying_bomb, "error:zip_bomb"),
    "zip_many_members.xlsx": (make_many_members, "error:zip_bomb"),
}


def make_corpus(out: Path) -> dict[str, Path]:
    """Write every corpus file into ``out``; return name -> path."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (maker, _outcome) in MAKERS.items():
        path = out / name
        if not path.exists():
            maker(path)
        paths[name] = path
    return paths


def expected() -> dict[str, str]:
    return {name: outcome for name, (_maker, outcome) in MAKERS.items()}


if __name__ == "__main__":
    import json

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for name, p in make_corpus(folder).items():
        print(f"{name}\t{p.stat().st_size}")
    (Path(__file__).parent / "corpus_expected.json").write_text(json.dumps(expected(), indent=1) + "\n")
