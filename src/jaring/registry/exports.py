"""CSV and XLSX exports of the (scoped, filtered) registry, safe against formula injection."""

from __future__ import annotations

import io

import polars as pl
from django.db.models import QuerySet

from jaring.core.lib.spreadsheet import neutralise_frame
from jaring.registry.lib.frames import polars_schema
from jaring.registry.models import Person

# (column header, queryset field)
EXPORT_COLUMNS = [
    ("is_synthetic", "is_synthetic"),
    ("data_note", None),
    ("nik", "nik"),
    ("kk", "kk"),
    ("full_name", "full_name"),
    ("sex", "sex"),
    ("birth_date", "birth_date"),
    ("birth_place", "birth_place"),
    ("village_code", "village__code"),
    ("village_name", "village__name"),
    ("dusun", "dusun"),
    ("rt", "rt"),
    ("rw", "rw"),
    ("address", "address"),
    ("phone", "phone"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("occupation", "occupation__slug"),
    ("occupation_text", "occupation_text"),
    ("kbji_code", "kbji_code"),
    ("employment_status", "employment_status"),
    ("monthly_income", "monthly_income"),
    ("dependants", "dependants"),
    ("has_disability", "has_disability"),
    ("is_household_head", "is_household_head"),
    ("bpjs_status", "bpjs_status"),
    ("bpjs_number", "bpjs_number"),
    ("batch_id", "batch_id"),
    ("version", "version"),
]
SYNTHETIC_NOTE = "SINTETIS / synthetic: not a real person"


def export_frame(qs: QuerySet[Person]) -> pl.DataFrame:
    """The persons of a queryset as a polars frame, text cells neutralised for spreadsheets."""
    fields = [f for _, f in EXPORT_COLUMNS if f is not None]
    rows = list(qs.order_by("village__code", "name_search", "id").values_list(*fields))
    schema = polars_schema(Person, {name: f for name, f in EXPORT_COLUMNS if f is not None})
    df = pl.DataFrame(rows, schema=schema, orient="row")
    df = df.with_columns(
        pl.when(pl.col("is_synthetic")).then(pl.lit(SYNTHETIC_NOTE)).otherwise(pl.lit("")).alias("data_note")
    ).select([name for name, _ in EXPORT_COLUMNS])
    return neutralise_frame(df)


def to_csv(df: pl.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM so Excel opens it with the right encoding."""
    return b"\xef\xbb\xbf" + df.write_csv().encode()


def to_xlsx(df: pl.DataFrame) -> bytes:
    """An XLSX workbook (xlsxwriter through polars); NIK/KK stay text, never numbers."""
    buf = io.BytesIO()
    df.write_excel(buf, worksheet="persons", autofit=False)
    return buf.getvalue()
