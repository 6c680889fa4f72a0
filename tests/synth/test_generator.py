"""The synthetic generator: determinism, consistent identities, duplicates, truth and mess."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from lokal import parse_nik
from shapely.geometry import Point

from jaring.synth.areas import plans_for_area
from jaring.synth.generator import COLUMNS, SynthOptions, generate
from jaring.synth.mixes import TOBACCO_SLUGS
from jaring.synth.render import NOISE_KINDS


@pytest.fixture(scope="module")
def manyar_plans() -> list:
    return plans_for_area("35.25.10")


def _gen(plans: list, **kw: object) -> object:
    opts = SynthOptions(people=kw.pop("people", 2000), villages=plans, **kw)  # type: ignore[arg-type]
    return generate(opts)


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not(manyar_plans: list) -> None:
    a = _gen(manyar_plans, seed=7, noise=0.05, dup_rate=0.02)
    b = _gen(manyar_plans, seed=7, noise=0.05, dup_rate=0.02)
    c = _gen(manyar_plans, seed=8, noise=0.05, dup_rate=0.02)
    assert a.rows.equals(b.rows) and a.truth.equals(b.truth)
    assert not a.rows.equals(c.rows)


def test_clean_rows_have_niks_consistent_with_sex_birth_date_and_region(manyar_plans: list) -> None:
    r = _gen(manyar_plans, seed=3, people=1500)
    assert r.rows.columns == COLUMNS
    assert r.rows["NIK"].n_unique() == r.rows.height  # no noise, no duplicates: all distinct
    checked = 0
    for row in r.rows.head(400).iter_rows(named=True):
        info = parse_nik(row["NIK"])
        assert info.valid, (row["NIK"], info.errors)
        assert info.gender == row["Jenis Kelamin"]
        assert info.birth_date == dt.datetime.strptime(row["Tanggal Lahir"], "%d/%m/%Y").date().isoformat()
        assert row["No KK"][:6] == row["Kode Desa"].replace(".", "")[:6]
        checked += 1
    assert checked == 400
    # Most NIKs come from the village's own district; a few from elsewhere in the regency or outside it.
    district = pl.col("NIK").str.slice(0, 6) == pl.col("Kode Desa").str.replace_all(r"\.", "").str.slice(0, 6)
    share = r.rows.select(district.mean()).item()
    assert 0.8 < share < 0.97
    outside = r.rows.select((pl.col("NIK").str.slice(0, 4) != "3525").mean()).item()
    assert 0.0 < outside < 0.08


def test_households_share_a_kk_with_one_head(manyar_plans: list) -> None:
    r = _gen(manyar_plans, seed=4, people=1000)
    heads = r.rows.group_by("No KK").agg(
        (pl.col("Kepala Keluarga") == "Ya").sum().alias("h"), pl.len().alias("n")
    )
    assert (heads["h"] == 1).all()
    assert heads["n"].max() <= 4 and heads["n"].mean() > 1.2  # type: ignore[operator]


def test_gps_points_lie_inside_their_village(manyar_plans: list) -> None:
    r = _gen(manyar_plans, seed=5, people=500)
    shapes = {p.code: p.shape for p in manyar_plans}
    for row in r.rows.head(200).iter_rows(named=True):
        point = Point(float(row["Longitude"]), float(row["Latitude"]))
        assert shapes[row["Kode Desa"]].buffer(1e-5).contains(point)  # coordinates have 6 decimals


def test_leran_is_mostly_fishermen_and_tobacco_workers_concentrate_inland() -> None:
    plans = plans_for_area("35.25")
    r = generate(SynthOptions(people=10_000, villages=plans, seed=2025, fixed_counts={"35.25.10.2010": 320}))
    pop = r.population
    leran = pop.filter(pl.col("village_code") == "35.25.10.2010")
    assert leran.height == 320
    assert (leran["occupation_slug"] == "fisherman").mean() > 0.5  # type: ignore[operator]
    tobacco = pop.filter(pl.col("occupation_slug").is_in(sorted(TOBACCO_SLUGS))).height
    assert tobacco > 1808  # the DBHCHT quota of the scenario binds


def test_dup_rate_adds_repeated_persons_and_the_truth_maps_every_row(manyar_plans: list) -> None:
    r = _gen(manyar_plans, seed=6, people=2000, dup_rate=0.05)
    assert r.rows.height == 2100
    truth = r.truth
    assert truth["row"].to_list() == list(range(2, 2102))  # spreadsheet rows: header is row 1
    assert truth["is_duplicate"].sum() == 100
    assert truth["person_id"].n_unique() == 2000
    # A duplicate row carries the same true NIK as its person's first listing.
    niks = truth.group_by("person_id").agg(pl.col("true_nik").n_unique().alias("k"))
    assert (niks["k"] == 1).all()
    moved = truth.filter(pl.col("is_duplicate")).join(
        truth.filter(~pl.col("is_duplicate")).select(
            "person_id", pl.col("village_code").alias("first_village")
        ),
        on="person_id",
    )
    assert (moved["village_code"] != moved["first_village"]).sum() > 0  # some listed in another village


def test_noise_produces_every_kind_of_mess(manyar_plans: list) -> None:
    r = _gen(manyar_plans, seed=9, people=3000, noise=0.2)
    kinds = set(r.truth["noise"].str.split(";").explode().drop_nulls().to_list()) - {""}
    assert kinds == set(NOISE_KINDS)
    rows = r.rows
    assert rows["NIK"].str.contains(r"^\d\.\d{5}E\+15$").any()  # Excel-mangled
    assert rows["NIK"].str.starts_with("'").any() and rows["NIK"].str.contains(" ").any()
    assert (
        rows["Nama Lengkap"].str.starts_with("H. ").any()
        or rows["Nama Lengkap"].str.starts_with("Hj. ").any()
    )
    assert rows["Nama Lengkap"].str.contains("oe|dj|tj").any()
    assert rows["Tanggal Lahir"].str.contains(r"^\d{4}-\d{2}-\d{2}$").any()
    assert rows["Tanggal Lahir"].str.contains(r"^\d{5}$").any()  # Excel serial
    assert rows["Penghasilan"].str.starts_with("Rp").any() and rows["Penghasilan"].str.ends_with(" jt").any()
    assert rows["No HP"].str.starts_with("+62 ").any()
    assert rows["Status Pekerjaan"].is_in([str(i) for i in range(1, 8)]).any()
    assert rows["Jenis Kelamin"].is_in(["Laki-laki", "Perempuan"]).any()
    assert rows["Alamat"].null_count() > 0


def test_swapped_dates_really_disagree_with_the_nik(manyar_plans: list) -> None:
    r = _gen(manyar_plans, seed=10, people=3000, noise=0.3)
    both = pl.concat([r.rows, r.truth], how="horizontal").filter(pl.col("noise").str.contains("date_swap"))
    assert both.height > 0
    for row in both.head(50).iter_rows(named=True):
        info = parse_nik(row["true_nik"])
        written = row["Tanggal Lahir"]
        if "date_format" in row["noise"]:
            continue
        assert dt.datetime.strptime(written, "%d/%m/%Y").date().isoformat() != info.birth_date
