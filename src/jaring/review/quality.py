"""Quality indicators of batches, villages and rounds, their thresholds and the round's XLSX report."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import shapely
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core.lib.spreadsheet import neutralise_cell
from jaring.geo.models import Area, AreaLevel
from jaring.imports.models import Batch, BatchIssue, BatchStatus, Severity
from jaring.registry.models import Person
from jaring.review.lib.indicators import (
    CHECKED_FIELDS,
    COMPLETENESS_FIELDS,
    DEFAULT_Z_LIMIT,
    PERSON_SCHEMA,
    REFUSED_SCHEMA,
    compute,
)
from jaring.review.models import Comparison, Indicator, QualityThreshold

# Issue codes of refused rows that count as an invalid NIK, and as a duplicate.
NIK_ERROR_CODES = {"nik_length", "nik_scientific", "nik_birth_date", "nik_region_unknown"}
DUPLICATE_CODES = {"nik_duplicate_in_file", "nik_exists"}
# The indicators in report order (completeness columns first, one per field).
SHARE_COLUMNS = [
    *[f"completeness_{f}" for f in COMPLETENESS_FIELDS],
    Indicator.NIK_VALID.value,
    Indicator.NIK_SEX.value,
    Indicator.NIK_BIRTH_DATE.value,
    Indicator.DUPLICATES.value,
    Indicator.GPS_INSIDE.value,
    Indicator.AGE_OUTLIERS.value,
    Indicator.INCOME_OUTLIERS.value,
    Indicator.OTHER_OCCUPATION.value,
]
# Defaults seeded by the migration (indicator, comparison, limit, parameter).
DEFAULT_THRESHOLDS: list[tuple[str, str, float, float | None]] = [
    (Indicator.COMPLETENESS, Comparison.AT_LEAST, 0.80, None),
    (Indicator.NIK_VALID, Comparison.AT_LEAST, 0.95, None),
    (Indicator.NIK_SEX, Comparison.AT_LEAST, 0.97, None),
    (Indicator.NIK_BIRTH_DATE, Comparison.AT_LEAST, 0.95, None),
    (Indicator.DUPLICATES, Comparison.AT_MOST, 0.03, None),
    (Indicator.GPS_INSIDE, Comparison.AT_LEAST, 0.90, None),
    (Indicator.AGE_OUTLIERS, Comparison.AT_MOST, 0.05, None),
    (Indicator.INCOME_OUTLIERS, Comparison.AT_MOST, 0.05, DEFAULT_Z_LIMIT),
    (Indicator.OTHER_OCCUPATION, Comparison.AT_MOST, 0.15, None),
]


@dataclass(frozen=True)
class Breach:
    """One indicator on the wrong side of its threshold."""

    indicator: str
    column: str
    value: float
    limit: float
    comparison: str

    @property
    def message(self) -> str:
        """The breach in words (active language)."""
        label = indicator_label(self.column)
        if self.comparison == Comparison.AT_LEAST:
            return _("%(label)s is %(value)s, below the minimum of %(limit)s") % {
                "label": label,
                "value": pct(self.value),
                "limit": pct(self.limit),
            }
        return _("%(label)s is %(value)s, above the maximum of %(limit)s") % {
            "label": label,
            "value": pct(self.value),
            "limit": pct(self.limit),
        }


@dataclass
class Quality:
    """The indicators of one batch, village or round, with counts and the thresholds it breaches."""

    values: dict[str, Any]
    breaches: list[Breach] = field(default_factory=list)

    @property
    def breached_columns(self) -> set[str]:
        return {b.column for b in self.breaches}


def pct(value: float | None) -> str:
    """A share as a percentage in the reader's language: "97,5%", "100%" (— when not measured)."""
    from django.utils.translation import get_language

    from jaring.core.lib.formatting import format_ratio

    return "—" if value is None else format_ratio(value, get_language())


