"""The import's validation rules, vectorised over a polars frame, shared by file imports and single records.

``prepare_frame`` turns raw text cells into typed Person values (reporting unreadable values);
``check_frame`` applies the identity rules (NIK structure, NIK vs sex and birth date, region, age,
duplicates, registry, village); ``validate_records`` runs the same rules on one person from the web/API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from lokal.wilayah import wilayah_name

from jaring.geo.models import Area, AreaLevel
from jaring.imports.lib import normalise as nz
from jaring.imports.lib.headers import HeaderMap
from jaring.imports.lib.issues import IssueSink, RowIssue
from jaring.imports.lib.reader import RawTable
from jaring.registry.lib.frames import polars_schema
from jaring.registry.models import AUDITED_FIELDS, Person

# The typed frame: Person field names (plus village_code and the row number).
TYPED_SCHEMA: dict[str, Any] = {
    "_row": pl.Int64,
    "village_code": pl.String,
    **polars_schema(Person, {f: f for f in AUDITED_FIELDS}),
    # The ODK/Kobo submission UUID: stored on the person so a re-import is recognised.
    "submission_uuid": pl.String,
}
# Text fields with the model's length limits.
MAX_LENGTHS = {
    "full_name": 200,
    "birth_place": 100,
    "dusun": 100,
    "address": 300,
    "occupation_text": 200,
    "bpjs_number": 20,
    "submission_uuid": 64,
}
TEXT_FIELDS = ["full_name", "birth_place", "dusun", "address", "bpjs_number"]


@dataclass
class Lookups:
    """Database facts the rules need, fetched once per batch."""

    occupations: pl.DataFrame  # key -> occupation_id
    other_occupation_id: int | None

    @classmethod
    def load(cls) -> Lookups:
        from jaring.registry.models import OccupationCategory

        keys: list[str] = []
        ids: list[int] = []
        other = None
        for occ in OccupationCategory.objects.all():
            if occ.slug == "other":
                other = occ.pk
            for text in [occ.slug, occ.name, occ.name_en, *(occ.aliases or [])]:
                keys.append(" ".join(str(text).lower().split()))
                ids.append(occ.pk)
        frame = pl.DataFrame(
            {"_occ_key": keys, "_occ_id": ids}, schema={"_occ_key": pl.String, "_occ_id": pl.Int64}
        )
        return cls(occupations=frame.unique("_occ_key", keep="first"), other_occupation_id=other)


# --- from raw cells to typed values ----------------------------------------------------------------------


def prepare_frame(
    table: RawTable, hmap: HeaderMap, sink: IssueSink, lookups: Lookups | None = None
) -> pl.DataFrame:
    """Typed Person values from the raw text frame, with an issue for every unreadable value."""
    lookups = lookups or Lookups.load()
    df = _raw_columns(table, hmap)
    df = _typed_columns(df)
    df = _landline_phones(df)
    df = _occupation_ids(df, lookups)
    df = _value_issues(df, sink)
    return _typed_frame(df, lookups)


def raw(name: str) -> pl.Expr:
    """The file's cell for a field, as read (text)."""
    return pl.col(f"raw_{name}")


def _has(name: str) -> pl.Expr:
    return raw(name).is_not_null()


def _raw_columns(table: RawTable, hmap: HeaderMap) -> pl.DataFrame:
    """One ``raw_<field>`` text column per contract field (null where the file has no such column)."""
    cols = {f"raw_{field_name}": pl.col(f"c{index}") for field_name, index in hmap.fields.items()}
    df = table.frame.select(pl.col("_row"), *[e.alias(n) for n, e in cols.items()])
    for name in [*TYPED_SCHEMA, "geopoint"]:
        if name != "_row" and f"raw_{name}" not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=pl.String).alias(f"raw_{name}"))
    return df


