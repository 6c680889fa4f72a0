"""The linkage engine when true duplicates are rare: households (same KK, different people) stay apart.

A registry after import has unique NIKs (conflicts are resolved there), so its few duplicates carry a
mistyped NIK and there is no pair sharing a NIK for EM to learn from; most pairs that share anything
are household members, who share a KK, a village and often a phone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from jaring.dedup.lib.linkage import RECORD_SCHEMA, find_duplicates, link_records
from jaring.synth.linkage import synthetic_registry

AREA = "35.25.10"  # Kecamatan Manyar (Gresik)
EVERY = 400  # one person in 400 registered twice: 0.25 % of the records


def _mistyped(nik: str, taken: set[str]) -> str:
    """The NIK with its last serial digit changed, not already someone's."""
    for delta in range(1, 10):
        candidate = nik[:-1] + str((int(nik[-1]) + delta) % 10)
        if candidate not in taken:
            return candidate
    raise AssertionError(nik)


def _pairs(frame: pl.DataFrame) -> set[tuple[int, int]]:
    return {(a, b) for a, b in frame.select("id_l", "id_r").iter_rows()}


def _true_pairs(truth: pl.DataFrame) -> set[tuple[int, int]]:
    t = truth.rename({"row": "id"})
    joined = t.join(t, on="person_id", suffix="_r").filter(pl.col("id") < pl.col("id_r"))
    return set(joined.select("id", "id_r").iter_rows())


def _household_pairs(records: pl.DataFrame, truth: pl.DataFrame) -> set[tuple[int, int]]:
    """Pairs of different people sharing a KK."""
    kk = records.select("id", "kk").drop_nulls()
    joined = kk.join(kk, on="kk", suffix="_r").filter(pl.col("id") < pl.col("id_r"))
    return set(joined.select("id", "id_r").iter_rows()) - _true_pairs(truth)


@pytest.fixture(scope="module")
def unique_nik_registry() -> tuple[pl.DataFrame, pl.DataFrame]:
    """~3,000 persons in households with unique NIKs, and a few registered again under a mistyped NIK
    and a respelt name (as the dedup demo does); the truth."""
    records, truth = synthetic_registry(3000, AREA, dup_rate=0.0, noise=0.0, seed=11)
    sources = records.drop_nulls(["nik", "kk"]).sort("id").gather_every(EVERY, offset=EVERY - 1)
    taken = set(records["nik"].drop_nulls())
    top = records.height + 1  # ids are spreadsheet row numbers (2 … height + 1)
    assert records["id"].max() == top
    copies = []
    for k, row in enumerate(sources.iter_rows(named=True)):
        nik = _mistyped(row["nik"], taken)
        taken.add(nik)
        name = row["full_name"].replace("u", "oe", 1) if "u" in row["full_name"] else row["full_name"] + "h"
        copies.append(
            {**row, "id": top + 1 + k, "nik": nik, "full_name": name, "phone": row["phone"] if k % 3 else ""}
        )
    copy_frame = pl.DataFrame(copies, schema=records.schema)
    copy_truth = truth.join(sources.select(pl.col("id").alias("row")), on="row").with_columns(
        (pl.int_range(pl.len()) + top + 1).cast(truth["row"].dtype).alias("row")
    )
    return pl.concat([records, copy_frame]), pl.concat([truth, copy_truth])


