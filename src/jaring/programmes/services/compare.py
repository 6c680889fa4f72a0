"""Running a what-if and comparing it with its base plan: totals, per-person changes, a page of them."""

from __future__ import annotations

from typing import Any

import polars as pl

from jaring.accounts.scope import scope_for
from jaring.programmes.models import (
    Programme,
)
from jaring.registry.models import Person

from .plans import PlanView, compute_plan, current_plan, save_plan_view
from .sources import check_can_edit


def run_what_if(
    programme: Programme, overrides: dict[str, Any], *, actor: Any, via: str, label: str = ""
) -> Any:
    """Compute a what-if (source changes as unsaved copies) and store it, based on the current plan."""
    check_can_edit(actor, programme)
    view = compute_plan(programme, overrides)
    base = current_plan(programme)
    return save_plan_view(
        view, actor=actor, via=via, kind="what_if", base=base, overrides={"sources": overrides}, label=label
    )


def compare_plans(base: PlanView, other: PlanView) -> dict[str, Any]:
    """Side by side: persons covered, person-months and cost per source, and who gains or loses months."""
    sources = []
    base_by = {s["key"]: s for s in base.summary["sources"]}
    other_by = {s["key"]: s for s in other.summary["sources"]}
    for key in list(base_by) + [k for k in other_by if k not in base_by]:
        a, b = base_by.get(key, {}), other_by.get(key, {})
        sources.append(
            {
                "key": key,
                "name": (a or b).get("name", key),
                "persons": [a.get("persons", 0), b.get("persons", 0)],
                "person_months": [a.get("person_months", 0), b.get("person_months", 0)],
                "cost": [a.get("cost", 0), b.get("cost", 0)],
            }
        )
    changes = coverage_changes(base, other)
    return {
        "covered_persons": [base.summary["covered_persons"], other.summary["covered_persons"]],
        "covered_person_months": [
            base.summary["covered_person_months"],
            other.summary["covered_person_months"],
        ],
        "cost": [base.summary["cost"], other.summary["cost"]],
        "sources": sources,
        "gains": int((changes["delta"] > 0).sum()),
        "losses": int((changes["delta"] < 0).sum()),
        "changes": changes,
    }


def coverage_changes(base: PlanView, other: PlanView) -> pl.DataFrame:
    """Persons whose covered months differ between two plans: person_id, before, after, delta
    (losses first, then gains; persons missing from one plan count as 0 months there)."""
    a = pl.DataFrame(
        {
            "person_id": base.person_ids.astype("int64"),
            "before": (base.assignment >= 0).sum(axis=1).astype("int64"),
        }
    )
    b = pl.DataFrame(
        {
            "person_id": other.person_ids.astype("int64"),
            "after": (other.assignment >= 0).sum(axis=1).astype("int64"),
        }
    )
    both = a.join(b, on="person_id", how="full", coalesce=True).with_columns(
        pl.col("before").fill_null(0), pl.col("after").fill_null(0)
    )
    return (
        both.with_columns((pl.col("after") - pl.col("before")).alias("delta"))
        .filter(pl.col("delta") != 0)
        .sort(["delta", "person_id"])
    )


def changes_page(
    changes: pl.DataFrame, user: Any, *, which: str = "all", page: int = 1, per_page: int = 50
) -> dict[str, Any]:
    """One page of gains/losses with the persons' NIK, name and village for users who may see them
    (others get counts only: an empty list)."""
    if which == "losses":
        changes = changes.filter(pl.col("delta") < 0)
    elif which == "gains":
        changes = changes.filter(pl.col("delta") > 0)
    total = changes.height
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    scope = scope_for(user)
    rows: list[dict[str, Any]] = []
    if scope.can_read_personal_data:
        part = changes.slice((page - 1) * per_page, per_page)
        ids = part["person_id"].to_list()
        people = {
            p["id"]: p
            for p in scope.persons(Person.objects.filter(pk__in=ids)).values(
                "id", "nik", "full_name", "village__name", "village__code"
            )
        }
        for r in part.iter_rows(named=True):
            p = people.get(r["person_id"])
            if p is None:
                continue  # outside the user's villages
            rows.append(
                {
                    "nik": p["nik"],
                    "name": p["full_name"],
                    "village": p["village__name"],
                    "village_code": p["village__code"],
                    "before": r["before"],
                    "after": r["after"],
                    "delta": r["delta"],
                }
            )
    return {"total": total, "page": page, "pages": pages, "per_page": per_page, "rows": rows}