def _typed_columns(df: pl.DataFrame) -> pl.DataFrame:
    """Each raw cell normalised to its typed value (null where it cannot be read)."""
    today = dt.date.today()
    emp = nz.employment_values()
    df = df.with_columns(
        nz.nik_clean(raw("nik")).alias("nik"),
        raw("nik").str.strip_chars().str.contains(nz.NIK_SCIENTIFIC).fill_null(False).alias("_nik_sci"),
        nz.digits_only(raw("kk")).alias("_kk"),
        raw("full_name").str.replace_all(r"\s+", " ").str.strip_chars().alias("full_name"),
        nz.text_key(raw("sex"))
        .replace_strict(nz.SEX_VALUES, default=None, return_dtype=pl.String)
        .alias("sex"),
        nz.parse_date(raw("birth_date"), today).alias("birth_date"),
        raw("birth_place").alias("birth_place"),
        raw("village_code").str.strip_chars().alias("village_code"),
        pl.lit(None, dtype=pl.Int64).alias("village_id"),
        raw("dusun").alias("dusun"),
        nz.rt_rw(raw("rt")).alias("rt"),
        nz.rt_rw(raw("rw")).alias("rw"),
        raw("address").alias("address"),
        nz.mobile_phone(raw("phone")).alias("phone"),
        # A split latitude/longitude column wins over the one-cell geopoint ("lat lon alt acc").
        pl.when(raw("latitude").is_not_null())
        .then(nz.parse_float(raw("latitude")))
        .otherwise(nz.geopoint_part(raw("geopoint"), 0))
        .alias("latitude"),
        pl.when(raw("longitude").is_not_null())
        .then(nz.parse_float(raw("longitude")))
        .otherwise(nz.geopoint_part(raw("geopoint"), 1))
        .alias("longitude"),
        nz.submission_uuid(raw("submission_uuid")).alias("submission_uuid"),
        raw("occupation_text").str.replace_all(r"\s+", " ").str.strip_chars().alias("occupation_text"),
        nz.text_key(raw("occupation_text")).alias("_occ_key"),
        pl.lit("", dtype=pl.String).alias("kbji_code"),
        nz.text_key(raw("employment_status"))
        .replace_strict(emp, default=None, return_dtype=pl.String)
        .alias("employment_status"),
        nz.parse_income(raw("monthly_income")).alias("monthly_income"),
        nz.parse_int(raw("dependants")).alias("dependants"),
        nz.parse_yes_no(raw("has_disability")).alias("has_disability"),
        nz.parse_yes_no(raw("is_household_head")).alias("is_household_head"),
        nz.text_key(raw("bpjs_status"))
        .replace_strict(nz.BPJS_VALUES, default=None, return_dtype=pl.String)
        .alias("bpjs_status"),
        raw("bpjs_number").str.replace_all(r"\s", "").alias("bpjs_number"),
    )
    # Village codes written without dots (3525102010) get their dots back.
    vc = pl.col("village_code").str.replace_all(r"[^\d.]", "")
    df = df.with_columns(
        pl.when(vc.str.contains(r"^\d{10}$"))
        .then(
            pl.concat_str(
                [vc.str.slice(0, 2), vc.str.slice(2, 2), vc.str.slice(4, 2), vc.str.slice(6)], separator="."
            )
        )
        .otherwise(vc)
        .alias("village_code")
    )
    return df


def _landline_phones(df: pl.DataFrame) -> pl.DataFrame:
    """Phones that are not mobile numbers (landlines) go through lokal-id, once per distinct value."""
    odd = df.filter(raw("phone").is_not_null() & pl.col("phone").is_null()).get_column("raw_phone").unique()
    if odd.len():
        from lokal import normalize_phone

        fixed = {v: normalize_phone(v) for v in odd.to_list()}
        df = df.with_columns(
            pl.coalesce(
                pl.col("phone"), raw("phone").replace_strict(fixed, default=None, return_dtype=pl.String)
            ).alias("phone")
        )
    return df


