"""One formatting of money, numbers, percentages and months, in the reader's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from jaring.core.lib import formatting as fmt


@pytest.mark.parametrize(
    ("value", "id_text", "en_text"),
    [
        (2_520_000, "Rp2.520.000", "Rp2,520,000"),
        (16_800, "Rp16.800", "Rp16,800"),
        (0, "Rp0", "Rp0"),
        (-4200, "-Rp4.200", "-Rp4,200"),
    ],
)
def test_money_reads_rp_with_the_languages_thousands_separator(
    value: int, id_text: str, en_text: str
) -> None:
    assert fmt.format_money(value, "id") == id_text
    assert fmt.format_money(value, "en") == en_text


def test_percentages_drop_a_useless_decimal_and_use_the_decimal_comma_in_indonesian() -> None:
    assert fmt.format_percent(100.0, "id") == "100%"
    assert fmt.format_percent(97.5, "id") == "97,5%"
    assert fmt.format_percent(97.5, "en") == "97.5%"
    assert fmt.format_ratio(0.975, "id") == "97,5%"
    assert fmt.format_percent(12.345, "en", 2) == "12.35%"


def test_numbers_and_decimals_read_back_as_they_are_shown() -> None:
    assert fmt.format_number(1_808_000, "id") == "1.808.000"
    assert fmt.format_number(1_808_000, "en") == "1,808,000"
    assert fmt.format_decimal(0.9, "id") == "0,9" and fmt.format_decimal(0.9, "en") == "0.9"
    assert fmt.parse_decimal("0,9", "id") == Decimal("0.9")
    assert fmt.parse_decimal("0.9", "id") == Decimal("0.9")  # a decimal point typed on an Indonesian page
    assert fmt.parse_decimal("1.234,5", "id") == Decimal("1234.5")
    assert fmt.parse_decimal("1,234.5", "en") == Decimal("1234.5")
    with pytest.raises(ValueError):
        fmt.parse_decimal("abc", "id")


def test_months_are_short_names_never_iso() -> None:
    assert fmt.format_month(dt.date(2025, 7, 1), "id") == "Jul 2025"
    assert fmt.format_month("2025-08", "id") == "Agu 2025"
    assert fmt.format_month("2025-08", "en") == "Aug 2025"
    assert fmt.format_month("2025-12-01", "id") == "Des 2025"
    assert fmt.format_month_span("2025-07", "2025-12", "id") == "Jul 2025 – Des 2025"


def test_the_template_filters_follow_the_active_language() -> None:
    template = Template(
        "{% load jaring_format %}{{ m|rupiah }} {{ p|percent }} {{ d|month }} {{ t|decimal }}"
    )
    context = Context({"m": 2_520_000, "p": 97.5, "d": "2025-08", "t": 0.9})
    with translation.override("id"):
        assert template.render(context) == "Rp2.520.000 97,5% Agu 2025 0,9"
    with translation.override("en"):
        assert template.render(context) == "Rp2,520,000 97.5% Aug 2025 0.9"