def test_the_registry_is_mostly_households_with_unique_niks(
    unique_nik_registry: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    records, truth = unique_nik_registry
    assert records["nik"].drop_nulls().is_unique().all()
    assert len(_household_pairs(records, truth)) > 1000
    assert 5 <= len(_true_pairs(truth)) <= 0.005 * records.height


def test_household_members_are_never_proposed_and_the_few_duplicates_are_found(
    unique_nik_registry: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    records, truth = unique_nik_registry
    found = _pairs(find_duplicates(records, threshold=0.9).pairs)
    assert not found & _household_pairs(records, truth)
    assert found == _true_pairs(truth)


def _member(id_: int, nik: str, name: str, born: dt.date, sex: str) -> dict[str, Any]:
    """A member of one household in Leran: one family card (KK), one shared mobile number."""
    return {
        "id": id_,
        "nik": nik,
        "kk": "3525101203109999",
        "full_name": name,
        "sex": sex,
        "birth_date": born,
        "village_code": "35.25.10.2010",
        "phone": "+6281299990001",
    }


# ids >= 900_000 never clash with the synthetic rows' ids (their spreadsheet row numbers).
FAMILY = [
    _member(900_001, "3525101403680991", "Agus Santoso", dt.date(1968, 3, 14), "L"),  # the father
    _member(900_002, "3525102509950991", "Agus Santoso", dt.date(1995, 9, 25), "L"),  # his namesake son
    _member(900_003, "3525104101000991", "Dewi Lestari", dt.date(2000, 1, 1), "P"),  # twin sisters:
    _member(900_004, "3525104101000992", "Dian Lestari", dt.date(2000, 1, 1), "P"),  # NIKs 1 digit apart
    _member(900_005, "3525100505050991", "Budi", dt.date(2005, 5, 5), "L"),  # twin brothers
    _member(900_006, "3525100505050992", "Bayu", dt.date(2005, 5, 5), "L"),
]


def test_relatives_on_one_card_and_one_phone_are_never_proposed(
    unique_nik_registry: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    records, truth = unique_nik_registry
    family = pl.DataFrame(FAMILY, schema=RECORD_SCHEMA)
    found = _pairs(find_duplicates(pl.concat([records, family]), threshold=0.9).pairs)
    assert not {p for p in found if p[1] >= 900_000}
    assert {p for p in found if p[1] < 900_000} == _true_pairs(truth)


@pytest.mark.parametrize("dup_rate", [0.001, 0.005])
def test_rare_duplicates_of_the_generator_are_found_without_merging_households(dup_rate: float) -> None:
    records, truth = synthetic_registry(4000, AREA, dup_rate=dup_rate, noise=0.05, seed=5)
    true_pairs = _true_pairs(truth)
    found = _pairs(find_duplicates(records, threshold=0.9).pairs)
    assert not found & _household_pairs(records, truth)
    assert true_pairs and len(found & true_pairs) >= 0.9 * len(true_pairs)
    assert len(found - true_pairs) <= max(1, 0.05 * len(found))


def _subset(records: pl.DataFrame, ids: list[int]) -> pl.DataFrame:
    """A BPJS member list: row, NIK, name and birth date of some registry persons (nothing else)."""
    chosen = records.filter(pl.col("id").is_in(ids)).sort("id")
    return chosen.select(
        pl.int_range(2, chosen.height + 2).alias("row"), "nik", "full_name", "birth_date", pl.col("id")
    )


@pytest.mark.parametrize("columns", [["nik", "full_name", "birth_date"], ["nik", "full_name"], ["nik"]])
def test_a_list_with_a_few_columns_links_identical_people(
    unique_nik_registry: tuple[pl.DataFrame, pl.DataFrame], columns: list[str]
) -> None:
    records, _truth = unique_nik_registry
    # People registered once (no planted copy shares their NIK's first fifteen digits).
    once = records.drop_nulls(["nik", "full_name", "birth_date"]).filter(
        pl.col("nik").str.slice(0, 15).is_unique()
    )
    ids = once["id"].gather_every(97).head(20).to_list()
    listed = _subset(records, ids)
    out = link_records(records, listed.select("row", *columns), threshold=0.9)
    got = out.rows.join(listed.select("row", pl.col("id").alias("expected")), on="row")
    assert got.height == len(ids)
    assert (got["status"] == "matched").all(), got.filter(pl.col("status") != "matched")
    assert (got["person_id"] == got["expected"]).all()


def test_a_list_row_agreeing_only_on_the_kk_is_not_linked(
    unique_nik_registry: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    records, _truth = unique_nik_registry
    someone: dict[str, Any] = records.drop_nulls(["kk"]).row(0, named=True)
    outside = pl.DataFrame(
        {
            "row": [2],
            "nik": ["3525109999990001"],
            "kk": [someone["kk"]],
            "full_name": ["Bambang Nonexistent"],
            "birth_date": [dt.date(1999, 9, 9)],
        }
    )
    out = link_records(records, outside, threshold=0.9)
    assert out.rows["status"].to_list() == ["unmatched"]


def test_a_list_row_holding_one_namesakes_nik_is_linked_to_that_one(
    unique_nik_registry: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    records, _truth = unique_nik_registry
    # Two men named Kariman born on 23 July 1989 in two districts: their NIKs differ in two digits.
    namesakes = pl.DataFrame(
        [
            {
                **FAMILY[0],
                "id": 900_101,
                "nik": "3525052307890001",
                "full_name": "Kariman",
                "phone": None,
                "birth_date": dt.date(1989, 7, 23),
                "kk": "3525052212090001",
                "village_code": "35.25.05.2001",
            },
            {
                **FAMILY[0],
                "id": 900_102,
                "nik": "3525182307890001",
                "full_name": "Kariman",
                "phone": None,
                "birth_date": dt.date(1989, 7, 23),
                "kk": "3525180601130001",
                "village_code": "35.25.18.2013",
            },
        ],
        schema=RECORD_SCHEMA,
    )
    outside = pl.DataFrame(
        {
            "row": [2, 3],
            "nik": ["3525182307890001", "3525102307890001"],  # the second's NIK is neither's
            "full_name": ["KARIMAN", "Kariman"],
            "birth_date": [dt.date(1989, 7, 23)] * 2,
        }
    )
    out = link_records(pl.concat([records, namesakes]), outside, threshold=0.9)
    rows = {r["row"]: r for r in out.rows.to_dicts()}
    assert rows[2]["status"] == "matched" and rows[2]["person_id"] == 900_102
    assert rows[3]["status"] == "ambiguous" and rows[3]["person_id"] is None
