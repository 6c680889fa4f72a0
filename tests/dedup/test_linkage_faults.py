"""A training step failing for an unexpected reason fails the run; expected refusals keep the start values."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import polars as pl
import pytest
from splink.internals.exceptions import EMTrainingException
from splink.internals.linker_components.training import LinkerTraining

from jaring.dedup.lib.linkage import RECORD_SCHEMA, find_duplicates
from jaring.synth.linkage import synthetic_registry


@pytest.fixture(scope="module")
def registry() -> pl.DataFrame:
    """Enough shared NIKs (duplicates) that the NIK block's EM session runs."""
    records, _truth = synthetic_registry(1200, "35.25.10", dup_rate=0.2, noise=0.05, seed=3)
    return records


def test_an_unexpected_error_in_em_training_fails_the_run_instead_of_being_logged(
    registry: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("duckdb: out of memory")

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", broken)
    with pytest.raises(RuntimeError, match="out of memory"):
        find_duplicates(registry)


def test_an_unexpected_error_estimating_lambda_fails_the_run(
    registry: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise KeyError("unique_id")

    monkeypatch.setattr(LinkerTraining, "estimate_probability_two_random_records_match", broken)
    with pytest.raises(KeyError):
        find_duplicates(registry)


def test_an_em_block_without_pairs_keeps_the_start_values_and_says_so(
    registry: pl.DataFrame, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_pairs(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise EMTrainingException("Training rule resulted in no record pairs")

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", no_pairs)
    with caplog.at_level(logging.WARNING, logger="jaring.dedup.lib.linkage"):
        out = find_duplicates(registry)
    assert out.records == registry.height and out.pairs.height > 0  # the start values still find the copies
    assert "start values kept" in caplog.text


def test_two_records_sharing_a_nik_still_run_when_splink_refuses_to_estimate_lambda(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Splink refuses lambda here (1 pair found by the rules out of 1 possible, above the 0.95 recall).
    row = {"kk": None, "sex": "L", "birth_date": dt.date(1980, 1, 1), "village_code": "35.25.10.2010"}
    frame = pl.DataFrame(
        [
            {"id": 1, "nik": "3525100101800001", "full_name": "Agus Salim", "phone": "", **row},
            {"id": 2, "nik": "3525100101800001", "full_name": "Agus Salim", "phone": "", **row},
        ],
        schema=RECORD_SCHEMA,
    )
    with caplog.at_level(logging.WARNING, logger="jaring.dedup.lib.linkage"):
        out = find_duplicates(frame)
    assert out.records == 2
    assert "lambda not estimated, start value kept" in caplog.text
