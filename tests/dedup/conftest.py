"""Fixtures of the dedup tests: a small fake linkage engine (the real one is tested in test_linkage*)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest

from tests.registry.factories import make_person


@dataclass
class FakeLinkageResult:
    records: int
    pairs: pl.DataFrame
    clusters: list[list[int]]
    seconds: float


def fake_find_duplicates(
    records: pl.DataFrame, *, threshold: float = 0.9, exclude_pairs: Any = None, progress: Any = None
) -> FakeLinkageResult:
    """Same birth date and same first name word: probability 0.97 (0.91 when the sex differs)."""
    started = time.monotonic()
    keyed = records.with_columns(
        pl.col("full_name").str.to_lowercase().str.split(" ").list.first().alias("_k")
    )
    pairs = (
        keyed.join(keyed, on=["birth_date", "_k"], suffix="_r")
        .filter(pl.col("id") < pl.col("id_r"))
        .select(
            pl.col("id").alias("id_l"),
            pl.col("id_r"),
            pl.when(pl.col("sex") == pl.col("sex_r")).then(0.97).otherwise(0.91).alias("probability"),
        )
    )
    if exclude_pairs is not None and exclude_pairs.height:
        pairs = pairs.join(exclude_pairs, on=["id_l", "id_r"], how="anti")
    pairs = pairs.filter(pl.col("probability") >= threshold)
    if progress:
        progress(1.0, "done")
    groups: dict[int, set[int]] = {}
    for a, b in pairs.select("id_l", "id_r").iter_rows():
        merged = groups.get(a, {a}) | groups.get(b, {b})
        for i in merged:
            groups[i] = merged
    clusters = sorted({tuple(sorted(g)) for g in groups.values()})
    return FakeLinkageResult(records.height, pairs, [list(c) for c in clusters], time.monotonic() - started)


@dataclass
class FakeLinkResult:
    rows: pl.DataFrame
    seconds: float


def fake_link_records(
    registry: pl.DataFrame, outside: pl.DataFrame, *, threshold: float = 0.9, **_kw: Any
) -> FakeLinkResult:
    """Same NIK: matched; otherwise same name and birth date: matched if one, ambiguous if several."""
    out = []
    for rec in outside.iter_rows(named=True):
        hits = registry.filter(pl.col("nik") == rec.get("nik")) if rec.get("nik") else registry.clear()
        if hits.height == 0 and rec.get("full_name"):
            hits = registry.filter(
                (pl.col("full_name").str.to_lowercase() == rec["full_name"].lower())
                & (pl.col("birth_date") == rec.get("birth_date"))
            )
        status = "unmatched" if hits.height == 0 else ("matched" if hits.height == 1 else "ambiguous")
        pid = hits.get_column("id")[0] if hits.height else None
        out.append((rec["row"], status, pid, 0.99 if hits.height else None, hits.height))
    schema = {
        "row": pl.Int64,
        "status": pl.String,
        "person_id": pl.Int64,
        "probability": pl.Float64,
        "candidates": pl.Int64,
    }
    return FakeLinkResult(pl.DataFrame(out, schema=schema, orient="row"), 0.0)


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Replace the linkage engine with the fake one for the duration of a test."""
    engine = SimpleNamespace(find_duplicates=fake_find_duplicates, calls=[])

    def recording(records: pl.DataFrame, **kw: Any) -> FakeLinkageResult:
        engine.calls.append({"records": records, **kw})
        return fake_find_duplicates(records, **kw)

    engine.find_duplicates = recording
    engine.link_records = fake_link_records
    monkeypatch.setattr("jaring.dedup.services.runs.linkage", lambda: engine)
    return engine


@pytest.fixture
def twins(world: Any) -> tuple[Any, Any]:
    """One woman registered twice: in Leran and, with an old spelling and another phone, in Gumeno."""
    born = dt.date(1990, 5, 17)
    a = make_person(world.leran, "Siti Djuwariyah", sex="P", birth_date=born, phone="+6281234500001")
    b = make_person(
        world.gumeno,
        "Siti Juwariyah",
        sex="P",
        birth_date=born,
        phone="+6281234500002",
        kk="3525100101019999",
    )
    return a, b


@pytest.fixture
def leran_twins(world: Any) -> tuple[Any, Any]:
    """A man registered twice in Leran."""
    born = dt.date(1979, 1, 2)
    a = make_person(world.leran, "Ahmad Subkhi", birth_date=born, rt="001")
    b = make_person(world.leran, "Ahmad Subki", birth_date=born, rt="002")
    return a, b
