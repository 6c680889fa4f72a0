"""Quality indicators over a frame of persons and a frame of refused rows (polars, vectorised).

Every indicator is a share between 0 and 1, or null when there is nothing to measure (no GPS points,
no shapes, no incomes...). The formulas are documented in docs/review.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
import shapely

# Fields whose completeness is measured (person frame column -> indicator suffix).
COMPLETENESS_FIELDS = [
    "birth_date",
    "address",
    "phone",
    "gps",
    "occupation",
    "employment_status",
    "monthly_income",
    "dependants",
]
# The fields a BPJS collective registration needs (DOMAIN.md §2): the completeness threshold checks these.
CHECKED_FIELDS = ["birth_date", "address", "phone", "occupation", "monthly_income"]
OTHER_OCCUPATIONS = ["other"]
# Iglewicz–Hoaglin modified z-score: 0.6745 (x − median) / MAD.
DEFAULT_Z_LIMIT = 3.5

PERSON_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "batch_id": pl.Int64,
    "village_id": pl.Int64,
    "nik": pl.String,
    "sex": pl.String,
    "birth_date": pl.Date,
    "address": pl.String,
    "phone": pl.String,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
    "occupation": pl.String,
    "employment_status": pl.String,
    "monthly_income": pl.Int64,
    "dependants": pl.Int64,
}
REFUSED_SCHEMA: dict[str, Any] = {
    "batch_id": pl.Int64,
    "row": pl.Int64,
    "village_id": pl.Int64,
    "nik_invalid": pl.Boolean,
    "duplicate": pl.Boolean,
}


def _share(condition: pl.Expr, among: pl.Expr | None = None) -> pl.Expr:
    """Share of rows where ``condition`` holds among the rows where ``among`` holds (null if none)."""
    if among is None:
        return condition.cast(pl.Float64).mean()
    n = among.sum()
    return pl.when(n > 0).then((condition & among).sum() / n).otherwise(None)


def _filled(name: str) -> pl.Expr:
    col = pl.col(name)
    if name == "gps":
        return pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null()
    if PERSON_SCHEMA.get(name) == pl.String:
        return col.is_not_null() & (col.str.strip_chars() != "")
    return col.is_not_null()


def _nik_parts(today: dt.date) -> list[pl.Expr]:
    nik = pl.col("nik")
    ok = nik.str.contains(r"^\d{16}$").fill_null(False)
    day_raw = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    month = nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    yy = nik.str.slice(10, 2).cast(pl.Int32, strict=False)
    female = day_raw > 40
    day = pl.when(female).then(day_raw - 40).otherwise(day_raw)
    date_ok = day.is_between(1, 31) & month.is_between(1, 12)
    valid = ok & date_ok & (nik.str.slice(0, 2) != "00") & (nik.str.slice(12, 4) != "0000")
    return [
        valid.fill_null(False).alias("_nik_valid"),
        pl.when(female).then(pl.lit("P")).otherwise(pl.lit("L")).alias("_nik_sex"),
        day.alias("_nik_day"),
        month.alias("_nik_month"),
        yy.alias("_nik_yy"),
    ]


def _age(today: dt.date) -> pl.Expr:
    born = pl.col("birth_date")
    later_in_year = (born.dt.month() > today.month) | (
        (born.dt.month() == today.month) & (born.dt.day() > today.day)
    )
    return pl.lit(today.year) - born.dt.year().cast(pl.Int32) - later_in_year.cast(pl.Int32)


def gps_inside(persons: pl.DataFrame, boundaries: dict[int, Any]) -> pl.Series:
    """Per person: True/False when a point and the village shape exist, else null (one call per village)."""
    out = np.full(persons.height, None, dtype=object)
    if persons.height == 0 or not boundaries:
        return pl.Series("_inside", out.tolist(), dtype=pl.Boolean)
    has_point = (persons["latitude"].is_not_null() & persons["longitude"].is_not_null()).to_numpy()
    villages = persons["village_id"].fill_null(-1).to_numpy()
    lon = persons["longitude"].fill_null(0.0).to_numpy()
    lat = persons["latitude"].fill_null(0.0).to_numpy()
    # Sort the points by village once, then test each village's slice against its shape in one call.
    idx = np.flatnonzero(has_point & (villages >= 0))
    if idx.size == 0:
        # No point to test (a batch without GPS columns): every answer is "not measured".
        return pl.Series("_inside", out.tolist(), dtype=pl.Boolean)
    idx = idx[np.argsort(villages[idx], kind="stable")]
    vids, starts = np.unique(villages[idx], return_index=True)
    ends = np.append(starts[1:], len(idx))
    for vid, start, end in zip(vids.tolist(), starts.tolist(), ends.tolist(), strict=True):
        geom = boundaries.get(int(vid))
        if geom is not None:
            part = idx[start:end]
            out[part] = shapely.contains_xy(geom, lon[part], lat[part])
    return pl.Series("_inside", out.tolist(), dtype=pl.Boolean)


def compute(
    persons: pl.DataFrame,
    refused: pl.DataFrame,
    *,
    group: str | None,
    boundaries: dict[int, Any] | None = None,
    duplicate_ids: set[int] | None = None,
    today: dt.date | None = None,
    min_age: int = 15,
    max_age: int = 65,
    z_limit: float = DEFAULT_Z_LIMIT,
) -> pl.DataFrame:
    """One row of indicators per ``group`` value (``None``: a single row for everything)."""
    today = today or dt.date.today()
    key = group or "_all"
    persons = persons.with_columns(pl.lit(1).alias("_all")) if group is None else persons
    refused = refused.with_columns(pl.lit(1).alias("_all")) if group is None else refused
    dup_ids = sorted(duplicate_ids or ())
    p = persons.with_columns(
        *_nik_parts(today),
        _age(today).alias("_age"),
        gps_inside(persons, boundaries or {}),
        pl.col("id").is_in(dup_ids).alias("_dup_pair") if dup_ids else pl.lit(False).alias("_dup_pair"),
    )
    income = pl.col("monthly_income").cast(pl.Float64)
    med = income.median().over(key)
    mad = (income - med).abs().median().over(key)
    robust_z = pl.when(mad > 0).then(0.6745 * (income - med) / mad).otherwise(0.0)
    p = p.with_columns(
        ((income <= 0) | (robust_z.abs() > z_limit)).alias("_income_outlier"),
    )
    bd = pl.col("birth_date")
    consistent_date = (
        (bd.dt.day().cast(pl.Int32) == pl.col("_nik_day"))
        & (bd.dt.month().cast(pl.Int32) == pl.col("_nik_month"))
        & ((bd.dt.year().cast(pl.Int32) % 100) == pl.col("_nik_yy"))
    )
    valid = pl.col("_nik_valid")
    aggs = [
        pl.len().alias("persons"),
        *[_filled(f).mean().alias(f"completeness_{f}") for f in COMPLETENESS_FIELDS],
        valid.sum().alias("_nik_valid_n"),
        _share(pl.col("sex") == pl.col("_nik_sex"), valid & pl.col("sex").is_not_null()).alias(
            "nik_sex_consistency"
        ),
        _share(consistent_date, valid & bd.is_not_null()).alias("nik_birth_date_consistency"),
        pl.col("_dup_pair").sum().alias("_dup_pairs"),
        pl.col("_inside").is_not_null().sum().alias("gps_points_checked"),
        _share(pl.col("_inside").fill_null(False), pl.col("_inside").is_not_null()).alias("gps_inside_share"),
        _share((pl.col("_age") < min_age) | (pl.col("_age") > max_age), pl.col("_age").is_not_null()).alias(
            "age_outlier_share"
        ),
        _share(pl.col("_income_outlier"), pl.col("monthly_income").is_not_null()).alias(
            "income_outlier_share"
        ),
        _share(pl.col("occupation").is_null() | pl.col("occupation").is_in(OTHER_OCCUPATIONS)).alias(
            "other_occupation_share"
        ),
    ]
    by_group = p.group_by(key).agg(aggs)
    ref = refused.group_by(key).agg(
        pl.len().alias("refused_rows"),
        pl.col("nik_invalid").sum().alias("_refused_nik"),
        pl.col("duplicate").sum().alias("_refused_dup"),
    )
    key_type = persons.schema.get(key) or refused.schema.get(key) or pl.Int64
    keys = pl.concat(
        [by_group.select(pl.col(key).cast(key_type)), ref.select(pl.col(key).cast(key_type))]
    ).unique()
    out = (
        keys.join(by_group.with_columns(pl.col(key).cast(key_type)), on=key, how="left")
        .join(ref.with_columns(pl.col(key).cast(key_type)), on=key, how="left")
        .with_columns(
            pl.col("persons", "refused_rows", "_refused_nik", "_refused_dup", "_nik_valid_n", "_dup_pairs")
            .fill_null(0)
            .cast(pl.Int64)
        )
    )
    rows = pl.col("persons") + pl.col("refused_rows")
    nik_base = pl.col("persons") + pl.col("_refused_nik")
    out = out.with_columns(
        pl.when(nik_base > 0).then(pl.col("_nik_valid_n") / nik_base).otherwise(None).alias("nik_valid_rate"),
        pl.when(rows > 0)
        .then((pl.col("_refused_dup") + pl.col("_dup_pairs")) / rows)
        .otherwise(None)
        .alias("duplicate_rate"),
        (pl.col("_refused_dup") + pl.col("_dup_pairs")).alias("duplicates"),
    )
    out = out.drop([c for c in out.columns if c.startswith("_") and c != key])
    if group is None:
        out = out.drop("_all")
        if out.height == 0:
            # Nothing at all: one row of zero counts and unmeasured (null) indicators.
            out = pl.DataFrame(
                [pl.Series(c, [0 if t.is_integer() else None], dtype=t) for c, t in out.schema.items()]
            )
        return out
    return out.sort(key)
