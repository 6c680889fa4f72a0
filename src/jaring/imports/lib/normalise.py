"""Vectorised normalisation of raw text cells into Person values (polars expressions, no per-row Python).

Each function takes the raw column (strings, nulls for empty cells) and returns an expression of the
clean value (null when it cannot be read); the caller reports an issue where raw is set but clean is null.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.utils import translation

from jaring.registry.models import EmploymentStatus

NIK_SCIENTIFIC = r"^\d([.,]\d+)?[eE][+]?\d+$"

SEX_VALUES = {
    "l": "L",
    "lk": "L",
    "laki": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "lakilaki": "L",
    "laki2": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "cowok": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "f": "P",
    "female": "P",
    "w": "P",
    "cewek": "P",
}

YES = ["ya", "y", "yes", "iya", "1", "true", "benar", "v", "x", "ada"]
NO = ["tidak", "t", "tdk", "no", "n", "0", "false", "bukan", "-", "tidak ada", "belum"]

BPJS_VALUES = {
    "belum": "none",
    "tidak": "none",
    "none": "none",
    "no": "none",
    "-": "none",
    "belum terdaftar": "none",
    "bukan peserta": "none",
    "tidak terdaftar": "none",
    "not a member": "none",
    "0": "none",
    "aktif": "active",
    "active": "active",
    "ya": "active",
    "peserta aktif": "active",
    "1": "active",
    "tidak aktif": "lapsed",
    "nonaktif": "lapsed",
    "non aktif": "lapsed",
    "non-aktif": "lapsed",
    "lapsed": "lapsed",
    "inactive": "lapsed",
    "mati": "lapsed",
    "2": "lapsed",
}

# Sakernas status in Indonesian (the BPS questionnaire's wording), codes 1-7 in the same order, English.
EMPLOYMENT_ID = [
    ("Berusaha sendiri", EmploymentStatus.OWN_ACCOUNT),
    ("Berusaha dibantu buruh tidak tetap/tidak dibayar", EmploymentStatus.EMPLOYER_TEMPORARY),
    ("Berusaha dibantu buruh tetap/dibayar", EmploymentStatus.EMPLOYER_PERMANENT),
    ("Buruh/karyawan/pegawai", EmploymentStatus.EMPLOYEE),
    ("Pekerja bebas di pertanian", EmploymentStatus.CASUAL_AGRICULTURE),
    ("Pekerja bebas di nonpertanian", EmploymentStatus.CASUAL_NON_AGRICULTURE),
    ("Pekerja keluarga/tak dibayar", EmploymentStatus.UNPAID_FAMILY),
]


def text_key(col: pl.Expr) -> pl.Expr:
    """Lower-case, single-spaced form used for lookups."""
    return col.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def employment_values() -> dict[str, str]:
    """Every accepted spelling of an employment status -> its choice value."""
    out: dict[str, str] = {}
    for i, (label, value) in enumerate(EMPLOYMENT_ID, start=1):
        out[" ".join(label.lower().split())] = value.value
        out[label.lower().replace(" ", "")] = value.value
        out[str(i)] = value.value
        out[value.value] = value.value
        # The choice's English label, and its translation, whatever language the caller runs in.
        for language in ("en", "id"):
            with translation.override(language):
                out[str(value.label).lower()] = value.value
    return out


def nik_clean(col: pl.Expr) -> pl.Expr:
    """A NIK with spaces, dots, dashes or a leading apostrophe repaired (digits kept as text)."""
    return col.str.strip_chars().str.strip_chars_start("'`").str.replace_all(r"[\s.\-_]", "")


def digits_only(col: pl.Expr) -> pl.Expr:
    return col.str.strip_chars().str.strip_chars_start("'`").str.replace_all(r"[\s.\-_]", "")


def rt_rw(col: pl.Expr) -> pl.Expr:
    """RT/RW as three digits ("1", "01", "RT 001" -> "001")."""
    d = col.str.replace_all(r"\D", "")
    return pl.when(d.str.len_chars() == 0).then(None).otherwise(d.str.zfill(3))


def _two_digit_year(yy: pl.Expr, today: dt.date) -> pl.Expr:
    """A birth year from two digits: the latest year not in the future (05 -> 2005, 85 -> 1985)."""
    return pl.when(yy + 2000 > today.year).then(yy + 1900).otherwise(yy + 2000)


def date_from_parts(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    """A date from integer parts; null when impossible (31 February, month 13...)."""
    text = pl.concat_str(
        [y.cast(pl.String).str.zfill(4), m.cast(pl.String).str.zfill(2), d.cast(pl.String).str.zfill(2)],
        separator="-",
    )
    return text.str.to_date("%Y-%m-%d", strict=False)


def parse_date(col: pl.Expr, today: dt.date | None = None) -> pl.Expr:
    """dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, d/m/yy, yyyy-mm-dd[ time] and Excel serial numbers -> Date."""
    today = today or dt.date.today()
    s = col.str.strip_chars()
    iso = s.str.extract_groups(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?$")
    dmy = s.str.extract_groups(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
    serial = s.str.extract(r"^(\d{2,5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    iso_date = date_from_parts(
        iso.struct.field("1").cast(pl.Int32),
        iso.struct.field("2").cast(pl.Int32),
        iso.struct.field("3").cast(pl.Int32),
    )
    y_raw = dmy.struct.field("3")
    y = y_raw.cast(pl.Int32)
    year = pl.when(y_raw.str.len_chars() == 2).then(_two_digit_year(y, today)).otherwise(y)
    dmy_date = date_from_parts(
        year, dmy.struct.field("2").cast(pl.Int32), dmy.struct.field("1").cast(pl.Int32)
    )
    # Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included); 1-60000 covers 1900-2064.
    serial_date = (
        pl.when(serial.is_between(1, 60000))
        .then(pl.lit(dt.date(1899, 12, 30)) + pl.duration(days=serial))
        .otherwise(None)
        .cast(pl.Date)
    )
    return pl.coalesce(iso_date, dmy_date, serial_date)


def date_fault(col: pl.Expr) -> pl.Expr:
    """Why a date that did not parse failed: "month_first" (12/31/1988: the day and month look swapped),
    "impossible" (the dd/mm/yyyy or yyyy-mm-dd form, but no such day: 31/02/1988), else null."""
    s = col.str.strip_chars()
    dmy = s.str.extract_groups(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
    first = dmy.struct.field("1").cast(pl.Int32, strict=False)
    second = dmy.struct.field("2").cast(pl.Int32, strict=False)
    iso = s.str.contains(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[ T].*)?$")
    return (
        pl.when(first.is_between(1, 12) & second.is_between(13, 31))
        .then(pl.lit("month_first"))
        .when(first.is_not_null() | iso)
        .then(pl.lit("impossible"))
        .otherwise(None)
    )


def parse_income(col: pl.Expr) -> pl.Expr:
    """Rupiah per month: "1500000", "Rp1.500.000", "Rp 1.500.000,00", "1,5 jt", "750 rb" -> integer."""
    s = (
        col.str.to_lowercase()
        .str.replace_all(r"\s+", "")
        .str.replace(r"^rp\.?", "")
        .str.replace(r"(/bln|/bulan|perbulan|/month)$", "")
    )
    unit = s.str.extract(r"^[\d.,]+(jt|juta|rb|ribu|k)$", 1)
    number = s.str.extract(r"^([\d.,]+)(?:jt|juta|rb|ribu|k)?$", 1)
    scaled = number.str.replace(",", ".").cast(pl.Float64, strict=False) * (
        pl.when(unit.is_in(["jt", "juta"])).then(1_000_000).otherwise(1_000)
    )
    plain = (
        number.str.replace_all(r"[.,](\d{3})", "$1")
        .str.replace_all(r"[.,](\d{3})", "$1")
        .str.replace(r"[.,]\d{1,2}$", "")
        .cast(pl.Int64, strict=False)
    )
    return pl.when(unit.is_not_null()).then(scaled.round(0).cast(pl.Int64, strict=False)).otherwise(plain)


def parse_int(col: pl.Expr) -> pl.Expr:
    return col.str.strip_chars().str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)


def parse_float(col: pl.Expr) -> pl.Expr:
    return col.str.strip_chars().str.replace(",", ".").cast(pl.Float64, strict=False)


def parse_yes_no(col: pl.Expr) -> pl.Expr:
    """True/False from Ya/Tidak (and Yes/No, 1/0...); null when unreadable."""
    k = text_key(col)
    return pl.when(k.is_in(YES)).then(True).when(k.is_in(NO)).then(False).otherwise(None)


def mobile_phone(col: pl.Expr) -> pl.Expr:
    """Indonesian mobile numbers in E.164 (+628...), vectorised; null for anything else."""
    d = col.str.replace_all(r"[^\d]", "")
    national = (
        pl.when(d.str.starts_with("62"))
        .then(d.str.slice(2))
        .when(d.str.starts_with("0"))
        .then(d.str.slice(1))
        .otherwise(d)
    )
    return pl.when(national.str.contains(r"^8\d{7,11}$")).then(pl.lit("+62") + national).otherwise(None)


def geopoint_part(col: pl.Expr, index: int) -> pl.Expr:
    """Latitude (0) or longitude (1) of an ODK geopoint cell "lat lon [altitude [accuracy]]"."""
    parts = col.str.strip_chars().str.split_exact(" ", 3)
    return parse_float(parts.struct.field(f"field_{index}"))


def submission_uuid(col: pl.Expr) -> pl.Expr:
    """An ODK/Kobo instance ID without its "uuid:" prefix, lower case ("uuid:AB-1" -> "ab-1")."""
    clean = col.str.strip_chars().str.replace(r"^(?i)uuid:", "").str.to_lowercase()
    return pl.when(clean.str.len_chars() > 0).then(clean).otherwise(None)
