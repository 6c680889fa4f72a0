"""Rendering the true persons as a village office's spreadsheet rows: duplicates, noise, and the truth."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import numpy as np
import polars as pl

from jaring.synth import mixes


class RenderOptions(Protocol):
    """What rendering reads of the generator's options (SynthOptions has both)."""

    dup_rate: float
    noise: float


# The kinds of mess `--noise` adds, with their relative weight (x noise rate = probability per row).
NOISE_KINDS: dict[str, float] = {
    "name_typo": 1.0,  # a letter dropped, doubled or swapped
    "old_spelling": 0.6,  # oe for u, dj for j, tj for c (Soekarno-era spelling)
    "title": 0.5,  # H. / Hj. before the name
    "nik_format": 0.5,  # spaces, dots or a leading apostrophe in the NIK (repairable)
    "nik_excel": 0.15,  # NIK turned into 3.52511E+15 by Excel (not repairable: an error)
    "nik_missing": 0.05,  # NIK cell empty (an error)
    "name_missing": 0.05,  # name cell empty (an error)
    "date_swap": 0.3,  # day and month swapped (the NIK then disagrees: an error)
    "date_format": 1.0,  # dd-mm-yyyy, yyyy-mm-dd, d/m/yyyy or an Excel serial number
    "missing_cell": 0.6,  # an optional cell left empty
    "phone_format": 1.0,  # +62 812-…, 62812…, 0812 3456 7890
    "income_format": 0.5,  # Rp1.500.000 or 1,5 jt
    "status_code": 0.3,  # employment status as its BPS code 1–7
    "sex_word": 0.3,  # Laki-laki / Perempuan instead of L / P
}

REFERENCE_DATE = dt.date(2025, 7, 1)
RENDER_CHUNK = 200_000
MAX_NOISE = 1.0


