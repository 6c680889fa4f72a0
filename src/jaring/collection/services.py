"""Collection rounds: creating them, attaching batches, and each target village's progress.

The progress table is built with a handful of grouped queries and polars, never a query per village, so a
round over a whole regency (350 villages, a million rows) stays one page load.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from jaring.accounts.models import Organisation
from jaring.accounts.scope import Scope
from jaring.collection.models import Round, RoundChange
from jaring.geo.models import Area, AreaLevel
from jaring.imports.models import Batch, ReviewStatus

# The review status of a target village that has no batch in the round yet.
NO_SUBMISSION = "no_submission"

PROGRESS_SCHEMA: dict[str, Any] = {
    "village_id": pl.Int64,
    "village_code": pl.String,
    "village_name": pl.String,
    "district_code": pl.String,
    "district_name": pl.String,
    "batches": pl.Int64,
    "rows_submitted": pl.Int64,
    "rows_with_errors": pl.Int64,
    "rows_with_warnings": pl.Int64,
    "persons": pl.Int64,
    "review_status": pl.String,
    "last_activity": pl.Datetime("us", "UTC"),
    "batch_ids": pl.List(pl.Int64),
}


class RoundError(ValueError):
    """A round or an attachment that breaks a rule (message in English / Indonesian)."""


def _actor(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _log(round_: Round, actor: Any, action: str, **details: Any) -> None:
    RoundChange.objects.create(round=round_, actor=_actor(actor), action=action, details=details)


def rounds_for(scope: Scope) -> QuerySet[Round]:
    """Rounds a user may see: those with a target village in the scope (every round for superusers)."""
    qs = Round.objects.select_related("organisation", "supervisor")
    if scope.is_superuser:
        return qs
    if not scope.can_read_personal_data:
        return qs.none()
    return qs.filter(target_villages__in=scope.villages()).distinct()


def target_villages_of(codes: Iterable[str]) -> QuerySet[Area]:
    """The villages named by ``codes``: a village code, or a district/regency code for all its villages."""
    from django.db.models import Q

    query = Q(pk__in=[])
    for code in codes:
        query |= Q(code=code) | Q(code__startswith=code + ".")
    return Area.objects.villages().filter(query)


@transaction.atomic
def create_round(
    *,
    slug: str,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    organisation: Organisation,
    supervisor: Organisation | None = None,
    targets: Iterable[str] = (),
    questionnaire_version: str = "1",
    actor: Any = None,
) -> Round:
    """Create a round with its target villages (area codes; a district code means all its villages)."""
    if period_end < period_start:
        raise RoundError("The period ends before it starts / periode berakhir sebelum dimulai")
    if Round.objects.filter(slug=slug).exists():
        raise RoundError(f"A round {slug!r} exists already / putaran {slug!r} sudah ada")
    round_ = Round.objects.create(
        slug=slug,
        name=name,
        period_start=period_start,
        period_end=period_end,
        organisation=organisation,
        supervisor=supervisor,
        questionnaire_version=questionnaire_version,
    )
    villages = list(target_villages_of(targets).values_list("id", flat=True))
    round_.target_villages.set(villages)
    _log(round_, actor, "create", name=name, targets=len(villages), version=questionnaire_version)
    return round_


def round_covers(round_: Round, area: Area) -> bool:
    """Whether a batch for ``area`` fits the round: a target village, or an area holding target villages."""
    targets = round_.target_villages.all()
    if area.level == AreaLevel.VILLAGE:
        return targets.filter(pk=area.pk).exists()
    return targets.filter(code__startswith=area.code + ".").exists()


def check_batch_fits(round_: Round, area: Area) -> None:
    """Raise RoundError unless a batch for ``area`` may belong to the round."""
    if not round_covers(round_, area):
        raise RoundError(
            f"{area.name} ({area.code}) is not a target of the round {round_.name} / "
            f"{area.name} bukan sasaran putaran {round_.name}"
        )


@transaction.atomic
def attach_batches(round_: Round, batches: Iterable[Batch], actor: Any = None) -> int:
    """Make ``batches`` part of the round (those already in it are left alone); returns how many moved."""
    moved = []
    for batch in batches:
        if batch.round_id == round_.pk:
            continue
        check_batch_fits(round_, batch.village)
        moved.append(batch.pk)
    if moved:
        Batch.objects.filter(pk__in=moved).update(round=round_)
        _log(round_, actor, "attach_batches", batches=moved)
    return len(moved)


@dataclass
class ProgressFilters:
    """Filters of the per-village table."""

    district: str = ""
    review_status: str = ""
    no_submission: bool = False


def village_progress(round_: Round, scope: Scope, filters: ProgressFilters | None = None) -> pl.DataFrame:
    """One row per target village in the scope: batches, rows, errors, warnings, persons, review, activity.

    A village's own batches count with their row totals. A batch for a wider area (a district's file)
    counts in each village with the rows it committed there, and with those rows' warnings; its rows with
    errors were never committed, so they show on the batch, not on a village.
    """
    filters = filters or ProgressFilters()
    targets_qs = round_.target_villages.filter(pk__in=scope.villages().values("id"))
    targets = pl.DataFrame(
        list(targets_qs.values_list("id", "code", "name", "parent__code", "parent__name")),
        schema=["village_id", "village_code", "village_name", "district_code", "district_name"],
        orient="row",
    ).cast({"village_id": pl.Int64})
    if targets.height == 0:
        return pl.DataFrame(schema=PROGRESS_SCHEMA)
    links = _batch_links(_round_batches(round_))
    per_village = (
        links.sort("updated_at", "batch_id")
        .group_by("village_id")
        .agg(
            pl.len().cast(pl.Int64).alias("batches"),
            pl.col("rows").sum().alias("rows_submitted"),
            pl.col("errors").sum().alias("rows_with_errors"),
            pl.col("warnings").sum().alias("rows_with_warnings"),
            pl.col("persons").sum().alias("persons"),
            # The latest batch speaks for the village (a resubmission replaces a returned batch).
            pl.col("batch_review").last().alias("review_status"),
            pl.col("updated_at").max().alias("last_activity"),
            pl.col("batch_id").alias("batch_ids"),
        )
    )
    table = (
        targets.join(per_village, on="village_id", how="left")
        .with_columns(
            *[
                pl.col(c).fill_null(0)
                for c in ("batches", "rows_submitted", "rows_with_errors", "rows_with_warnings", "persons")
            ],
            pl.col("review_status").fill_null(NO_SUBMISSION),
            pl.col("batch_ids").fill_null([]),
        )
        .sort("village_code")
    )
    return filter_progress(table.select(list(PROGRESS_SCHEMA)).cast(PROGRESS_SCHEMA), filters)  # type: ignore[arg-type]


def _round_batches(round_: Round) -> pl.DataFrame:
    """The round's batches: area, level, row totals, review status, last change."""
    batch_rows = list(
        Batch.objects.filter(round=round_).values_list(
            "id",
            "village_id",
            "village__level",
            "rows_total",
            "rows_with_errors",
            "rows_with_warnings",
            "review_status",
            "updated_at",
        )
    )
    return pl.DataFrame(
        batch_rows,
        schema={
            "batch_id": pl.Int64,
            "area_id": pl.Int64,
            "level": pl.Int64,
            "rows_total": pl.Int64,
            "errors": pl.Int64,
            "warnings": pl.Int64,
            "batch_review": pl.String,
            "updated_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )


def _batch_links(batches: pl.DataFrame) -> pl.DataFrame:
    """(village, batch) links: the rows a batch counts in that village, its persons, its review status."""
    persons, warned = _person_counts(
        batches.get_column("batch_id").to_list(),
        batches.filter(pl.col("level") != AreaLevel.VILLAGE).get_column("batch_id").to_list(),
    )
    own = batches.filter(pl.col("level") == AreaLevel.VILLAGE).select(
        pl.col("area_id").alias("village_id"),
        "batch_id",
        pl.col("rows_total").alias("rows"),
        "errors",
        "warnings",
    )
    wider_ids = batches.filter(pl.col("level") != AreaLevel.VILLAGE).get_column("batch_id")
    wider = (
        persons.filter(pl.col("batch_id").is_in(wider_ids.implode()))
        .join(warned, on=["village_id", "batch_id"], how="left")
        .select(
            "village_id",
            "batch_id",
            pl.col("persons").alias("rows"),
            pl.lit(0, dtype=pl.Int64).alias("errors"),
            pl.col("warned").fill_null(0).alias("warnings"),
        )
    )
    return (
        pl.concat([own, wider], how="vertical")
        .join(persons, on=["village_id", "batch_id"], how="left")
        .join(batches.select("batch_id", "batch_review", "updated_at"), on="batch_id", how="left")
        .with_columns(pl.col("persons").fill_null(0))
    )


def filter_progress(table: pl.DataFrame, filters: ProgressFilters) -> pl.DataFrame:
    """The rows of a progress table that pass ``filters`` (district, review status, no submission)."""
    if filters.district:
        table = table.filter(
            (pl.col("district_code") == filters.district)
            | pl.col("village_code").str.starts_with(filters.district + ".")
        )
    if filters.review_status:
        table = table.filter(pl.col("review_status") == filters.review_status)
    if filters.no_submission:
        table = table.filter(pl.col("batches") == 0)
    return table


def _person_counts(batch_ids: list[int], wider_ids: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Persons per (village, batch) of ``batch_ids``, and per (village, batch) of ``wider_ids`` the persons
    whose source row has an issue. Both read the index person_batch_row alone (no table rows)."""
    from django.db import connection

    persons_schema = {"village_id": pl.Int64, "batch_id": pl.Int64, "persons": pl.Int64}
    warned_schema = {"village_id": pl.Int64, "batch_id": pl.Int64, "warned": pl.Int64}
    rows: list[Any] = []
    warned_rows: list[Any] = []
    with connection.cursor() as cur:
        for i in range(0, len(batch_ids), 500):
            chunk = batch_ids[i : i + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(
                "SELECT village_id, batch_id, COUNT(*) FROM registry_person"
                f" WHERE batch_id IN ({marks}) GROUP BY batch_id, village_id",
                chunk,
            )
            rows.extend(cur.fetchall())
        for i in range(0, len(wider_ids), 500):
            chunk = wider_ids[i : i + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(
                "SELECT p.village_id, p.batch_id, COUNT(*) FROM"
                " (SELECT DISTINCT batch_id, row FROM imports_batchissue"
                f"  WHERE batch_id IN ({marks}) AND row > 0) i"
                " JOIN registry_person p ON p.batch_id = i.batch_id AND p.source_row = i.row"
                " GROUP BY p.batch_id, p.village_id",
                chunk,
            )
            warned_rows.extend(cur.fetchall())
    return (
        pl.DataFrame(rows, schema=persons_schema, orient="row"),
        pl.DataFrame(warned_rows, schema=warned_schema, orient="row"),
    )


def round_summary(table: pl.DataFrame) -> dict[str, int]:
    """Totals of a progress table: targets, villages with a submission, approved villages, rows, persons."""
    return {
        "targets": table.height,
        "villages_submitted": table.filter(pl.col("batches") > 0).height,
        "villages_approved": table.filter(pl.col("review_status") == ReviewStatus.APPROVED).height,
        "rows_submitted": int(table.get_column("rows_submitted").sum() or 0),
        "rows_with_errors": int(table.get_column("rows_with_errors").sum() or 0),
        "persons": int(table.get_column("persons").sum() or 0),
    }


def review_label(value: str) -> str:
    """The (translated) label of a village's review status, "no submission" included."""
    from django.utils.translation import gettext

    if value == NO_SUBMISSION:
        return gettext("No submission")
    return str(ReviewStatus(value).label) if value in ReviewStatus.values else value


def export_progress(table: pl.DataFrame, fmt: str = "csv") -> bytes:
    """The per-village table as CSV (UTF-8 with BOM) or XLSX, text cells neutralised against formulas."""
    from jaring.core.lib.spreadsheet import neutralise_frame

    out = table.select(
        "village_code",
        "village_name",
        "district_code",
        "district_name",
        "batches",
        "rows_submitted",
        "rows_with_errors",
        "rows_with_warnings",
        "persons",
        "review_status",
        pl.col("last_activity").dt.strftime("%Y-%m-%d %H:%M").alias("last_activity"),
        pl.col("batch_ids").cast(pl.List(pl.String)).list.join(" ").alias("batch_ids"),
    )
    out = neutralise_frame(out)
    if fmt == "xlsx":
        buf = io.BytesIO()
        out.write_excel(buf, worksheet="villages", autofit=False, dtype_formats={pl.String: "@"})
        return buf.getvalue()
    return b"\xef\xbb\xbf" + out.write_csv().encode()


def _count_per_round(qs: QuerySet[Any]) -> Coalesce:
    per_round = qs.filter(round_id=OuterRef("pk")).order_by().values("round_id").annotate(n=Count("*"))
    return Coalesce(Subquery(per_round.values("n"), output_field=IntegerField()), 0)


def with_counts(qs: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds with their target-village and batch counts, in the same query (a list shows them per row)."""
    return qs.annotate(
        n_target_villages=_count_per_round(Round.target_villages.through.objects.all()),
        n_batches=_count_per_round(Batch.objects.all()),
    )


def round_out(round_: Round) -> dict[str, Any]:
    """A round as the API and the CLI show it (counts from ``with_counts`` when the list annotated them)."""
    targets = getattr(round_, "n_target_villages", None)
    batches = getattr(round_, "n_batches", None)
    return {
        "slug": round_.slug,
        "name": round_.name,
        "period_start": round_.period_start,
        "period_end": round_.period_end,
        "questionnaire_version": round_.questionnaire_version,
        "organisation": round_.organisation.name,
        "supervisor": round_.supervisor.name if round_.supervisor else None,
        "target_villages": round_.target_villages.count() if targets is None else targets,
        "batches": round_.batches.count() if batches is None else batches,
    }


def pull_odk(
    client: Any,
    *,
    village: Area,
    user: Any = None,
    commit: bool = False,
    round_: Round | None = None,
    page_size: int = 500,
    progress: Any = None,
) -> Batch | None:
    """Pull a form's submissions from ODK Central into a batch (validated; committed with ``commit``).

    The flattened submissions are stored as a CSV file of the batch, so the batch page, its issue report
    and a later re-validation work as for an uploaded export. None when there is nothing new to import.
    """
    from django.conf import settings
    from django.utils import timezone

    from jaring.collection.lib.odk import pull_frame
    from jaring.imports.lib.normalise import submission_uuid
    from jaring.imports.services import run_import
    from jaring.imports.validation import existing_submissions

    if round_ is not None:
        check_batch_fits(round_, village)
    frame = pull_frame(client, page_size=page_size)
    if frame.height == 0:
        return None
    uuids = frame.select(submission_uuid(pl.col("KEY"))).to_series() if "KEY" in frame.columns else None
    known = uuids is not None and uuids.null_count() == 0
    if known and uuids is not None and existing_submissions(uuids).n_unique() == uuids.n_unique():
        return None  # every submission is in the registry already: no batch of warnings only
    folder = Path(settings.VAR_DIR) / "odk"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    path = folder / f"odk-{client.project}-{client.form}-{stamp}.csv"
    frame.write_csv(path)
    return run_import(path, village=village, user=user, commit=commit, round=round_, progress=progress)
