"""The linkage engine: duplicates found, namesakes kept apart, decisions respected, outside lists linked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from jaring.dedup.lib.linkage import RECORD_SCHEMA, find_duplicates, link_records, prepare_records
from jaring.synth.linkage import synthetic_registry

# Kecamatan Manyar (Gresik): 23 villages; Leran is 35.25.10.2010.
AREA = "35.25.10"
LERAN = "35.25.10.2010"
GUMENO = "35.25.10.2005"


def _person(
    id_: int, nik: str | None, name: str, born: dt.date | None, sex: str, **extra: Any
) -> dict[str, Any]:
    return {
        "id": id_,
        "nik": nik,
        "kk": extra.get("kk"),
        "full_name": name,
        "sex": sex,
        "birth_date": born,
        "village_code": extra.get("village", LERAN),
        "phone": extra.get("phone", ""),
    }


# Hand-made cases, appended to a synthetic background so the model is estimated from a realistic registry.
# ids >= 900_000 never clash with the synthetic rows' ids (their spreadsheet row numbers).
CASES = [
    # The same man: old spelling, Hadji title and "Moch." in one listing, no NIK (Excel mangled it).
    _person(900_001, None, "H. Moch. Djoko Soesilo", dt.date(1968, 3, 14), "L", kk="3525101203100001"),
    _person(
        900_002, "3525101403680001", "Muhammad Joko Susilo", dt.date(1968, 3, 14), "L", kk="3525101203100001"
    ),
    # The same woman in two villages: initial, a NIK digit mistyped, day and month swapped, same phone.
    _person(900_003, "3525104505790002", "Siti Rohmah", dt.date(1979, 5, 5), "P", phone="+6281234567001"),
    _person(
        900_004,
        "3525104505790062",
        "S. Rohmah",
        dt.date(1979, 5, 5),
        "P",
        village=GUMENO,
        phone="+6281234567001",
    ),
    # Namesakes: "Agus" is a very common single name; same village, different NIK, KK, birth date.
    _person(900_005, "3525100101800003", "Agus", dt.date(1980, 1, 1), "L", kk="3525100505050001"),
    _person(900_006, "3525101207850004", "Agus", dt.date(1985, 7, 12), "L", kk="3525100606060002"),
    # Namesakes born the same day in the same district: NIKs differ only in the serial.
    _person(900_007, "3525106208900001", "Siti Aminah", dt.date(1990, 8, 22), "P", kk="3525100707070003"),
    _person(
        900_008,
        "3525106208900002",
        "Siti Aminah",
        dt.date(1990, 8, 22),
        "P",
        kk="3525100808080004",
        village=GUMENO,
    ),
]


@pytest.fixture(scope="module")
def registry() -> tuple[pl.DataFrame, pl.DataFrame]:
    """~1,600 synthetic records of Manyar (5 % duplicates, noise) plus the hand-made cases; the truth."""
    records, truth = synthetic_registry(1500, AREA, dup_rate=0.05, noise=0.1, seed=7)
    cases = pl.DataFrame(CASES, schema=RECORD_SCHEMA)
    return pl.concat([records, cases]), truth


@pytest.fixture(scope="module")
def result(registry: tuple[pl.DataFrame, pl.DataFrame]) -> Any:
    return find_duplicates(registry[0], threshold=0.9)


def _pair_set(pairs: pl.DataFrame) -> set[tuple[int, int]]:
    return {(a, b) for a, b in pairs.select("id_l", "id_r").iter_rows()}


def test_it_finds_the_synthetic_duplicates_and_few_false_ones(
    registry: tuple[pl.DataFrame, pl.DataFrame], result: Any
) -> None:
    _records, truth = registry
    t = truth.rename({"row": "id"})
    true_pairs = {
        (a, b)
        for a, b in t.join(t, on="person_id", suffix="_r")
        .filter(pl.col("id") < pl.col("id_r"))
        .select("id", "id_r")
        .iter_rows()
    }
    found = {p for p in _pair_set(result.pairs) if p[0] < 900_000}
    assert len(true_pairs) > 50
    recall = len(found & true_pairs) / len(true_pairs)
    precision = len(found & true_pairs) / len(found)
    assert recall >= 0.95, recall
    assert precision >= 0.95, precision


def test_spelling_titles_and_a_missing_nik_do_not_hide_a_duplicate(result: Any) -> None:
    assert (900_001, 900_002) in _pair_set(result.pairs)


def test_an_initial_a_mistyped_nik_and_another_village_do_not_hide_a_duplicate(result: Any) -> None:
    assert (900_003, 900_004) in _pair_set(result.pairs)


def test_people_with_the_same_common_name_are_not_merged(result: Any) -> None:
    pairs = _pair_set(result.pairs)
    assert (900_005, 900_006) not in pairs
    assert (900_007, 900_008) not in pairs  # same name, same birth day, NIKs one digit apart


def test_the_result_is_well_formed(registry: tuple[pl.DataFrame, pl.DataFrame], result: Any) -> None:
    assert result.records == registry[0].height
    assert result.pairs.schema == pl.Schema({"id_l": pl.Int64, "id_r": pl.Int64, "probability": pl.Float64})
    assert (result.pairs["id_l"] < result.pairs["id_r"]).all()
    assert result.pairs["probability"].min() >= 0.9
    in_pairs = set(result.pairs["id_l"]) | set(result.pairs["id_r"])
    assert {i for c in result.clusters for i in c} == in_pairs
    assert all(len(c) >= 2 and c == sorted(c) for c in result.clusters)
    assert result.seconds > 0


def test_it_is_deterministic(registry: tuple[pl.DataFrame, pl.DataFrame], result: Any) -> None:
    again = find_duplicates(registry[0], threshold=0.9)
    assert _pair_set(again.pairs) == _pair_set(result.pairs)
    assert again.clusters == result.clusters
    joined = again.pairs.join(result.pairs, on=["id_l", "id_r"])
    drift = (joined["probability"] - joined["probability_right"]).abs().max()
    assert isinstance(drift, float) and drift < 1e-9


def test_pairs_decided_different_people_are_never_returned(
    registry: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    records = registry[0]
    # Given in either order: (id_r, id_l) is the same decision.
    excluded = pl.DataFrame({"id_l": [900_004], "id_r": [900_003]})
    out = find_duplicates(records, threshold=0.9, exclude_pairs=excluded)
    pairs = _pair_set(out.pairs)
    assert (900_003, 900_004) not in pairs
    assert (900_001, 900_002) in pairs
    assert not any({900_003, 900_004} <= set(c) for c in out.clusters)


def test_progress_is_reported_from_zero_to_one(registry: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    seen: list[tuple[float, str]] = []
    find_duplicates(registry[0].head(400), progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _m in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(" / " in m for _f, m in seen)  # Indonesian / English


def test_ids_must_be_unique() -> None:
    frame = pl.DataFrame([CASES[0], CASES[0]], schema=RECORD_SCHEMA)
    with pytest.raises(ValueError, match="unique"):
        find_duplicates(frame)


def test_prepared_records_fill_sex_and_birth_date_gaps_from_the_nik() -> None:
    frame = pl.DataFrame(
        [_person(1, "3525104505790002", "Siti", None, "")],
        schema=RECORD_SCHEMA,
    )
    prepared = prepare_records(frame)
    assert prepared["sex"][0] == "P"  # day 45 = 5 + 40: a woman
    assert prepared["birth_date"][0] == dt.date(1979, 5, 5)


def test_link_records_reports_matched_unmatched_and_ambiguous(
    registry: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    records, truth = registry
    # Someone listed once in the registry, with a NIK.
    once = truth.group_by("person_id").agg(pl.col("row").first(), pl.len()).filter(pl.col("len") == 1)
    known = (
        records.join(once.select(pl.col("row").alias("id")), on="id")
        .drop_nulls(["nik", "full_name"])
        .row(0, named=True)
    )
    outside = pl.DataFrame(
        {
            "row": [2, 3, 4],
            # A BPJS member list: NIK, name and birth date only.
            "nik": [known["nik"], "3525109999990001", "3525106208900003"],
            "full_name": [known["full_name"].upper(), "Bambang Nonexistent", "Siti Aminah"],
            "birth_date": [known["birth_date"], dt.date(1999, 9, 9), dt.date(1990, 8, 22)],
        }
    )
    out = link_records(records, outside, threshold=0.9, ambiguity_margin=0.05)
    rows = {r["row"]: r for r in out.rows.to_dicts()}
    assert out.rows.columns == ["row", "status", "person_id", "probability", "candidates"]
    assert rows[2]["status"] == "matched" and rows[2]["person_id"] == known["id"]
    assert rows[2]["probability"] >= 0.9 and rows[2]["candidates"] == 1
    assert rows[3]["status"] == "unmatched" and rows[3]["person_id"] is None
    # Two registered Siti Aminah born on 22 August 1990, and a mistyped NIK one digit from both.
    assert rows[4]["status"] == "ambiguous" and rows[4]["person_id"] is None and rows[4]["candidates"] >= 2


def test_link_records_needs_a_row_column(registry: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    with pytest.raises(ValueError, match="row"):
        link_records(registry[0], pl.DataFrame({"nik": ["3525101403680001"]}))


def test_a_tiny_registry_without_duplicates_gives_no_pairs() -> None:
    # Nothing for the deterministic rules or EM to learn from: the start values must still give an answer.
    names = ["Agus", "Budi", "Slamet", "Joko", "Wahyu"]
    frame = pl.DataFrame(
        [
            _person(i, f"35251001018000{i:02d}", name, dt.date(1980, 1, 1), "L")
            for i, name in enumerate(names, start=1)
        ],
        schema=RECORD_SCHEMA,
    )
    out = find_duplicates(frame)
    assert out.records == 5 and out.pairs.height == 0 and out.clusters == []
