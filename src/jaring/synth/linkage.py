"""Synthetic registries with ground truth for the linkage tests and benchmark (`jaring synth`'s generator)."""

from __future__ import annotations

import polars as pl


def records_from_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Spreadsheet rows (the synth/import contract) → RECORD_SCHEMA, normalised as the import does.

    ``id`` is the spreadsheet row number (header = 1), the truth file's ``row``. A NIK that cannot be
    repaired (Excel's 3.52511E+15, missing, not 16 digits) stays null, as the import would leave it.
    """
    from jaring.imports.lib import normalise as nz

    nik = nz.nik_clean(pl.col("NIK"))
    return rows.with_row_index("_i").select(
        (pl.col("_i") + 2).cast(pl.Int64).alias("id"),
        pl.when(nik.str.contains(r"^\d{16}$")).then(nik).alias("nik"),
        nz.digits_only(pl.col("No KK")).alias("kk"),
        pl.col("Nama Lengkap").str.replace_all(r"\s+", " ").str.strip_chars().alias("full_name"),
        nz.text_key(pl.col("Jenis Kelamin"))
        .replace_strict(nz.SEX_VALUES, default=None, return_dtype=pl.String)
        .alias("sex"),
        nz.parse_date(pl.col("Tanggal Lahir")).alias("birth_date"),
        pl.col("Kode Desa").str.strip_chars().alias("village_code"),
        nz.mobile_phone(pl.col("No HP")).fill_null("").alias("phone"),
    )


def synthetic_registry(
    people: int,
    area: str = "35.25",
    *,
    dup_rate: float = 0.04,
    noise: float = 0.05,
    seed: int = 1,
    full_truth: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records in RECORD_SCHEMA, truth with ``row`` = record id and ``person_id``) for ``area``'s villages.

    ``full_truth`` keeps every column of the generator's truth (village_code, is_duplicate, noise...).
    """
    from jaring.synth.areas import villages_under
    from jaring.synth.generator import SynthOptions, generate, plans_for

    # No shapes needed: linkage does not look at GPS points (and no database is touched).
    opts = SynthOptions(
        people=people, villages=plans_for(villages_under(area)), seed=seed, dup_rate=dup_rate, noise=noise
    )
    result = generate(opts)
    truth = result.truth if full_truth else result.truth.select("row", "person_id")
    return records_from_rows(result.rows), truth