FIELD_LABELS = {
    "birth_date": gettext_lazy("birth date"),
    "address": gettext_lazy("address"),
    "phone": gettext_lazy("phone"),
    "gps": gettext_lazy("GPS point"),
    "occupation": gettext_lazy("occupation"),
    "employment_status": gettext_lazy("employment status"),
    "monthly_income": gettext_lazy("income"),
    "dependants": gettext_lazy("dependants"),
}


def indicator_label(column: str) -> str:
    """A readable name of an indicator column (completeness columns name their field)."""
    if column.startswith("completeness_"):
        name = column.removeprefix("completeness_")
        return _("Completeness of %(field)s") % {"field": str(FIELD_LABELS.get(name, name))}
    try:
        return str(Indicator(column).label)
    except ValueError:
        return column


def thresholds() -> dict[str, QualityThreshold]:
    """The configured thresholds by indicator (edited by data stewards in the admin)."""
    return {t.indicator: t for t in QualityThreshold.objects.all()}


def breaches(values: dict[str, Any], limits: dict[str, QualityThreshold]) -> list[Breach]:
    """The thresholds ``values`` breaches (the completeness limit applies to each checked field)."""
    out: list[Breach] = []
    for column in SHARE_COLUMNS:
        if column.startswith("completeness_"):
            if column.removeprefix("completeness_") not in CHECKED_FIELDS:
                continue
            t = limits.get(Indicator.COMPLETENESS)
        else:
            t = limits.get(column)
        value = values.get(column)
        if t is not None and value is not None and t.breached_by(value):
            out.append(Breach(t.indicator, column, float(value), t.limit, t.comparison))
    return out


