"""Hypothesis fuzzes the file reader and the normalisers: whatever the bytes, a table or a FileProblem,
never another exception; normalisers never raise and keep one value per input."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.imports.lib import normalise
from jaring.imports.lib.reader import FileProblem, RawTable, read_table

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None)
HEADER = "NIK,Nama Lengkap,Jenis Kelamin,Tanggal Lahir\n"

cell = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
csv_line = st.lists(cell, min_size=0, max_size=8).map(lambda cells: ",".join(cells))
csv_text = st.lists(csv_line, max_size=12).map(lambda lines: HEADER + "\n".join(lines))
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])


def _read(tmp: Path, data: bytes, name: str) -> None:
    path = tmp / name
    path.write_bytes(data)
    try:
        table = read_table(path, filename=name)
    except FileProblem as problem:
        assert problem.code
        return
    assert isinstance(table, RawTable) and table.frame.height >= 1


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes_as_csv_give_a_table_or_a_file_problem(tmp_path_factory, data: bytes) -> None:
    _read(tmp_path_factory.mktemp("f"), data, "x.csv")


@FUZZ
@given(text=csv_text, encoding=encodings, sep=st.sampled_from([",", ";", "\t", "|"]))
def test_csv_like_text_in_any_encoding_gives_a_table_or_a_file_problem(
    tmp_path_factory, text: str, encoding: str, sep: str
) -> None:
    try:
        data = text.replace(",", sep).encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _read(tmp_path_factory.mktemp("f"), data, "x.csv")


@FUZZ
@given(data=st.binary(min_size=4, max_size=2048), cut=st.integers(min_value=0, max_value=4000))
def test_damaged_zips_give_a_file_problem(tmp_path_factory, data: bytes, cut: int) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", data)
        zf.writestr("xl/worksheets/sheet1.xml", data[::-1])
    raw = buf.getvalue()
    mangled = raw[:cut] + data + raw[cut + len(data) :] if cut < len(raw) else raw[: len(raw) // 2]
    _read(tmp_path_factory.mktemp("f"), b"PK\x03\x04" + mangled[4:], "x.xlsx")


values = st.lists(st.one_of(st.none(), cell), min_size=1, max_size=20)


@FUZZ
@given(items=values)
def test_normalisers_never_raise_and_keep_one_value_per_input(items: list[str | None]) -> None:
    frame = pl.DataFrame({"v": items}, schema={"v": pl.String})
    col = pl.col("v")
    exprs = {
        "nik": normalise.nik_clean(col),
        "digits": normalise.digits_only(col),
        "rt": normalise.rt_rw(col),
        "date": normalise.parse_date(col, today=dt.date(2026, 1, 1)),
        "income": normalise.parse_income(col),
        "int": normalise.parse_int(col),
        "float": normalise.parse_float(col),
        "yes": normalise.parse_yes_no(col),
        "phone": normalise.mobile_phone(col),
        "lat": normalise.geopoint_part(col, 0),
        "uuid": normalise.submission_uuid(col),
        "key": normalise.text_key(col),
    }
    out = frame.select(**exprs)
    assert out.height == len(items)
    # A value that was missing stays missing (no normaliser invents data).
    for name in ("nik", "date", "int", "phone"):
        assert all(o is None for o, i in zip(out[name].to_list(), items, strict=True) if i is None), name


@FUZZ
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
def test_a_date_in_any_accepted_layout_parses_to_itself(day: dt.date) -> None:
    texts = [day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), day.strftime("%d.%m.%Y")]
    out = pl.DataFrame({"v": texts}).select(normalise.parse_date(pl.col("v"), today=dt.date(2026, 1, 1)))
    assert out.to_series().to_list() == [day] * len(texts)