def _occupation_ids(df: pl.DataFrame, lookups: Lookups) -> pl.DataFrame:
    """The occupation category of each row's occupation text (null when unknown)."""
    # A dictionary lookup rather than a join: a join would copy the whole frame.
    occ_map = dict(
        zip(lookups.occupations["_occ_key"].to_list(), lookups.occupations["_occ_id"].to_list(), strict=True)
    )
    return df.with_columns(
        pl.col("_occ_key").replace_strict(occ_map, default=None, return_dtype=pl.Int64).alias("_occ_id")
    )


def _value_issues(df: pl.DataFrame, sink: IssueSink) -> pl.DataFrame:
    """An issue for every cell present but unreadable; bad numbers and coordinates are cleared."""
    has = _has
    sink.add(df, pl.col("_nik_sci"), "nik", "nik_scientific", raw("nik"))
    sink.add(df, has("sex") & pl.col("sex").is_null(), "sex", "sex_invalid", raw("sex"))
    bad_date, fault = has("birth_date") & pl.col("birth_date").is_null(), nz.date_fault(raw("birth_date"))
    for code, which in (("date_month_first", "month_first"), ("date_impossible", "impossible")):
        sink.add(df, bad_date & (fault == which).fill_null(False), "birth_date", code, raw("birth_date"))
    sink.add(df, bad_date & fault.is_null(), "birth_date", "date_invalid", raw("birth_date"))
    sink.add(df, has("phone") & pl.col("phone").is_null(), "phone", "phone_invalid", raw("phone"))
    sink.add(
        df,
        pl.col("_kk").is_not_null() & ~pl.col("_kk").str.contains(r"^\d{16}$"),
        "kk",
        "kk_invalid",
        raw("kk"),
    )
    for name in ("monthly_income", "dependants"):
        bad = has(name) & (pl.col(name).is_null() | (pl.col(name) < 0))
        sink.add(df, has(name) & pl.col(name).is_null(), name, "number_invalid", raw(name))
        sink.add(df, has(name) & (pl.col(name) < 0).fill_null(False), name, "number_negative", raw(name))
        df = df.with_columns(pl.when(bad).then(None).otherwise(pl.col(name)).alias(name))
    sink.add(
        df,
        has("geopoint") & ~has("latitude") & (pl.col("latitude").is_null() | pl.col("longitude").is_null()),
        "geopoint",
        "coordinate_invalid",
        raw("geopoint"),
    )
    for name, bound in (("latitude", 90.0), ("longitude", 180.0)):
        source = pl.coalesce(raw(name), raw("geopoint"))
        present = has(name) | (has("geopoint") & pl.col(name).is_not_null())
        bad = present & (pl.col(name).is_null() | (pl.col(name).abs() > bound) | pl.col(name).is_nan())
        sink.add(df, bad, name, "coordinate_invalid", source)
        df = df.with_columns(pl.when(bad).then(None).otherwise(pl.col(name)).alias(name))
    sink.add(
        df,
        has("employment_status") & pl.col("employment_status").is_null(),
        "employment_status",
        "employment_status_unknown",
        raw("employment_status"),
    )
    sink.add(
        df,
        has("bpjs_status") & pl.col("bpjs_status").is_null(),
        "bpjs_status",
        "bpjs_status_unknown",
        raw("bpjs_status"),
    )
    for name in ("has_disability", "is_household_head"):
        sink.add(df, has(name) & pl.col(name).is_null(), name, "yes_no_invalid", raw(name))
    sink.add(
        df,
        pl.col("_occ_key").is_not_null() & pl.col("_occ_id").is_null(),
        "occupation_text",
        "occupation_unknown",
        pl.col("occupation_text"),
    )
    return df


