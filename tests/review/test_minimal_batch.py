"""A batch with none of the optional columns (no GPS, income...): every indicator, page and command."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import shapely
from django.core.management import call_command
from django.test import Client

from jaring.imports.models import Batch
from jaring.imports.services import run_import
from jaring.review.lib.indicators import PERSON_SCHEMA, REFUSED_SCHEMA, compute
from jaring.review.quality import SHARE_COLUMNS, batch_quality
from tests.imports.conftest import nik, write_csv

LERAN_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[112.5, -7.1], [112.7, -7.1], [112.7, -6.9], [112.5, -6.9], [112.5, -7.1]]],
}


@pytest.fixture
def minimal_batch(world: Any, leran_operator: Any, var_dir: Path) -> Batch:
    """Leran (with a boundary) imports NIK, name and sex only: no optional column at all."""
    world.leran.boundary = LERAN_SQUARE
    world.leran.save(update_fields=["boundary"])
    rows = [[nik(1 + i, 3, 1985, i + 1), f"Warga {i}", "L"] for i in range(4)]
    path = write_csv(var_dir / "SINTETIS-minimal.csv", rows, header=["NIK", "Nama Lengkap", "Jenis Kelamin"])
    batch = run_import(path, village=world.leran, user=leran_operator, commit=True, is_synthetic=True)
    assert batch.status == "committed", batch.error_message
    return batch


def test_every_indicator_of_a_frame_without_optional_values_is_measured_or_null() -> None:
    base = {c: None for c in PERSON_SCHEMA}
    persons = pl.DataFrame(
        [
            base | {"id": i, "batch_id": 1, "village_id": 1, "nik": "3525100103850001", "sex": "L"}
            for i in (1, 2)
        ],
        schema=PERSON_SCHEMA,
    )
    square = shapely.geometry.shape(LERAN_SQUARE)
    row = compute(persons, pl.DataFrame(schema=REFUSED_SCHEMA), group=None, boundaries={1: square}).row(
        0, named=True
    )
    assert row["persons"] == 2
    assert row["gps_points_checked"] == 0
    assert row["gps_inside_share"] is None
    assert row["completeness_gps"] == 0 and row["completeness_birth_date"] == 0
    assert row["nik_birth_date_consistency"] is None and row["age_outlier_share"] is None
    assert row["income_outlier_share"] is None
    assert row["nik_valid_rate"] == 1.0
    grouped = compute(
        persons, pl.DataFrame(schema=REFUSED_SCHEMA), group="village_id", boundaries={1: square}
    )
    assert grouped["gps_inside_share"].to_list() == [None]


def test_the_quality_of_a_batch_without_optional_columns_has_every_indicator(minimal_batch: Batch) -> None:
    values = batch_quality(minimal_batch).values
    assert values["persons"] == 4
    assert set(SHARE_COLUMNS) <= set(values)
    assert values["gps_inside_share"] is None
    assert values["completeness_phone"] == 0


def test_the_reviewer_opens_the_review_page_of_a_batch_without_gps(minimal_batch: Batch, world: Any) -> None:
    client = Client()
    client.force_login(world.users["bps.reviewer"])
    response = client.get(f"/review/batches/{minimal_batch.pk}/")
    assert response.status_code == 200
    assert "—" in response.content.decode()


def test_review_status_of_a_batch_without_gps_answers_on_the_command_line(minimal_batch: Batch) -> None:
    out = io.StringIO()
    call_command("review", "status", str(minimal_batch.pk), "--json", stdout=out)
    status = json.loads(out.getvalue())
    assert status["quality"]["values"]["persons"] == 4
    assert status["quality"]["values"]["gps_inside_share"] is None
    text = io.StringIO()
    call_command("review", "status", str(minimal_batch.pk), stdout=text)
    assert str(minimal_batch.pk) in text.getvalue()