def persons_frame(qs: QuerySet[Person]) -> pl.DataFrame:
    """The persons of ``qs`` (current records only) as the indicator frame, in one query."""
    names = [c for c in PERSON_SCHEMA if c != "occupation"] + ["occupation__slug"]
    rows = list(qs.filter(merged_into__isnull=True).values_list(*names))
    schema = {c: PERSON_SCHEMA[c] for c in PERSON_SCHEMA if c != "occupation"} | {"occupation": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def refused_frame(batches: Iterable[Batch]) -> pl.DataFrame:
    """One row per refused spreadsheet row of ``batches`` (rows with an error), with its village if known."""
    batches = list(batches)
    if not batches:
        return pl.DataFrame(schema=REFUSED_SCHEMA)
    issues = list(
        BatchIssue.objects.filter(batch__in=batches, severity=Severity.ERROR, row__gt=0).values_list(
            "batch_id", "row", "code", "value"
        )
    )
    df = pl.DataFrame(
        issues,
        schema={"batch_id": pl.Int64, "row": pl.Int64, "code": pl.String, "value": pl.String},
        orient="row",
    )
    df = df.group_by("batch_id", "row").agg(
        pl.col("code").is_in(sorted(NIK_ERROR_CODES)).any().alias("nik_invalid"),
        pl.col("code").is_in(sorted(DUPLICATE_CODES)).any().alias("duplicate"),
        pl.col("value").filter(pl.col("code").is_in(sorted(DUPLICATE_CODES))).first().alias("_nik"),
    )
    # A duplicate row belongs to the village of the registered person with its NIK; any other refused row
    # to the batch's village when the batch is a village's own file (a district file leaves it unknown).
    dup_niks = df.get_column("_nik").drop_nulls().unique().to_list()
    by_nik = pl.DataFrame(
        list(Person.objects.filter(nik__in=dup_niks).values_list("nik", "village_id")) if dup_niks else [],
        schema={"_nik": pl.String, "_vid": pl.Int64},
        orient="row",
    )
    own = pl.DataFrame(
        [(b.pk, b.village_id if b.village.level == AreaLevel.VILLAGE else None) for b in batches],
        schema={"batch_id": pl.Int64, "_own": pl.Int64},
        orient="row",
    )
    df = df.join(by_nik, on="_nik", how="left").join(own, on="batch_id", how="left")
    return df.select(
        "batch_id", "row", pl.coalesce("_vid", "_own").alias("village_id"), "nik_invalid", "duplicate"
    ).cast(REFUSED_SCHEMA)  # type: ignore[arg-type]


def _boundaries(village_ids: list[int]) -> dict[int, Any]:
    shapes: dict[int, Any] = {}
    for vid, geometry in Area.objects.filter(id__in=village_ids, boundary__isnull=False).values_list(
        "id", "boundary"
    ):
        try:
            geom = shapely.geometry.shape(geometry)
        except (TypeError, ValueError, AttributeError, KeyError, shapely.errors.GEOSException):
            continue  # a broken shape is not a reason to refuse the whole report
        shapely.prepare(geom)
        shapes[int(vid)] = geom
    return shapes


def _dedup_duplicates(person_ids: list[int]) -> set[int]:
    """Persons of ``person_ids`` in an open candidate pair of the dedup app (empty without that app)."""
    if not person_ids:
        return set()
    try:
        from jaring.dedup.models import CandidatePair
    except ImportError:  # the dedup app is optional for the indicators
        return set()
    # One query over the open pairs (the dedup queue is far smaller than the registry), matched in memory.
    pairs = pl.DataFrame(
        list(CandidatePair.objects.filter(status="open").values_list("person_a_id", "person_b_id")),
        schema={"a": pl.Int64, "b": pl.Int64},
        orient="row",
    )
    in_pairs = set(pairs["a"].to_list()) | set(pairs["b"].to_list())
    return in_pairs.intersection(person_ids)


def _compute(persons: pl.DataFrame, refused: pl.DataFrame, group: str | None) -> pl.DataFrame:
    limits = thresholds()
    income = limits.get(Indicator.INCOME_OUTLIERS)
    z_limit = income.parameter if income is not None and income.parameter else DEFAULT_Z_LIMIT
    village_ids = persons.get_column("village_id").drop_nulls().unique().to_list()
    return compute(
        persons,
        refused,
        group=group,
        boundaries=_boundaries(village_ids),
        duplicate_ids=_dedup_duplicates(persons.get_column("id").to_list()),
        min_age=settings.JARING_MIN_WORKING_AGE,
        max_age=settings.JARING_MAX_WORKING_AGE,
        z_limit=z_limit,
    )


def batch_quality(batch: Batch) -> Quality:
    """The indicators of one batch and the thresholds it breaches."""
    persons = persons_frame(Person.objects.filter(batch=batch))
    row = _compute(persons, refused_frame([batch]), None).row(0, named=True)
    return Quality(values=row, breaches=breaches(row, thresholds()))


@dataclass
class RoundQuality:
    """A round's report: one Quality per village (with its code and name) and the round's total."""

    villages: list[tuple[Area, Quality]]
    total: Quality
    batches: int
    per_batch: list[tuple[Batch, Quality]] = field(default_factory=list)


def round_quality(round_obj: Any, batches: QuerySet[Batch]) -> RoundQuality:
    """Indicators per village and for the whole round, over the committed batches given (scoped)."""
    chosen = list(batches.filter(round=round_obj, status=BatchStatus.COMMITTED).select_related("village"))
    persons = (
        persons_frame(Person.objects.filter(batch__in=chosen))
        if chosen
        else persons_frame(Person.objects.none())
    )
    refused = refused_frame(chosen)
    limits = thresholds()
    total_row = _compute(persons, refused, None).row(0, named=True)
    per_village = _compute(persons, refused.filter(pl.col("village_id").is_not_null()), "village_id")
    areas = Area.objects.in_bulk([int(v) for v in per_village.get_column("village_id").to_list()])
    villages: list[tuple[Area, Quality]] = []
    for row in per_village.iter_rows(named=True):
        area = areas.get(int(row["village_id"]))
        if area is not None:
            villages.append((area, Quality(values=row, breaches=breaches(row, limits))))
    villages.sort(key=lambda item: item[0].code)
    by_batch = {b.pk: b for b in chosen}
    per_batch = [
        (by_batch[int(row["batch_id"])], Quality(values=row, breaches=breaches(row, limits)))
        for row in _compute(persons, refused, "batch_id").iter_rows(named=True)
        if row["batch_id"] is not None and int(row["batch_id"]) in by_batch
    ]
    per_batch.sort(key=lambda item: (item[0].village.code, item[0].pk))
    return RoundQuality(
        per_batch=per_batch,
        villages=villages,
        total=Quality(values=total_row, breaches=breaches(total_row, limits)),
        batches=len(chosen),
    )


def quality_json(q: Quality) -> dict[str, Any]:
    """A Quality as plain JSON (values rounded to 4 decimals, breaches in words)."""
    values = {
        k: (round(v, 4) if isinstance(v, float) else v) for k, v in q.values.items() if k != "village_id"
    }
    return {
        "values": values,
        "breaches": [
            {
                "indicator": b.indicator,
                "column": b.column,
                "value": round(b.value, 4),
                "limit": b.limit,
                "comparison": b.comparison,
                "message": b.message,
            }
            for b in q.breaches
        ],
    }


def round_xlsx(report: RoundQuality, round_name: str) -> bytes:
    """The round's quality report as XLSX: one row per village, red cells past a threshold."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("quality")
    bold = book.add_format({"bold": True})
    share = book.add_format({"num_format": "0.0%"})
    red = book.add_format({"num_format": "0.0%", "bg_color": "#F8D7DA", "font_color": "#9C0006"})
    sheet.write(0, 0, neutralise_cell(round_name), bold)
    header = ["village_code", "village_name", "persons", "refused_rows", *SHARE_COLUMNS, "breaches"]
    for col, name in enumerate(header):
        sheet.write(2, col, name, bold)
    rows: list[tuple[str, str, Quality]] = [(a.code, a.name, q) for a, q in report.villages]
    rows.append(("", _("Whole round"), report.total))

    def write_quality(ws: Any, r: int, c: int, q: Quality) -> None:
        # From column c: persons, refused rows, each share (red past its threshold), the breaches in words.
        ws.write_number(r, c, int(q.values.get("persons") or 0))
        ws.write_number(r, c + 1, int(q.values.get("refused_rows") or 0))
        for i, column in enumerate(SHARE_COLUMNS, start=c + 2):
            value = q.values.get(column)
            if value is None:
                ws.write_blank(r, i, None)
            else:
                ws.write_number(r, i, float(value), red if column in q.breached_columns else share)
        messages = "; ".join(b.message for b in q.breaches)
        ws.write_string(r, c + 2 + len(SHARE_COLUMNS), str(neutralise_cell(messages)))

    for r, (code, name, q) in enumerate(rows, start=3):
        sheet.write_string(r, 0, code)
        sheet.write_string(r, 1, str(neutralise_cell(name)))
        write_quality(sheet, r, 2, q)
    sheet.freeze_panes(3, 2)
    per_batch = book.add_worksheet("batches")
    head = ["batch_id", "filename", "area_code", "review_status", "persons", "refused_rows", *SHARE_COLUMNS]
    for col, name in enumerate([*head, "breaches"]):
        per_batch.write(0, col, name, bold)
    for r, (batch, qual) in enumerate(report.per_batch, start=1):
        per_batch.write_number(r, 0, batch.pk)
        per_batch.write_string(r, 1, str(neutralise_cell(batch.filename)))
        per_batch.write_string(r, 2, batch.village.code)
        per_batch.write_string(r, 3, batch.review_status)
        write_quality(per_batch, r, 4, qual)
    book.close()
    return buf.getvalue()
