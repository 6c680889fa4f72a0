"""Quality indicators: each formula on small frames whose answer is known, and on a real batch."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
import shapely
from django.utils import translation

from jaring.imports.models import Batch
from jaring.review.lib.indicators import PERSON_SCHEMA, REFUSED_SCHEMA, compute
from jaring.review.models import QualityThreshold
from jaring.review.quality import batch_quality

TODAY = dt.date(2026, 1, 15)


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    base = {c: None for c in PERSON_SCHEMA}
    return pl.DataFrame(
        [base | {"id": i + 1, "batch_id": 1, "village_id": 1} | r for i, r in enumerate(rows)],
        schema=PERSON_SCHEMA,
    )


def no_refused() -> pl.DataFrame:
    return pl.DataFrame(schema=REFUSED_SCHEMA)


def one(persons: pl.DataFrame, refused: pl.DataFrame | None = None, **kw: Any) -> dict[str, Any]:
    return compute(persons, no_refused() if refused is None else refused, group=None, today=TODAY, **kw).row(
        0, named=True
    )


def test_nik_sex_and_birth_date_consistency_compare_the_nik_with_the_fields() -> None:
    persons = frame(
        [
            {"nik": "3525101203850001", "sex": "L", "birth_date": dt.date(1985, 3, 12)},
            {"nik": "3525105203850002", "sex": "P", "birth_date": dt.date(1985, 3, 12)},
            {"nik": "3525105203850003", "sex": "L", "birth_date": dt.date(1985, 3, 13)},
            {"nik": "3525101203850004", "sex": "L", "birth_date": dt.date(1985, 3, 12)},
        ]
    )
    row = one(persons)
    assert row["nik_valid_rate"] == 1.0
    assert row["nik_sex_consistency"] == pytest.approx(0.75)
    assert row["nik_birth_date_consistency"] == pytest.approx(0.75)


def test_refused_rows_count_in_nik_validity_and_duplicates() -> None:
    persons = frame([{"nik": "3525101203850001", "sex": "L"}, {"nik": "3525101203850002", "sex": "L"}])
    refused = pl.DataFrame(
        [
            {"batch_id": 1, "row": 4, "village_id": 1, "nik_invalid": True, "duplicate": False},
            {"batch_id": 1, "row": 5, "village_id": 1, "nik_invalid": False, "duplicate": True},
        ],
        schema=REFUSED_SCHEMA,
    )
    row = one(persons, refused)
    assert row["nik_valid_rate"] == pytest.approx(2 / 3)
    assert row["duplicate_rate"] == pytest.approx(1 / 4)
    assert row["refused_rows"] == 2


def test_completeness_counts_empty_text_as_missing() -> None:
    persons = frame([{"phone": "+6281234"}, {"phone": " "}, {"phone": None}, {"phone": "+6285"}])
    assert one(persons)["completeness_phone"] == pytest.approx(0.5)


def test_age_income_and_occupation_outliers() -> None:
    incomes = [1_000_000, 1_100_000, 1_200_000, 900_000, 1_050_000, 50_000_000]
    persons = frame(
        [
            {"birth_date": dt.date(2015, 1, 1), "monthly_income": incomes[0], "occupation": "other"},
            {"birth_date": dt.date(1950, 1, 1), "monthly_income": incomes[1]},
            {"birth_date": dt.date(1990, 1, 1), "monthly_income": incomes[2], "occupation": "fisher"},
            {"birth_date": dt.date(1990, 1, 1), "monthly_income": incomes[3], "occupation": "fisher"},
            {"monthly_income": incomes[4], "occupation": "fisher"},
            {"monthly_income": incomes[5], "occupation": "fisher"},
        ]
    )
    row = one(persons)
    assert row["age_outlier_share"] == pytest.approx(2 / 4)
    assert row["income_outlier_share"] == pytest.approx(1 / 6)
    assert row["other_occupation_share"] == pytest.approx(2 / 6)


def test_gps_share_counts_points_inside_the_village_shape() -> None:
    square = shapely.box(112.0, -7.0, 113.0, -6.0)
    persons = frame(
        [
            {"latitude": -6.5, "longitude": 112.5},
            {"latitude": -6.5, "longitude": 114.0},
            {"latitude": None, "longitude": None},
        ]
    )
    row = one(persons, boundaries={1: square})
    assert row["gps_points_checked"] == 2
    assert row["gps_inside_share"] == pytest.approx(0.5)
    assert one(persons)["gps_inside_share"] is None


def test_indicators_group_per_village() -> None:
    persons = frame([{"nik": "3525101203850001"}, {"nik": "123", "village_id": 2}])
    out = compute(persons, no_refused(), group="village_id", today=TODAY)
    assert dict(zip(out["village_id"], out["nik_valid_rate"], strict=True)) == {1: 1.0, 2: 0.0}


def test_a_batch_shows_which_threshold_it_breaches(leran_batch: Batch) -> None:
    quality = batch_quality(leran_batch)
    assert quality.values["persons"] == 5
    assert quality.values["duplicate_rate"] == pytest.approx(1 / 6)
    breached = {b.column for b in quality.breaches}
    # The test rows have no address, income or GPS and a duplicate row: those breach, the NIKs do not.
    assert {"duplicate_rate", "completeness_address", "completeness_monthly_income"} <= breached
    assert "nik_valid_rate" not in breached
    assert any("Tingkat duplikat" in b.message and "16,7%" in b.message for b in quality.breaches)
    with translation.override("en"):
        english = [str(b.message) for b in batch_quality(leran_batch).breaches]
    assert any("Duplicate rate" in m and "16.7%" in m for m in english)


def test_a_raised_limit_removes_the_breach(leran_batch: Batch) -> None:
    QualityThreshold.objects.filter(indicator="duplicate_rate").update(limit=0.5)
    assert "duplicate_rate" not in {b.column for b in batch_quality(leran_batch).breaches}


def test_open_dedup_pairs_count_as_duplicates(leran_batch: Batch) -> None:
    from jaring.dedup.models import CandidatePair

    a, b = leran_batch.persons.order_by("id")[:2]
    CandidatePair.objects.create(person_a=a, person_b=b, probability=0.97)
    values = batch_quality(leran_batch).values
    assert values["duplicates"] == 3  # the refused duplicate row and both persons of the open pair
    assert values["duplicate_rate"] == pytest.approx(3 / 6)
    CandidatePair.objects.update(status="distinct")
    assert batch_quality(leran_batch).values["duplicates"] == 1