def _typed_frame(df: pl.DataFrame, lookups: Lookups) -> pl.DataFrame:
    """The typed frame in TYPED_SCHEMA order: valid KK only, unknown occupations as "other", defaults."""
    other = lookups.other_occupation_id
    df = df.with_columns(
        pl.when(pl.col("_kk").str.contains(r"^\d{16}$")).then(pl.col("_kk")).otherwise(None).alias("kk"),
        pl.when(pl.col("_occ_key").is_null())
        .then(None)
        .otherwise(pl.coalesce(pl.col("_occ_id"), pl.lit(other, dtype=pl.Int64)))
        .alias("occupation_id"),
        pl.col("has_disability").fill_null(False),
        pl.col("is_household_head").fill_null(False),
        pl.col("bpjs_status").fill_null("none"),
        pl.when(pl.col("_nik_sci")).then(None).otherwise(pl.col("nik")).alias("nik"),
    )
    return df.select(
        *[pl.col(n).cast(t) for n, t in TYPED_SCHEMA.items()],
        "_nik_sci",
        *[f"raw_{n}" for n in ("sex", "village_code")],
    )


# --- identity rules --------------------------------------------------------------------------------------


def _region_lookup(codes: list[str]) -> dict[str, bool]:
    """Whether each code ("35.25" or "35.25.10") is a known region in lokal-id (one lookup per code)."""
    return {c: wilayah_name(c) is not None for c in codes}


def _existing_niks(niks: pl.Series, exclude_person_id: int | None) -> pl.Series:
    """The NIKs of ``niks`` already in the registry (chunked IN queries, or one scan for big files)."""
    from jaring.registry.models import Person

    unique = niks.drop_nulls().unique()
    qs = Person.objects.all()
    if exclude_person_id is not None:
        qs = qs.exclude(pk=exclude_person_id)
    if unique.len() > 20_000:
        # Faster to read every registry NIK once (16 bytes each) than to send a million parameters.
        with connection.cursor() as cur:
            sql = "SELECT nik FROM registry_person"
            params: list[Any] = []
            if exclude_person_id is not None:
                sql += " WHERE id <> %s"
                params = [exclude_person_id]
            cur.execute(sql, params)
            found = pl.Series("nik", [r[0] for r in cur.fetchall()], dtype=pl.String)
        return found.filter(found.is_in(unique.implode()))
    out: list[str] = []
    values = unique.to_list()
    for i in range(0, len(values), 900):
        out.extend(qs.filter(nik__in=values[i : i + 900]).values_list("nik", flat=True))
    return pl.Series("nik", out, dtype=pl.String)


def check_frame(
    df: pl.DataFrame,
    area: Area,
    sink: IssueSink,
    *,
    exclude_person_id: int | None = None,
    today: dt.date | None = None,
    reimport: bool = False,
) -> pl.DataFrame:
    """Apply the identity rules to a typed frame; returns it with ``village_id`` resolved.

    With ``reimport`` (a file), rows already in the registry unchanged are skipped with a notice."""
    today = today or dt.date.today()
    if "_nik_sci" not in df.columns:
        df = df.with_columns(pl.lit(False).alias("_nik_sci"))
    if "raw_sex" not in df.columns:
        df = df.with_columns(pl.col("sex").alias("raw_sex"))
    _check_required(df, sink)
    df = _check_nik(df, sink, today)
    df = _check_nik_region(df, sink)
    # Village: from the file's village code inside ``area``, or ``area`` itself for a village-level import.
    df = _resolve_villages(df, area, sink)
    _check_home_and_age(df, sink, today)
    return _check_repeats(df, sink, exclude_person_id, reimport=reimport)


def _check_required(df: pl.DataFrame, sink: IssueSink) -> None:
    """NIK, name and sex are required; no text longer than its database column."""
    sink.add(df, pl.col("nik").is_null() & ~pl.col("_nik_sci"), "nik", "required_missing")
    sink.add(df, pl.col("full_name").is_null() | (pl.col("full_name") == ""), "full_name", "required_missing")
    sink.add(df, pl.col("raw_sex").is_null(), "sex", "required_missing")
    for name, limit in MAX_LENGTHS.items():
        length = pl.col(name).str.len_chars()
        sink.add(df, length > limit, name, "value_too_long", pl.lit(""), length=length, limit=limit)


