"""The vectorised normalisers, value by value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from jaring.imports.lib import normalise as nz
from jaring.imports.lib.headers import header_key, map_headers
from jaring.imports.lib.reader import FileProblem, decode, sniff_delimiter

TODAY = dt.date(2026, 11, 23)


def apply(expr: Any, values: list[str | None]) -> list[Any]:
    return (
        pl.DataFrame({"v": values}, schema={"v": pl.String}).select(expr(pl.col("v"))).to_series().to_list()
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/1985", dt.date(1985, 3, 5)),
        ("5-3-1985", dt.date(1985, 3, 5)),
        ("05.03.1985", dt.date(1985, 3, 5)),
        ("1985-03-05", dt.date(1985, 3, 5)),
        ("1985-03-05 00:00:00", dt.date(1985, 3, 5)),
        ("31111", dt.date(1985, 3, 5)),  # Excel serial number
        ("05/03/85", dt.date(1985, 3, 5)),
        ("05/03/05", dt.date(2005, 3, 5)),  # two-digit year: the latest not in the future
        ("31/02/1985", None),
        ("kemarin", None),
        (None, None),
    ],
)
def test_dates_are_read_in_every_usual_form(raw: str | None, expected: dt.date | None) -> None:
    assert apply(lambda c: nz.parse_date(c, TODAY), [raw]) == [expected]


def test_sex_is_read_from_indonesian_and_english_words() -> None:
    raw = ["L", "p", "Laki-laki", "PEREMPUAN", "Pria", "wanita", "M", "F", "x"]
    got = apply(
        lambda c: nz.text_key(c).replace_strict(nz.SEX_VALUES, default=None, return_dtype=pl.String), raw
    )
    assert got == ["L", "P", "L", "P", "L", "P", "L", "P", None]


def test_niks_are_repaired_but_scientific_notation_is_recognised() -> None:
    assert (
        apply(nz.nik_clean, ["'3525100503850001", "3525 1005 0385 0001", "3525.1005.0385.0001"])
        == ["3525100503850001"] * 3
    )
    assert apply(
        lambda c: c.str.contains(nz.NIK_SCIENTIFIC), ["3.52511E+15", "3,52511E+15", "3525100503850001"]
    ) == [
        True,
        True,
        False,
    ]


def test_income_is_read_from_rupiah_notations() -> None:
    raw = ["1500000", "Rp1.500.000", "Rp 1.500.000,00", "1,5 jt", "1.5 juta", "750 rb", "1,500,000", "banyak"]
    assert apply(nz.parse_income, raw) == [
        1_500_000,
        1_500_000,
        1_500_000,
        1_500_000,
        1_500_000,
        750_000,
        1_500_000,
        None,
    ]


def test_mobile_phones_become_e164() -> None:
    raw = ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "81234567890", "12345"]
    assert apply(nz.mobile_phone, raw) == ["+6281234567890"] * 4 + [None]


def test_yes_no_and_rt_rw() -> None:
    assert apply(nz.parse_yes_no, ["Ya", "tidak", "YES", "0", "mungkin"]) == [True, False, True, False, None]
    assert apply(nz.rt_rw, ["1", "01", "RT 003", ""]) == ["001", "001", "003", None]


@pytest.mark.parametrize("language", ["id", "en"])
def test_employment_status_accepts_wording_codes_and_english(language: str) -> None:
    from django.utils import translation

    with translation.override(language):  # the same spellings whatever the page's language
        mapping = nz.employment_values()
    assert mapping["berusaha sendiri"] == "own_account"
    assert mapping["4"] == "employee"
    assert mapping["unpaid family worker"] == "unpaid_family"


def test_headers_match_ignoring_case_spaces_and_punctuation() -> None:
    assert header_key("No. HP") == header_key("no hp") == "nohp"
    hmap = map_headers(["NO.", "Nama", "L/P", "Tgl. Lahir", "No. Telp", "Pendapatan", "Hobi"])
    assert set(hmap.fields) == {"full_name", "sex", "birth_date", "phone", "monthly_income"}
    assert hmap.unknown == ["Hobi"]
    assert map_headers(["Nama", "Nama Lengkap"]).duplicates == ["Nama Lengkap"]


def test_encodings_and_delimiters_are_detected() -> None:
    assert decode("Nama;Alamat\nRené;Jl. Raya\n".encode("cp1252"))[1] == "cp1252"
    assert decode("\ufeffNama\nRené\n".encode())[1] == "utf-8-sig"
    with pytest.raises(FileProblem) as exc:
        decode("René ".encode() + "Renée".encode("cp1252"))
    assert exc.value.code == "mixed_encoding"
    assert sniff_delimiter("NIK;Nama;JK") == ";"
    assert sniff_delimiter("NIK\tNama\tJK") == "\t"
