"""The person frame a programme's rules and planner read, and eligibility counts over it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db.models import QuerySet
from django.utils import timezone

from jaring.accounts.scope import scope_for
from jaring.planning import rules
from jaring.programmes.models import (
    FundingSource,
    Programme,
)
from jaring.programmes.rulecheck import check_rule
from jaring.registry.models import Person

# Columns read from the registry for a person frame (the order rules.frame_from_rows expects).
FRAME_COLUMNS = [
    "id",
    "occupation__slug",
    "birth_date",
    "sex",
    "village__code",
    "monthly_income",
    "dependants",
    "has_disability",
    "is_household_head",
    "employment_status",
    "bpjs_status",
    "kbji_code",
]


def person_frame(queryset: QuerySet[Person], on: dt.date) -> pl.DataFrame:
    """The rule fields of a queryset's persons as a polars frame (age on ``on``), read in one query."""
    from django.db import connections

    values = queryset.order_by("id").values_list(*FRAME_COLUMNS)
    if connections[queryset.db].vendor == "postgresql":
        return _frame_by_copy(values, on)
    rows = list(values)
    if not rows:
        return rules.empty_frame()
    return rules.frame_from_rows(rows, on)


def _frame_by_copy(values: QuerySet[Any], on: dt.date) -> pl.DataFrame:
    """PostgreSQL: the same query through COPY … TO STDOUT as CSV, parsed by polars (no Python row loop)."""
    import io

    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:  # e.g. .none(): a query that cannot match anything
        return rules.empty_frame()
    buf = io.BytesIO()
    with (
        connections[values.db].cursor() as cur,
        cur.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)", params) as copy,
    ):
        for chunk in copy:
            buf.write(chunk)
    if buf.tell() == 0:
        return rules.empty_frame()
    buf.seek(0)
    names = ["id", *[c.split("__")[0] for c in FRAME_COLUMNS[1:]]]
    raw = pl.read_csv(
        buf,
        has_header=False,
        new_columns=names,
        schema_overrides={
            "id": pl.Int64,
            "occupation": pl.String,
            "birth_date": pl.String,
            "sex": pl.String,
            "village": pl.String,
            "monthly_income": pl.Int64,
            "dependants": pl.Int64,
            "has_disability": pl.String,
            "is_household_head": pl.String,
            "employment_status": pl.String,
            "bpjs_status": pl.String,
            "kbji_code": pl.String,
        },
    ).with_columns(
        pl.col("birth_date").str.to_date("%Y-%m-%d"),
        (pl.col("has_disability") == "t").alias("has_disability"),
        (pl.col("is_household_head") == "t").alias("is_household_head"),
        pl.col("employment_status").fill_null(""),
        pl.col("kbji_code").fill_null(""),
    )
    return rules.with_derived(raw, on)


def programme_persons(programme: Programme, user: Any | None = None) -> QuerySet[Person]:
    """The approved, deduplicated persons of the programme's regency (and of the user's scope if given)."""
    qs: QuerySet[Person] = Person.objects.approved().filter(
        village__code__startswith=programme.area.code + "."
    )
    if user is not None:
        qs = scope_for(user).persons_for_aggregates(qs)
    return qs


def eligible_count(rule: rules.Rule, frame: pl.DataFrame) -> int:
    """How many persons of ``frame`` pass ``rule``."""
    if frame.height == 0:
        return 0
    return frame.filter(rule.expression()).height


def rule_summary(
    text: str, *, user: Any, programme: Programme | None = None, on: dt.date | None = None
) -> dict[str, Any]:
    """Check a rule and count the approved persons in the user's scope (and programme) who pass it."""
    checked = check_rule(text)
    if checked.error is not None:
        return {"ok": False, "error": checked.error.as_dict(), "eligible": None, "total": None}
    assert checked.rule is not None
    scope = scope_for(user)
    qs = scope.persons_for_aggregates(Person.objects.approved())
    if programme is not None:
        qs = qs.filter(village__code__startswith=programme.area.code + ".")
    day = on or (programme.first_month if programme is not None else timezone.localdate().replace(day=1))
    frame = person_frame(qs, day)
    return {
        "ok": True,
        "error": None,
        "eligible": eligible_count(checked.rule, frame),
        "total": frame.height,
        "clauses": [c.text for c in checked.rule.clauses],
    }


def evaluate_source(source: FundingSource, frame: pl.DataFrame) -> pl.DataFrame:
    """Per person of ``frame``: id, passes, failed_clause, failed_text, reason_id, reason_en for a source."""
    rule = rules.parse(source.rule)
    result = rule.evaluate(frame, source_name=source.name)
    return pl.concat([frame.select("id"), result], how="horizontal")
