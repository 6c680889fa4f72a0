"""The eligibility rule language: parsing, errors with positions, vectorised evaluation and reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from jaring.planning.rules import RuleError, frame_from_rows, parse

DBHCHT = 'occupation in ["tobacco_farmer", "cigarette_factory_worker"] and age >= 18 and age <= 65'
ON = dt.date(2025, 7, 1)


def row(pid: int, occupation: str | None = "tobacco_farmer", **kw: Any) -> tuple[Any, ...]:
    """A raw person row in the order frame_from_rows expects."""
    return (
        pid,
        occupation,
        kw.get("birth_date", dt.date(1985, 3, 12)),
        kw.get("sex", "L"),
        kw.get("village", "35.25.10.2010"),
        kw.get("monthly_income", 1_000_000),
        kw.get("dependants", 2),
        kw.get("has_disability", False),
        kw.get("is_household_head", True),
        kw.get("employment_status", "own_account"),
        kw.get("bpjs_status", "none"),
        kw.get("kbji_code", ""),
    )


def evaluate(text: str, rows: list[tuple[Any, ...]], name: str = "DBHCHT") -> pl.DataFrame:
    return parse(text).evaluate(frame_from_rows(rows, ON), source_name=name)


def test_it_passes_a_tobacco_farmer_and_fails_a_fisherman_with_the_reason_in_both_languages() -> None:
    out = evaluate(DBHCHT, [row(1), row(2, "fisherman")])
    assert out["passes"].to_list() == [True, False]
    assert out["failed_clause"].to_list() == [None, 0]
    assert out["reason_en"][1] == "occupation 'fisherman' is not among DBHCHT's categories"
    assert out["reason_id"][1] == "pekerjaan 'fisherman' tidak termasuk kategori DBHCHT"


def test_the_first_failing_top_level_clause_gives_the_reason() -> None:
    young = row(1, birth_date=dt.date(2010, 1, 1))
    old = row(2, birth_date=dt.date(1950, 1, 1))
    out = evaluate(DBHCHT, [young, old])
    assert out["failed_clause"].to_list() == [1, 2]
    assert out["failed_text"].to_list() == ["age >= 18", "age <= 65"]
    assert out["reason_en"][0] == "age 15 is below 18 (DBHCHT)"
    assert out["reason_en"][1] == "age 75 is above 65 (DBHCHT)"


def test_age_is_counted_on_the_reference_date() -> None:
    # 18 on 1 July 2025 exactly, and one day short of it.
    out = evaluate(
        "age >= 18", [row(1, birth_date=dt.date(2007, 7, 1)), row(2, birth_date=dt.date(2007, 7, 2))]
    )
    assert out["passes"].to_list() == [True, False]


def test_a_failed_disjunction_is_reported_as_a_whole() -> None:
    text = "age >= 18 and (has_disability or dependants > 2)"
    out = evaluate(text, [row(1, dependants=3), row(2, dependants=1)], name="APBD")
    assert out["passes"].to_list() == [True, False]
    assert out["reason_en"][1] == "none of APBD's alternatives holds: (has_disability or dependants > 2)"


def test_unknown_values_fail_comparisons_but_satisfy_exclusions() -> None:
    text = 'monthly_income < 2000000 and occupation != "fisherman"'
    out = evaluate(text, [row(1, monthly_income=None), row(2, None, monthly_income=500_000)])
    assert out["passes"].to_list() == [False, True]
    assert out["reason_en"][0].startswith("monthly income unknown")


def test_not_in_and_not_and_village_and_district_work() -> None:
    rows = [row(1, village="35.25.10.2010"), row(2, village="35.25.10.2004"), row(3, village="35.25.01.2001")]
    assert evaluate('village in ["35.25.10.2010"]', rows)["passes"].to_list() == [True, False, False]
    assert evaluate('district == "35.25.10"', rows)["passes"].to_list() == [True, True, False]
    assert evaluate('not village in ["35.25.10.2010"]', rows)["passes"].to_list() == [False, True, True]
    assert evaluate('village not in ["35.25.10.2010"]', rows)["passes"].to_list() == [False, True, True]


def test_informal_status_is_derived_from_the_employment_status() -> None:
    rows = [row(1, employment_status="employee"), row(2), row(3, employment_status="")]
    assert evaluate("is_informal", rows)["passes"].to_list() == [False, True, False]


def test_the_empty_rule_admits_everyone() -> None:
    out = evaluate("   ", [row(1), row(2, None)])
    assert out["passes"].to_list() == [True, True]


def test_keywords_are_case_insensitive_and_lists_take_a_trailing_comma() -> None:
    out = evaluate('occupation IN ["fisherman",] OR Age < 30', [row(1, "fisherman"), row(2)])
    assert out["passes"].to_list() == [True, False]


@pytest.mark.parametrize(
    ("text", "code", "column"),
    [
        ("age >= 'x'", "wrong_type", 8),
        ("salary > 3", "unknown_field", 1),
        ("age = 3", "single_equals", 5),
        ('occupation in ["a",', "unexpected_end", 20),
        ('sex == "X"', "unknown_value", 8),
        ("occupation < 3", "wrong_type", 12),
        ("(age > 3", "unexpected_end", 9),
        ("age > 3 age", "syntax", 9),
        ('occupation == "x', "unterminated_string", 15),
        ("age > 3 ; drop", "bad_character", 9),
        ('village == "Leran"', "bad_format", 12),
        ("has_disability == 1", "wrong_type", 19),
        ("age", "unexpected_end", 4),
        ("monthly_income <= 1.000.000", "dotted_number", 19),
    ],
)
def test_it_rejects_a_bad_rule_with_the_column_of_the_problem(text: str, code: str, column: int) -> None:
    with pytest.raises(RuleError) as info:
        parse(text)
    assert (info.value.code, info.value.column) == (code, column)
    err = info.value.as_dict()
    assert f"(kolom {column})" in err["message_id"] and f"(column {column})" in err["message_en"]


def test_it_rejects_an_unknown_occupation_slug_at_its_position() -> None:
    rule = parse('occupation in ["tobacco_farmer", "tobaco_farmer"]')
    with pytest.raises(RuleError) as info:
        rule.check({"tobacco_farmer", "fisherman"})
    assert info.value.code == "unknown_occupation"
    assert info.value.column == 34
    rule.check({"tobacco_farmer", "tobaco_farmer"})  # known slugs pass


def test_it_never_evaluates_python() -> None:
    for text in ["__import__('os')", "age.__class__ > 1", "lambda: 1"]:
        with pytest.raises(RuleError):
            parse(text)


def test_top_level_clauses_keep_their_source_text() -> None:
    rule = parse(DBHCHT + ' and bpjs_status != "active"')
    assert [c.text for c in rule.clauses] == [
        'occupation in ["tobacco_farmer", "cigarette_factory_worker"]',
        "age >= 18",
        "age <= 65",
        'bpjs_status != "active"',
    ]
    assert rule.fields() == {"occupation", "age", "bpjs_status"}


def test_it_evaluates_a_hundred_thousand_persons_at_once() -> None:
    rows = [row(i, "fisherman" if i % 3 else "tobacco_farmer") for i in range(100_000)]
    out = evaluate(DBHCHT, rows)
    assert out.height == 100_000
    assert out["passes"].sum() == len(range(0, 100_000, 3))


def test_underscores_group_digits_and_decimals_still_parse() -> None:
    rows = [row(1, monthly_income=999_999), row(2, monthly_income=1_000_001)]
    assert evaluate("monthly_income <= 1_000_000", rows)["passes"].to_list() == [True, False]
    assert evaluate("monthly_income <= 1000000.5", rows)["passes"].to_list() == [True, False]
