"""Aggregates for the dashboard: counts only, never a person (sponsors see these too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Count

from jaring.accounts.scope import Scope
from jaring.core.state import registry_state
from jaring.geo.models import Area
from jaring.registry.models import OccupationCategory

# Registries whose highest person id is below this are counted on every visit.
CACHE_FROM_PERSON_ID = 50_000

_GROUP = ["village_id", "occupation_id", "is_synthetic", "sex", "bpjs_status"]


@dataclass
class Bar:
    """One row of a bar table."""

    label: str
    code: str
    count: int
    synthetic: int
    width: float  # percent of the largest row
    display: str = ""  # the count as printed: exact, "<5" or "×" (disclosure control)
    suppressed: bool = False


def _bars(frame: pl.DataFrame, key: str, names: dict[Any, tuple[str, str]], shown: Any = None) -> list[Bar]:
    """Bars largest first; with ``shown`` (key -> published cell) withheld counts print as "<5"/"×",
    get no bar and go last in code order, so neither width nor rank gives them away."""
    grouped = (
        frame.group_by(key)
        .agg(pl.col("n").sum().alias("n"), pl.col("n").filter(pl.col("is_synthetic")).sum().alias("syn"))
        .sort(["n", key], descending=[True, False], nulls_last=True)
    )
    top = max(grouped["n"].to_list(), default=0) or 1
    bars = []
    for row in grouped.iter_rows(named=True):  # one row per village/occupation, not per person
        code, label = names.get(row[key], ("", ""))
        cell = shown(row[key]) if shown is not None else None
        hidden = cell is not None and cell.suppressed
        bars.append(
            Bar(
                label=label,
                code=code,
                count=0 if hidden else row["n"],
                synthetic=0 if hidden else row["syn"],
                width=0.0 if hidden else round(100 * row["n"] / top, 1),
                display=cell.display if hidden and cell is not None else "",
                suppressed=hidden,
            )
        )
    if shown is not None:
        bars.sort(
            key=lambda b: (b.suppressed, 0 if b.suppressed else -b.count, b.code if b.suppressed else "")
        )
    return bars


def cached_dashboard_stats(scope: Scope) -> dict[str, Any]:
    """:func:`dashboard_stats`, recomputed only when the registry changed (counts are the same for
    everyone with the same area, so users of one area share the entry)."""
    from django.core.cache import cache

    state = registry_state()
    # Small registries are counted directly (milliseconds); the cache is for the 100,000s.
    if not scope.can_see_aggregates or state[1] < CACHE_FROM_PERSON_ID:
        return dashboard_stats(scope)
    area = "all" if scope.sees_everywhere else scope.area_code
    from django.utils.translation import get_language

    # Occupation names follow the reader's language: one entry per language.
    key = "jaring:dashboard:{}:{}:{}:{}".format(area, get_language() or "id", *state)
    stats = cache.get(key)
    if stats is None:
        stats = dashboard_stats(scope)
        cache.set(key, stats, timeout=3600)
    return stats


def dashboard_stats(scope: Scope) -> dict[str, Any]:
    """Workers per village and per occupation inside the scope, with totals.

    One GROUP BY over the covering index ``person_village_occ``; the few thousand groups are summed
    with polars, so a million persons cost one index scan.
    """
    rows = list(scope.persons_for_aggregates().order_by().values_list(*_GROUP).annotate(n=Count("id")))
    frame = pl.DataFrame(
        rows,
        schema={
            "village_id": pl.Int64,
            "occupation_id": pl.Int64,
            "is_synthetic": pl.Boolean,
            "sex": pl.String,
            "bpjs_status": pl.String,
            "n": pl.Int64,
        },
        orient="row",
    )
    village_ids = frame["village_id"].unique().to_list()
    villages = {a.pk: (a.code, a.name) for a in Area.objects.filter(pk__in=village_ids).only("code", "name")}
    occupations = {
        o.pk: (o.slug, o.label) for o in OccupationCategory.objects.only("slug", "name", "name_en")
    }

    def total(expr: pl.Expr | None = None) -> int:
        picked = frame if expr is None else frame.filter(expr)
        return int(picked["n"].sum() or 0)

    totals = {
        "total": total(),
        "synthetic": total(pl.col("is_synthetic")),
        "bpjs_active": total(pl.col("bpjs_status") == "active"),
        "women": total(pl.col("sex") == "P"),
    }
    if scope.can_read_personal_data:
        return {
            "by_village": _bars(frame, "village_id", villages),
            "by_occupation": _bars(frame, "occupation_id", occupations),
            "totals": totals,
            "totals_display": {},
            "suppressed": {},
            "suppressed_below": None,
        }
    # Aggregates only: every figure through the one disclosure rule, shared with /areas/ and the maps.
    from jaring.core.publication import registry_figures, single_figure

    figures = registry_figures(scope)
    shown_totals = {
        "total": figures.get(("area", scope.area_code or ""))
        if scope.area_code
        else single_figure(totals["total"], scope),
        **{name: single_figure(totals[name], scope) for name in ("synthetic", "bpjs_active", "women")},
    }
    return {
        "by_village": _bars(
            frame, "village_id", villages, lambda vid: figures.get(("area", villages[vid][0]))
        ),
        "by_occupation": _bars(
            frame, "occupation_id", occupations, lambda oid: figures.get(("occupation", oid))
        ),
        "totals": {name: c.shown or 0 for name, c in shown_totals.items()},
        "totals_display": {name: c.display for name, c in shown_totals.items()},
        "suppressed": {name: c.suppressed for name, c in shown_totals.items()},
        "suppressed_below": figures.k,
    }
