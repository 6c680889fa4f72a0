"""Linking an outside list (e.g. BPJS members) to the registry and marking who is already covered."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction

from jaring.dedup.records import registry_frame
from jaring.geo.models import Area
from jaring.registry.models import (
    ChangeVia,
    Person,
)

from . import runs
from .access import Progress
from .runs import persons_of

LINK_COLUMNS = ["nik", "kk", "full_name", "sex", "birth_date", "village_code", "phone"]


@dataclass
class LinkOutcome:
    """The rows of an outside list matched against the registry."""

    rows: pl.DataFrame  # row, status, person_id, nik, probability, candidates
    seconds: float
    marked: int = 0

    def counts(self) -> dict[str, int]:
        """Rows per status."""
        got = dict(self.rows.group_by("status").len().iter_rows())
        return {s: int(got.get(s, 0)) for s in ("matched", "unmatched", "ambiguous")}

    def as_json(self) -> dict[str, Any]:
        """The ``jaring link --json`` object."""
        return {
            "rows": self.rows.height,
            **self.counts(),
            "marked_bpjs_active": self.marked,
            "seconds": round(self.seconds, 3),
            "listing": self.rows.to_dicts(),
        }


def read_outside_list(path: Any, columns: list[str], *, sheet: str | None = None) -> pl.DataFrame:
    """An outside CSV/XLSX as the engine's frame (``row`` + typed columns), read with the import's readers."""
    from pathlib import Path

    from jaring.imports.lib.headers import map_headers
    from jaring.imports.lib.issues import IssueSink
    from jaring.imports.lib.reader import read_table
    from jaring.imports.validation import Lookups, prepare_frame

    unknown = [c for c in columns if c not in LINK_COLUMNS]
    if unknown:
        raise ValueError(f"unknown columns {', '.join(unknown)}; use {', '.join(LINK_COLUMNS)}")
    raw = read_table(Path(path), sheet=sheet)
    hmap = map_headers(raw.headers)
    missing = [c for c in columns if c not in hmap.fields]
    if missing:
        raise ValueError(
            f"the file has no column for {', '.join(missing)} (headers: {', '.join(raw.headers)})"
        )
    typed = prepare_frame(raw, hmap, IssueSink(hmap.header_of(raw.headers)), Lookups.load())
    keep = [pl.col("_row").alias("row"), *[pl.col(c) for c in columns if c in typed.columns]]
    if "bpjs_number" in hmap.fields:
        keep.append(pl.col("bpjs_number"))
    return typed.select(keep)


def link_list(
    outside: pl.DataFrame,
    *,
    area: Area | None = None,
    threshold: float = 0.9,
    progress: Progress | None = None,
) -> LinkOutcome:
    """Match each outside row to at most one current registry person (matched, unmatched or ambiguous)."""
    started = time.monotonic()
    registry = registry_frame(persons_of(area))
    engine_input = outside.select([c for c in outside.columns if c == "row" or c in LINK_COLUMNS])
    # Looked up on the runs module at call time: one place to replace the engine (tests do).
    result = runs.linkage().link_records(registry, engine_input, threshold=threshold, progress=progress)
    niks = registry.select(pl.col("id").alias("person_id"), "nik")
    rows = result.rows.join(niks, on="person_id", how="left").select(
        "row", "status", "person_id", "nik", "probability", "candidates"
    )
    if "bpjs_number" in outside.columns:
        rows = rows.join(outside.select("row", "bpjs_number"), on="row", how="left")
    return LinkOutcome(rows=rows.sort("row"), seconds=time.monotonic() - started)


def mark_bpjs_active(outcome: LinkOutcome, *, actor: Any, via: str = ChangeVia.CLI) -> int:
    """Mark the matched persons active BPJS members (and their number, if listed), in one transaction."""
    from jaring.registry.models import BpjsStatus
    from jaring.registry.services import update_person

    matched = outcome.rows.filter(pl.col("status") == "matched")
    numbers = {}
    if "bpjs_number" in matched.columns:
        numbers = {pid: num for pid, num in matched.select("person_id", "bpjs_number").iter_rows() if num}
    ids = matched.get_column("person_id").to_list()
    changed = 0
    with transaction.atomic():
        for person in Person.objects.filter(pk__in=ids).select_related("village", "occupation"):
            data: dict[str, Any] = {"bpjs_status": BpjsStatus.ACTIVE}
            if person.pk in numbers:
                data["bpjs_number"] = str(numbers[person.pk])[:20]
            updated = update_person(
                person, data, actor=actor, expected_version=person.version, via=via, request_id="jaring-link"
            )
            changed += int(updated.version != person.version)
    outcome.marked = changed
    return changed
