"""Deduplication runs: create, run the linkage engine (a background job), save the pairs."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from jaring.dedup.models import (
    CandidatePair,
    Decision,
    DedupRun,
    PairDecision,
    PairStatus,
    RunStatus,
)
from jaring.dedup.records import registry_frame
from jaring.geo.models import Area
from jaring.registry.models import (
    Person,
)

from .access import Progress, log, message
from .conflicts import collect_conflicts


def linkage() -> Any:
    """The linkage engine module (imported late: it loads Splink and DuckDB)."""
    from jaring.dedup.lib import linkage as engine

    return engine


def create_run(*, area: Area | None, threshold: float, user: Any) -> DedupRun:
    """A queued run (the job or the CLI then calls :func:`run_dedup`)."""
    en, idn = message("queued")
    return DedupRun.objects.create(
        area=area,
        threshold=threshold,
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        progress_message=en,
        progress_message_id=idn,
    )


# A queued or running run older than this is taken as abandoned (a killed worker) and no longer blocks.
STALE_AFTER = dt.timedelta(hours=3)


def run_in_progress() -> DedupRun | None:
    """The run that is queued or running now, if any (abandoned ones excepted)."""
    since = timezone.now() - STALE_AFTER
    return (
        DedupRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__gte=since)
        .order_by("-pk")
        .first()
    )


def _set_progress(run: DedupRun, value: float, code: str, callback: Progress | None, **values: Any) -> None:
    en, idn = message(code, **values)
    run.progress = max(0.0, min(1.0, value))
    run.progress_message, run.progress_message_id = en[:200], idn[:200]
    DedupRun.objects.filter(pk=run.pk).update(
        progress=run.progress,
        progress_message=run.progress_message,
        progress_message_id=run.progress_message_id,
    )
    if callback is not None:
        callback(run.progress, en)


def persons_of(area: Area | None) -> QuerySet[Person]:
    """Persons living in ``area`` (all persons without one)."""
    qs = Person.objects.all()
    if area is None:
        return qs
    return qs.filter(Q(village__code=area.code) | Q(village__code__startswith=area.code + "."))


def distinct_memory() -> pl.DataFrame:
    """Pairs decided "different people" (not undone), as ``id_l < id_r``: never proposed again."""
    rows = list(
        PairDecision.objects.filter(decision=Decision.DISTINCT, undone_at__isnull=True).values_list(
            "person_a_id", "person_b_id"
        )
    )
    frame = pl.DataFrame(rows, schema={"id_l": pl.Int64, "id_r": pl.Int64}, orient="row")
    return frame.select(
        pl.min_horizontal("id_l", "id_r").alias("id_l"), pl.max_horizontal("id_l", "id_r").alias("id_r")
    ).unique()


@dataclass
class RunOutcome:
    """What a run found, with NIKs (the CLI's ``--json`` object)."""

    run: DedupRun
    records: int = 0
    pairs: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The documented ``jaring dedup --json`` object."""
        return {
            "records": self.records,
            "pairs": self.pairs,
            "clusters": self.clusters,
            "seconds": self.seconds,
        }


def run_dedup(run: DedupRun, progress: Progress | None = None) -> RunOutcome:
    """Compare the area's current persons, replace the open pairs of earlier runs, keep every decision."""
    started = time.monotonic()
    run.status, run.started_at, run.error_message = RunStatus.RUNNING, timezone.now(), ""
    run.save(update_fields=["status", "started_at", "error_message"])
    try:
        outcome = _run(run, progress, started)
    except Exception as exc:  # a failed run must say so, never stay "running"
        log.exception("dedup run %s failed", run.pk)
        text = f"{type(exc).__name__}: {str(exc)[:300]}"
        run.status, run.finished_at, run.error_message = RunStatus.FAILED, timezone.now(), text
        run.seconds = round(time.monotonic() - started, 3)
        run.save(update_fields=["status", "finished_at", "error_message", "seconds"])
        _set_progress(run, 1.0, "failed", progress, error=text[:150])
        raise
    return outcome


def _run(run: DedupRun, progress: Progress | None, started: float) -> RunOutcome:
    _set_progress(run, 0.01, "conflicts", progress)
    try:
        collect_conflicts(area=run.area)
    except Exception:  # noqa: BLE001 — a side task, logged with its traceback: it must not stop the run
        log.exception("recording NIK conflicts failed")
    frame = registry_frame(persons_of(run.area))
    _set_progress(run, 0.05, "reading", progress, n=frame.height)
    exclude = distinct_memory()
    engine = linkage()

    def on_engine(fraction: float, _text: str) -> None:
        _set_progress(run, 0.05 + 0.85 * max(0.0, min(1.0, fraction)), "linking", progress)

    if frame.height >= 2:
        result = engine.find_duplicates(
            frame, threshold=run.threshold, exclude_pairs=exclude, progress=on_engine
        )
        pairs = result.pairs.select(
            pl.min_horizontal("id_l", "id_r").cast(pl.Int64).alias("id_l"),
            pl.max_horizontal("id_l", "id_r").cast(pl.Int64).alias("id_r"),
            pl.col("probability").cast(pl.Float64),
        )
        clusters = [sorted(int(i) for i in c) for c in result.clusters if len(c) >= 2]
    else:  # nothing to compare: the engine is not even loaded
        pairs = pl.DataFrame(schema={"id_l": pl.Int64, "id_r": pl.Int64, "probability": pl.Float64})
        clusters = []
    pairs = (
        pairs.filter(pl.col("probability") >= run.threshold)
        .join(exclude, on=["id_l", "id_r"], how="anti")
        .unique(["id_l", "id_r"], keep="first")
        .sort("probability", "id_l", "id_r", descending=[True, False, False])
    )
    cluster_of = {pid: i for i, members in enumerate(clusters, start=1) for pid in members}
    _set_progress(run, 0.92, "saving", progress, n=pairs.height)
    new = _save_pairs(run, pairs, cluster_of)
    run.records, run.pairs_found, run.pairs_new, run.clusters_found = (
        frame.height,
        pairs.height,
        new,
        len(clusters),
    )
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.seconds = round(time.monotonic() - started, 3)
    run.save()
    _set_progress(
        run, 1.0, "done", progress, pairs=pairs.height, new=new, clusters=len(clusters), n=frame.height
    )
    nik_of = dict(zip(frame.get_column("id").to_list(), frame.get_column("nik").to_list(), strict=True))
    return RunOutcome(
        run=run,
        records=frame.height,
        pairs=[
            {"a": nik_of[a], "b": nik_of[b], "probability": round(float(p), 6)}
            for a, b, p in pairs.iter_rows()
        ],
        clusters=[[nik_of[i] for i in c] for c in clusters],
        seconds=run.seconds,
    )


def _save_pairs(run: DedupRun, pairs: pl.DataFrame, cluster_of: dict[int, int]) -> int:
    """Replace the area's open pairs with ``pairs``; pairs already decided stay as they are."""
    with transaction.atomic():
        in_area = CandidatePair.objects.filter(person_a__in=persons_of(run.area).values("id"))
        in_area.filter(status=PairStatus.OPEN).delete()
        # What is left after the delete: decided pairs (few: human decisions) and other areas' open pairs.
        decided = set(CandidatePair.objects.values_list("person_a_id", "person_b_id"))
        now = timezone.now()
        objs = [
            CandidatePair(
                run=run,
                person_a_id=a,
                person_b_id=b,
                probability=p,
                cluster=cluster_of.get(a, 0),
                created_at=now,
            )
            for a, b, p in pairs.iter_rows()
            if (a, b) not in decided
        ]
        CandidatePair.objects.bulk_create(objs, batch_size=2000)
    return len(objs)
