"""Premiums as a pure function of the premium data it is given (no database)."""

from __future__ import annotations

import polars as pl
import pytest

from jaring.planning.premiums import DEFAULT_DATA, PremiumError, premium, premium_frame


def test_the_minimum_package_costs_16800_in_july_2025_with_the_default_data() -> None:
    b = premium(1_000_000, "2025-07", "csr", data=DEFAULT_DATA)
    assert (b.jkk, b.jkm, b.total) == (10_000, 6_800, 16_800)


def test_an_ojek_driver_paid_by_csr_in_february_2026_gets_half_but_not_when_apbd_pays() -> None:
    assert premium(1_000_000, "2026-02", "csr", occupation="ojek_driver", data=DEFAULT_DATA).total == 8_400
    assert premium(1_000_000, "2026-02", "apbd", occupation="ojek_driver", data=DEFAULT_DATA).total == 16_800


def test_the_engine_computes_only_with_data_it_is_given() -> None:
    with pytest.raises(TypeError):
        premium(1_000_000, "2025-07", "csr")  # type: ignore[call-arg]
    with pytest.raises(PremiumError):
        premium(1_000_000, "2025-07", "nobody", data=DEFAULT_DATA)


def test_the_vectorised_premium_agrees_with_the_single_one_on_the_default_data() -> None:
    frame = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "monthly_income": [None, 1_000_000, 20_700_000],
            "occupation": ["fisherman", "ojek_driver", None],
        }
    )
    for month in ("2025-07", "2026-02", "2026-05"):
        out = premium_frame(frame, month, "csr", data=DEFAULT_DATA)
        expected = [
            premium(x, month, "csr", o, data=DEFAULT_DATA).total
            for x, o in zip(frame["monthly_income"], frame["occupation"], strict=True)
        ]
        assert out["total"].to_list() == expected