def _check_nik(df: pl.DataFrame, sink: IssueSink, today: dt.date) -> pl.DataFrame:
    """The NIK's structure: 16 digits whose birth date and sex agree with the row's (``_nik_*`` columns)."""
    nik = pl.col("nik")
    nik_ok = nik.str.contains(r"^\d{16}$").fill_null(False)
    digits = nik.str.contains(r"^\d*$").fill_null(True)
    sink.add(df, nik.is_not_null() & ~nik_ok & digits, "nik", "nik_length", nik, length=nik.str.len_chars())
    sink.add(df, nik.is_not_null() & ~digits & ~pl.col("_nik_sci"), "nik", "nik_not_digits", nik)
    day_raw = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    month = nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    yy = nik.str.slice(10, 2).cast(pl.Int32, strict=False)
    nik_female = day_raw > 40
    nik_day = pl.when(nik_female).then(day_raw - 40).otherwise(day_raw)
    nik_year = pl.when(yy + 2000 > today.year).then(yy + 1900).otherwise(yy + 2000)
    df = df.with_columns(
        nik_ok.alias("_nik_ok"),
        pl.when(nik_ok).then(nz.date_from_parts(nik_year, month, nik_day)).otherwise(None).alias("_nik_date"),
        pl.when(nik_ok).then(pl.when(nik_female).then(pl.lit("P")).otherwise(pl.lit("L"))).alias("_nik_sex"),
        pl.when(nik_ok)
        .then(pl.concat_str([nik.str.slice(0, 2), nik.str.slice(2, 2)], separator="."))
        .alias("_nik_reg"),
        pl.when(nik_ok)
        .then(pl.concat_str([nik.str.slice(0, 2), nik.str.slice(2, 2), nik.str.slice(4, 2)], separator="."))
        .alias("_nik_dist"),
    )
    ok = pl.col("_nik_ok")
    sink.add(df, ok & pl.col("_nik_date").is_null(), "nik", "nik_birth_date", nik)
    sink.add(
        df,
        ok & pl.col("sex").is_not_null() & (pl.col("sex") != pl.col("_nik_sex")),
        "sex",
        "nik_sex_mismatch",
        pl.col("raw_sex"),
        nik_sex=pl.col("_nik_sex"),
    )
    bd = pl.col("birth_date")
    nd = pl.col("_nik_date")
    # The NIK holds only two year digits: compare day, month and the year modulo 100.
    mismatch = (
        ok
        & bd.is_not_null()
        & nd.is_not_null()
        & (
            (bd.dt.day() != nd.dt.day())
            | (bd.dt.month() != nd.dt.month())
            | (bd.dt.year() % 100 != nd.dt.year() % 100)
        )
    )
    sink.add(
        df,
        mismatch,
        "birth_date",
        "nik_birth_date_mismatch",
        bd.dt.strftime("%d/%m/%Y"),
        nik_date=nd.dt.strftime("%d/%m/%y"),  # the NIK holds two year digits only: no guessed century
    )
    return df


def _check_nik_region(df: pl.DataFrame, sink: IssueSink) -> pl.DataFrame:
    """Province+regency of the NIK must exist (error); an unknown district is only a warning."""
    ok = pl.col("_nik_ok")
    # NIKs issued before a regency split keep their old district codes: hence only a warning.
    regs = df.get_column("_nik_reg").drop_nulls().unique().to_list()
    dists = df.get_column("_nik_dist").drop_nulls().unique().to_list()
    reg_known = _region_lookup(regs)
    dist_known = _region_lookup(dists)
    df = df.with_columns(
        pl.col("_nik_reg").replace_strict(reg_known, default=None, return_dtype=pl.Boolean).alias("_reg_ok"),
        pl.col("_nik_dist")
        .replace_strict(dist_known, default=None, return_dtype=pl.Boolean)
        .alias("_dist_ok"),
    )
    sink.add(df, ok & ~pl.col("_reg_ok"), "nik", "nik_region_unknown", pl.col("_nik_reg"))
    sink.add(
        df, ok & pl.col("_reg_ok") & ~pl.col("_dist_ok"), "nik", "nik_district_unknown", pl.col("_nik_dist")
    )
    return df