def _typo(col: pl.Expr, pos: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """Drop (0), double (1) or swap (2) the letter at ``pos``."""
    head = col.str.slice(0, pos)
    here = col.str.slice(pos, 1)
    nxt = col.str.slice(pos + 1, 1)
    return (
        pl.when(kind == 0)
        .then(head + col.str.slice(pos + 1))
        .when(kind == 1)
        .then(head + here + col.str.slice(pos))
        .otherwise(head + nxt + here + col.str.slice(pos + 2))
    )


def render_rows(
    population: pl.DataFrame, opts: RenderOptions, rng: np.random.Generator
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Spreadsheet rows (contract columns, text) with duplicates and noise, and the truth per row."""
    rows = _noise_flags(_with_duplicates(population, opts, rng), opts, rng)
    date_out, swappable = _birth_date_out()
    return _render(rows, _out_columns(date_out), _truth_columns(swappable))


def _with_duplicates(population: pl.DataFrame, opts: RenderOptions, rng: np.random.Generator) -> pl.DataFrame:
    """The persons plus their second listings (some in another village), in listing order."""
    population = population.drop("region", "outside", "household", "village_name", "occupation_slug")
    n = population.height
    n_dup = round(n * min(max(opts.dup_rate, 0.0), 1.0))
    base = population.with_columns(
        pl.lit(False).alias("is_duplicate"),
        pl.int_range(0, n, dtype=pl.Int64).cast(pl.Float64).alias("order"),
    )
    if n_dup:
        pick = rng.choice(n, size=n_dup, replace=n_dup > n)
        dups = population[pick.tolist()].with_columns(
            pl.lit(True).alias("is_duplicate"), pl.Series("order", rng.uniform(0, n, n_dup))
        )
        # About a third of the duplicates are listed in another village of the file (moved, or listed twice).
        village_codes = population["village_code"].unique().sort().to_list()
        if len(village_codes) > 1:
            move = rng.random(n_dup) < 0.33
            new_village = np.array(village_codes)[rng.integers(0, len(village_codes), n_dup)]
            dups = dups.with_columns(
                pl.when(pl.Series(move))
                .then(pl.Series(new_village))
                .otherwise(pl.col("village_code"))
                .alias("village_code")
            )
        rows = pl.concat([base, dups.select(base.columns)])
    else:
        rows = base
    return rows.sort("order")


def _noise_flags(rows: pl.DataFrame, opts: RenderOptions, rng: np.random.Generator) -> pl.DataFrame:
    """Which noise each row gets (flags ``n_<kind>``) and the random draws its noise expressions read."""
    m = rows.height
    noise = min(max(opts.noise, 0.0), MAX_NOISE)
    flags = {kind: rng.random(m) < noise * weight for kind, weight in NOISE_KINDS.items()}
    is_dup = rows["is_duplicate"].to_numpy()
    # A duplicate is often spelled a little differently from the first listing.
    flags["name_typo"] |= is_dup & (rng.random(m) < 0.3)
    return rows.with_columns(
        *[pl.Series(f"n_{k}", v) for k, v in flags.items()],
        pl.Series("r_pos", rng.random(m)),
        pl.Series("r_kind", rng.integers(0, 3, m)),
        pl.Series("r_alt", rng.integers(0, 4, m)),
        pl.Series("r_col", rng.integers(0, 5, m)),
    )


def _name_out() -> pl.Expr:
    """The name as listed: old spelling, a typo, a Haji title, or missing."""
    name_len = pl.col("full_name").str.len_chars()
    pos = (pl.col("r_pos") * (name_len - 2).clip(1)).floor().cast(pl.Int64) + 1
    old = (
        pl.col("full_name")
        .str.replace_all("u", "oe")
        .str.replace_all("j", "dj")
        .str.replace_all("c", "tj")
        .str.replace_all("y", "j")
    )
    name = pl.when(pl.col("n_old_spelling")).then(old).otherwise(pl.col("full_name"))
    name = (
        pl.when(pl.col("n_name_typo") & (name_len > 4))
        .then(_typo(name, pos, pl.col("r_kind")))
        .otherwise(name)
    )
    age = REFERENCE_DATE.year - pl.col("birth_date").dt.year()
    title = pl.when(pl.col("sex") == "P").then(pl.lit("Hj. ")).otherwise(pl.lit("H. "))
    name = pl.when(pl.col("n_title") & (age >= 40)).then(title + name).otherwise(name)
    name = pl.when(pl.col("n_name_missing")).then(pl.lit(None, pl.String)).otherwise(name)
    return name


def _nik_out() -> pl.Expr:
    """The NIK as listed: spaced or dotted, mangled by Excel into 3.5251E+15, or missing."""
    nik = pl.col("nik")
    nik_alt = (
        pl.when(pl.col("r_kind") == 0)
        .then(
            pl.concat_str(
                [nik.str.slice(0, 4), nik.str.slice(4, 4), nik.str.slice(8, 4), nik.str.slice(12, 4)],
                separator=" ",
            )
        )
        .when(pl.col("r_kind") == 1)
        .then(
            pl.concat_str(
                [nik.str.slice(0, 2), nik.str.slice(2, 2), nik.str.slice(4, 2), nik.str.slice(6)],
                separator=".",
            )
        )
        .otherwise(pl.lit("'") + nik)
    )
    nik_out = pl.when(pl.col("n_nik_format")).then(nik_alt).otherwise(nik)
    nik_out = (
        pl.when(pl.col("n_nik_excel"))
        .then(pl.concat_str([nik.str.slice(0, 1), pl.lit("."), nik.str.slice(1, 5), pl.lit("E+15")]))
        .otherwise(nik_out)
    )
    nik_out = pl.when(pl.col("n_nik_missing")).then(pl.lit(None, pl.String)).otherwise(nik_out)
    return nik_out


def _birth_date_out() -> tuple[pl.Expr, pl.Expr]:
    """The birth date as listed (formats, an Excel serial, day and month swapped); whether a swap shows."""
    bd = pl.col("birth_date")
    excel_serial = (bd - pl.lit(dt.date(1899, 12, 30))).dt.total_days().cast(pl.String)
    date_alt = (
        pl.when(pl.col("r_alt") == 0)
        .then(bd.dt.strftime("%d-%m-%Y"))
        .when(pl.col("r_alt") == 1)
        .then(bd.dt.strftime("%Y-%m-%d"))
        .when(pl.col("r_alt") == 2)
        .then(bd.dt.strftime("%-d/%-m/%Y"))
        .otherwise(excel_serial)
    )
    date_out = pl.when(pl.col("n_date_format")).then(date_alt).otherwise(bd.dt.strftime("%d/%m/%Y"))
    swappable = (bd.dt.day() <= 12) & (bd.dt.day() != bd.dt.month())
    date_out = pl.when(pl.col("n_date_swap") & swappable).then(bd.dt.strftime("%m/%d/%Y")).otherwise(date_out)
    return date_out, swappable


def _phone_out() -> pl.Expr:
    """The phone number as listed: +62 with dashes, 62…, or in groups of four."""
    ph = pl.col("phone")
    ph_rest = ph.str.slice(1)
    phone_alt = (
        pl.when(pl.col("r_alt") == 0)
        .then(
            pl.concat_str(
                [
                    pl.lit("+62 "),
                    ph_rest.str.slice(0, 3),
                    pl.lit("-"),
                    ph_rest.str.slice(3, 4),
                    pl.lit("-"),
                    ph_rest.str.slice(7),
                ]
            )
        )
        .when(pl.col("r_alt") == 1)
        .then(pl.lit("62") + ph_rest)
        .otherwise(pl.concat_str([ph.str.slice(0, 4), ph.str.slice(4, 4), ph.str.slice(8)], separator=" "))
    )
    phone_out = pl.when(pl.col("n_phone_format")).then(phone_alt).otherwise(ph)
    return phone_out


def _income_out() -> pl.Expr:
    """The income as listed: a plain number, "Rp2.500.000" or "2,5 jt"."""
    inc = pl.col("income")
    millions = inc // 1_000_000
    thousands = (inc % 1_000_000) // 1000
    rp = (
        pl.when(millions > 0)
        .then(
            pl.concat_str(
                [
                    pl.lit("Rp"),
                    millions.cast(pl.String),
                    pl.lit("."),
                    thousands.cast(pl.String).str.zfill(3),
                    pl.lit(".000"),
                ]
            )
        )
        .otherwise(pl.concat_str([pl.lit("Rp"), thousands.cast(pl.String), pl.lit(".000")]))
    )
    frac = ((inc % 1_000_000) // 10_000).cast(pl.String).str.zfill(2).str.strip_chars_end("0")
    jt = (
        pl.when(frac == "")
        .then(millions.cast(pl.String) + pl.lit(" jt"))
        .otherwise(pl.concat_str([millions.cast(pl.String), pl.lit(","), frac, pl.lit(" jt")]))
    )
    income_out = (
        pl.when(pl.col("n_income_format") & (pl.col("r_kind") == 0) & (inc >= 1_000_000))
        .then(jt)
        .when(pl.col("n_income_format"))
        .then(rp)
        .otherwise(inc.cast(pl.String))
    )
    return income_out


def _status_and_sex_out() -> tuple[pl.Expr, pl.Expr]:
    """Employment status as a code or a label, and sex as L/P or a word."""
    status_out = (
        pl.when(pl.col("n_status_code"))
        .then(pl.col("status").cast(pl.String))
        .otherwise(
            pl.col("status").replace_strict(list(range(1, 8)), mixes.STATUS_LABELS, return_dtype=pl.String)
        )
    )
    sex_out = (
        pl.when(pl.col("n_sex_word"))
        .then(pl.when(pl.col("sex") == "L").then(pl.lit("Laki-laki")).otherwise(pl.lit("Perempuan")))
        .otherwise(pl.col("sex"))
    )
    return status_out, sex_out


def _blank(expr: pl.Expr, which: int) -> pl.Expr:
    """Empty the cell in rows drawn for a missing cell in column ``which``."""
    return (
        pl.when(pl.col("n_missing_cell") & (pl.col("r_col") == which))
        .then(pl.lit(None, pl.String))
        .otherwise(expr)
    )


def _out_columns(date_out: pl.Expr) -> list[pl.Expr]:
    """The contract's columns, in order, as text."""
    name, nik_out, phone_out, income_out = _name_out(), _nik_out(), _phone_out(), _income_out()
    status_out, sex_out = _status_and_sex_out()
    yes_no = {True: "Ya", False: "Tidak"}
    return [
        (pl.col("row_idx") + 1).cast(pl.String).alias("No"),
        nik_out.alias("NIK"),
        pl.col("kk").alias("No KK"),
        name.alias("Nama Lengkap"),
        sex_out.alias("Jenis Kelamin"),
        _blank(pl.col("birth_place"), 0).alias("Tempat Lahir"),
        date_out.alias("Tanggal Lahir"),
        _blank(pl.col("address"), 1).alias("Alamat"),
        _blank(pl.col("dusun"), 2).alias("Dusun"),
        pl.col("rt").alias("RT"),
        pl.col("rw").alias("RW"),
        pl.col("village_code").alias("Kode Desa"),
        pl.col("occupation_text").alias("Pekerjaan"),
        status_out.alias("Status Pekerjaan"),
        _blank(income_out, 3).alias("Penghasilan"),
        pl.col("dependants").cast(pl.String).alias("Jumlah Tanggungan"),
        pl.col("disability").replace_strict(yes_no, return_dtype=pl.String).alias("Disabilitas"),
        pl.col("is_head").replace_strict(yes_no, return_dtype=pl.String).alias("Kepala Keluarga"),
        _blank(phone_out, 4).alias("No HP"),
        pl.col("lat").fill_nan(None).round(6).cast(pl.String).alias("Latitude"),
        pl.col("lon").fill_nan(None).round(6).cast(pl.String).alias("Longitude"),
        pl.col("bpjs_status").alias("Status BPJS"),
        pl.col("bpjs_number").alias("No BPJS"),
    ]


def _truth_columns(swappable: pl.Expr) -> list[pl.Expr]:
    """The truth of each row: the person, the true NIK, whether it is a duplicate, the noise it got."""
    kinds = list(NOISE_KINDS)
    noise_desc = pl.concat_list(
        [pl.when(pl.col(f"n_{k}")).then(pl.lit(k)).otherwise(pl.lit(None, pl.String)) for k in kinds]
    )
    return [
        (pl.col("row_idx") + 2).cast(pl.Int64).alias("row"),
        pl.col("person_id"),
        pl.col("nik").alias("true_nik"),
        pl.col("village_code"),
        pl.col("is_duplicate"),
        # A swap that changed nothing (day > 12) is not mess: keep the truth honest.
        noise_desc.list.drop_nulls().list.join(";").alias("noise_all"),
        swappable.alias("_swappable"),
    ]


def _render(
    rows: pl.DataFrame, out_columns: list[pl.Expr], truth_columns: list[pl.Expr]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Evaluate the columns slice by slice; the truth's noise leaves out swaps that changed nothing."""
    m = rows.height
    # In slices, so the temporary text columns of the noise expressions stay small (peak memory).
    indexed = rows.with_row_index("row_idx")
    outs: list[pl.DataFrame] = []
    truths: list[pl.DataFrame] = []
    for start in range(0, m, RENDER_CHUNK):
        part = indexed.slice(start, RENDER_CHUNK)
        outs.append(part.select(out_columns))
        truths.append(part.select(truth_columns))
    out = pl.concat(outs)
    truth = (
        pl.concat(truths)
        .with_columns(
            pl.when(pl.col("_swappable"))
            .then(pl.col("noise_all"))
            .otherwise(pl.col("noise_all").str.replace(r"(^|;)date_swap", ""))
            .str.strip_chars(";")
            .alias("noise")
        )
        .drop("noise_all", "_swappable")
    )
    return out, truth