def _check_home_and_age(df: pl.DataFrame, sink: IssueSink, today: dt.date) -> None:
    """A NIK from outside the village's regency (a warning) and an age outside the working-age limits."""
    ok = pl.col("_nik_ok")
    home_regency = pl.col("village_code").str.slice(0, 5)
    sink.add(
        df,
        ok & pl.col("_reg_ok") & pl.col("village_code").is_not_null() & (pl.col("_nik_reg") != home_regency),
        "nik",
        "nik_outside_regency",
        pl.col("_nik_reg"),
        regency=home_regency,
    )

    bd = pl.col("birth_date")
    nd = pl.col("_nik_date")
    # Age on today's date from the birth date (or the NIK's when there is none).
    born = pl.coalesce(bd, nd)
    age = (
        pl.lit(today.year)
        - born.dt.year()
        - (
            (born.dt.month() > today.month) | ((born.dt.month() == today.month) & (born.dt.day() > today.day))
        ).cast(pl.Int32)
    )
    lo, hi = settings.JARING_MIN_WORKING_AGE, settings.JARING_MAX_WORKING_AGE
    future = bd.is_not_null() & (bd > pl.lit(today))
    sink.add(df, future, "birth_date", "birth_date_future", bd.dt.strftime("%d/%m/%Y"))
    sink.add(
        df,
        born.is_not_null() & ~future.fill_null(False) & ((age < lo) | (age > hi)),
        "birth_date",
        "age_outside_limits",
        age,
        min=lo,
        max=hi,
    )


def _check_repeats(
    df: pl.DataFrame, sink: IssueSink, exclude_person_id: int | None, *, reimport: bool = False
) -> pl.DataFrame:
    """Repeats: a NIK twice in the file, a form submission imported before, a NIK already registered."""
    nik = pl.col("nik")
    ok = pl.col("_nik_ok")
    # Duplicates inside the file: the first row wins, later rows point at it.
    df = df.with_columns(pl.col("_row").min().over("nik").alias("_first_row"))
    sink.add(
        df,
        nik.is_not_null() & (pl.col("_row") != pl.col("_first_row")),
        "nik",
        "nik_duplicate_in_file",
        nik,
        first_row=pl.col("_first_row"),
    )
    # A form submission imported before (same instance UUID): a warning, and the row is left out, so that
    # re-importing a fuller export of the same form adds only the new submissions.
    df = df.with_columns(pl.lit(False).alias("_skip"))
    if "submission_uuid" in df.columns and df.get_column("submission_uuid").null_count() < df.height:
        seen = existing_submissions(df.get_column("submission_uuid"))
        if seen.len():
            again = pl.col("submission_uuid").is_in(seen.implode())
            sink.add(df, again, "submission_uuid", "submission_exists", pl.col("submission_uuid"))
            df = df.with_columns(again.fill_null(False).alias("_skip"))
    # Already in the registry: reported, never merged or overwritten.
    existing = _existing_niks(df.filter(ok & ~pl.col("_skip")).get_column("nik"), exclude_person_id)
    if existing.len() and reimport:
        from jaring.imports.reimport import report_registered

        return report_registered(df, existing, sink)
    if existing.len():
        sink.add(df, nik.is_in(existing.implode()) & ~pl.col("_skip"), "nik", "nik_exists", nik)
    return df


def existing_submissions(uuids: pl.Series) -> pl.Series:
    """The submission UUIDs of ``uuids`` already stored on persons (chunked IN queries)."""
    from jaring.registry.models import Person

    values = uuids.drop_nulls().unique().to_list()
    out: list[str | None] = []
    for i in range(0, len(values), 900):
        out.extend(
            Person.objects.filter(submission_uuid__in=values[i : i + 900]).values_list(
                "submission_uuid", flat=True
            )
        )
    return pl.Series("submission_uuid", out, dtype=pl.String)


def _resolve_villages(df: pl.DataFrame, area: Area, sink: IssueSink) -> pl.DataFrame:
    codes = df.get_column("village_code").drop_nulls().unique().to_list()
    known = dict(Area.objects.filter(code__in=codes, level=AreaLevel.VILLAGE).values_list("code", "id"))
    df = df.with_columns(
        pl.col("village_code").replace_strict(known, default=None, return_dtype=pl.Int64).alias("_vid"),
    )
    is_village = area.level == AreaLevel.VILLAGE
    code = pl.col("village_code")
    inside = (code == area.code) | code.str.starts_with(area.code + ".")
    sink.add(df, code.is_not_null() & pl.col("_vid").is_null(), "village_code", "village_unknown", code)
    sink.add(
        df,
        code.is_not_null() & pl.col("_vid").is_not_null() & ~inside,
        "village_code",
        "village_outside_area",
        code,
        area=area.code,
    )
    if not is_village:
        sink.add(df, code.is_null() & pl.col("village_id").is_null(), "village_code", "required_missing")
    fallback_id = area.pk if is_village else None
    fallback_code = area.code if is_village else None
    return df.with_columns(
        pl.coalesce(
            pl.col("village_id"),
            pl.when(inside).then(pl.col("_vid")),
            pl.when(code.is_null()).then(pl.lit(fallback_id, dtype=pl.Int64)),
        ).alias("village_id"),
        pl.when(code.is_null())
        .then(pl.lit(fallback_code, dtype=pl.String))
        .otherwise(code)
        .alias("village_code"),
    )


def error_rows(issues: pl.DataFrame) -> pl.Series:
    """Row numbers with at least one error."""
    return issues.filter(pl.col("severity") == "error").get_column("row").unique()


def validate_records(
    records: list[dict[str, Any]], village: Area, *, exclude_person_id: int | None = None
) -> list[RowIssue]:
    """The file import's rules for persons entered one by one (web/API); keys are Person field names.

    Row numbers are 1-based positions in ``records``. ``village`` is the person's village (or the area in
    which each record's ``village_code`` must lie).
    """
    rows: list[dict[str, Any]] = []
    for i, rec in enumerate(records, start=1):
        row: dict[str, Any] = {"_row": i}
        for name in TYPED_SCHEMA:
            if name == "_row":
                continue
            value = rec.get(name)
            if value == "" and TYPED_SCHEMA[name] != pl.String:
                value = None
            if isinstance(value, str) and value == "":
                value = None
            row[name] = value
        if (
            row.get("village_id") is None
            and row.get("village_code") is None
            and village.level == AreaLevel.VILLAGE
        ):
            row["village_id"], row["village_code"] = village.pk, village.code
        born = row.get("birth_date")
        if isinstance(born, dt.datetime):
            row["birth_date"] = born.date()
        elif isinstance(born, str):
            try:
                row["birth_date"] = dt.date.fromisoformat(born)
            except ValueError:
                row["birth_date"] = None
        for key, kind in (
            ("latitude", float),
            ("longitude", float),
            ("monthly_income", int),
            ("dependants", int),
        ):
            if row.get(key) is not None and not isinstance(row[key], kind):
                try:
                    row[key] = kind(row[key])
                except (TypeError, ValueError):
                    row[key] = None
        for key in ("nik", "kk", "village_code", "sex", "full_name", "employment_status", "bpjs_status"):
            if row.get(key) is not None:
                row[key] = str(row[key])
        if row.get("sex"):
            row["sex"] = row["sex"].upper()
        rows.append(row)
    df = pl.DataFrame(rows, schema=TYPED_SCHEMA)
    sink = IssueSink()
    check_frame(df, village, sink, exclude_person_id=exclude_person_id)
    return sink.rows()
