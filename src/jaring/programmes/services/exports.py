"""Explaining and exporting a plan: JSON, a person's coverage, village tables, export and reason rows."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import QuerySet

from jaring.accounts.models import Role
from jaring.accounts.scope import scope_for
from jaring.programmes.models import (
    Programme,
)
from jaring.registry.models import Person

from .frames import person_frame, programme_persons
from .plans import PlanView, _priority, planner_inputs
from .whatif import _source_from_spec

REASON_TEXT = {
    "NOT_ELIGIBLE": ("tidak memenuhi syarat sumber mana pun", "not eligible for any source"),
    "NO_SOURCE_IN_MONTH": (
        "tidak ada sumber yang memenuhi syarat membayar pada bulan ini",
        "no source this person is eligible for pays in this month",
    ),
    "CAPACITY": ("memenuhi syarat, tetapi kapasitas sumber sudah habis", "eligible, but capacity used up"),
}


LIMIT_TEXT = {
    "QUOTA": ("kuota {n} orang penuh", "quota of {n} persons reached"),
    "BUDGET": ("anggaran Rp{n} habis", "budget of Rp{n} used up"),
    "MONTHS_PER_PERSON": ("sudah dibayar {n} bulan (batas per orang)", "already paid {n} months (the limit)"),
}


def _fmt(n: int) -> str:
    return f"{n:,}"


def plan_json(view: PlanView) -> dict[str, Any]:
    """The plan in the shape `jaring plan --json` prints (without the timing)."""
    return {
        "programme": view.programme.slug,
        "sources": [
            {
                "name": s["name"],
                "kind": s["kind"],
                "months": s["months"],
                "persons": s["persons"],
                "cost": s["cost"],
            }
            for s in view.summary["sources"]
        ],
        "uncovered": dict(view.summary["uncovered_persons"]),
    }


def _row_of(view: PlanView, person_id: int) -> int | None:
    import numpy as np

    hit = np.flatnonzero(view.person_ids == person_id)
    return int(hit[0]) if len(hit) else None


def person_coverage(view: PlanView, person: Person) -> list[dict[str, Any]] | None:
    """A person's months in a plan: the paying source and premium, or the reason in both languages.

    The reasons' details (failing clauses, limits, cut-offs) are worked out from the plan's sources as
    planned and the person's current registry data. None if the person is not in the plan."""
    from jaring.planning import planner

    row = _row_of(view, person.pk)
    if row is None:
        return None
    programme = view.programme
    copies = [_source_from_spec(programme, spec, view.months) for spec in view.sources]
    frame = person_frame(Person.objects.filter(pk=person.pk), programme.first_month)
    inp = planner_inputs(programme, sources=copies, frame=frame)
    failing = inp.reasons(rows=[0]) if frame.height else {}
    priority = int(_priority(programme, frame)[0]) if frame.height else 0
    per_source = {s["key"]: s for s in view.summary.get("sources", [])}
    assignment = view.assignment[row]
    out: list[dict[str, Any]] = []
    for t, month in enumerate(view.months):
        s = int(assignment[t])
        entry: dict[str, Any] = {"month": month, "source": None, "source_name": None, "cost": 0}
        if s >= 0:
            spec = view.sources[s]
            entry |= {
                "source": spec["key"],
                "source_name": spec["name"],
                "cost": int(inp.cost[0, s, t]) if frame.height else None,
                "reason": None,
                "reason_id": None,
                "reason_en": None,
                "details": [],
            }
            out.append(entry)
            continue
        code = planner.REASON_CODES[int(view.reasons[row, t])] or "NOT_ELIGIBLE"
        details: list[dict[str, Any]] = []
        if code == "NOT_ELIGIBLE":
            for key, frame_ in failing.items():
                name = next(sp["name"] for sp in view.sources if sp["key"] == key)
                rec = frame_.row(0, named=True) if frame_.height else {}
                details.append(
                    {
                        "source": key,
                        "source_name": name,
                        "text_id": rec.get("reason_id") or "",
                        "text_en": rec.get("reason_en") or "",
                    }
                )
        else:
            for k, spec in enumerate(view.sources):
                if not (frame.height and inp.eligible[0, k]):
                    continue
                runs = spec["first_month"] <= t <= spec["last_month"]
                if code == "NO_SOURCE_IN_MONTH":
                    span = f"{view.months[spec['first_month']]} – {view.months[spec['last_month']]}"
                    details.append(
                        {
                            "source": spec["key"],
                            "source_name": spec["name"],
                            "text_id": f"{spec['name']} membayar {span}",
                            "text_en": f"{spec['name']} pays {span}",
                        }
                    )
                elif runs:
                    details.append(
                        _capacity_detail(
                            spec,
                            per_source.get(spec["key"], {}),
                            assignment,
                            k,
                            priority,
                            int(inp.cost[0, k, t]),
                        )
                    )
        text_id, text_en = REASON_TEXT[code]
        if details:
            text_id += ": " + "; ".join(f"{d['text_id']}" for d in details)
            text_en += ": " + "; ".join(f"{d['text_en']}" for d in details)
        entry |= {"reason": code, "reason_id": text_id, "reason_en": text_en, "details": details}
        out.append(entry)
    return out


def _capacity_detail(
    spec: dict[str, Any], used: dict[str, Any], assignment: Any, k: int, priority: int, cost: int
) -> dict[str, Any]:
    """Why an eligible running source does not pay for this person: its limits reached, its cut-off."""
    limits: list[str] = []
    ids: list[str] = []
    ens: list[str] = []
    mine = int((assignment == k).sum())
    if spec.get("quota_persons") is not None and (used.get("remaining_quota") or 0) <= 0 and mine == 0:
        limits.append("QUOTA")
        n = _fmt(int(spec["quota_persons"]))
    if spec.get("max_months_per_person") is not None and mine >= int(spec["max_months_per_person"]):
        limits.append("MONTHS_PER_PERSON")
    remaining = used.get("remaining_budget")
    if spec.get("budget") is not None and remaining is not None and remaining < cost:
        limits.append("BUDGET")
    for limit in limits:
        n = {
            "QUOTA": _fmt(int(spec.get("quota_persons") or 0)),
            "BUDGET": _fmt(int(spec.get("budget") or 0)),
            "MONTHS_PER_PERSON": str(spec.get("max_months_per_person")),
        }[limit]
        ids.append(LIMIT_TEXT[limit][0].format(n=n.replace(",", ".")))  # 1.808 in Indonesian
        ens.append(LIMIT_TEXT[limit][1].format(n=n))
    cutoff = used.get("priority_cutoff")
    if cutoff is not None:
        ids.append(f"batas prioritas {cutoff:g}, orang ini {priority}")
        ens.append(f"priority cut-off {cutoff:g}, this person {priority}")
    return {
        "source": spec["key"],
        "source_name": spec["name"],
        "limits": limits,
        "priority_cutoff": cutoff,
        "priority": priority,
        "text_id": f"{spec['name']} ({', '.join(ids)})",
        "text_en": f"{spec['name']} ({', '.join(ens)})",
    }


def plan_frame(view: PlanView) -> pl.DataFrame:
    """Per person of the plan: person_id, covered (months), and one column per month (source key or '')."""
    import numpy as np

    keys = np.array([s["key"] for s in view.sources] + [""], dtype=object)
    data: dict[str, Any] = {"person_id": view.person_ids.astype(np.int64)}
    data["covered"] = (view.assignment >= 0).sum(axis=1).astype(np.int64)
    for t, month in enumerate(view.months):
        col = view.assignment[:, t].astype(np.int64)
        data[month] = keys[np.where(col >= 0, col, len(keys) - 1)].tolist()
    return pl.DataFrame(data)


def village_table(view: PlanView, user: Any) -> list[dict[str, Any]]:
    """Per village of the user's scope: persons in the plan, persons covered, person-months per source."""
    persons = programme_persons(view.programme, user)
    places = pl.DataFrame(
        list(persons.values_list("id", "village__code", "village__name")),
        schema={"person_id": pl.Int64, "code": pl.String, "village": pl.String},
        orient="row",
    )
    if places.height == 0:
        return []
    frame = plan_frame(view).join(places, on="person_id", how="inner")
    aggs = [pl.len().alias("persons"), (pl.col("covered") > 0).sum().alias("covered")]
    for spec in view.sources:
        key = spec["key"]
        aggs.append(
            pl.sum_horizontal([(pl.col(m) == key).cast(pl.Int64) for m in view.months]).sum().alias(key)
        )
    table = frame.group_by("code", "village").agg(aggs).sort("code")
    rows = [
        {
            "code": r["code"],
            "village": r["village"],
            "persons": r["persons"],
            "covered": r["covered"],
            "by_source": [r[s["key"]] for s in view.sources],
        }
        for r in table.iter_rows(named=True)
    ]
    from jaring.core.publication import control_village_table, needs_disclosure_control

    if needs_disclosure_control(scope_for(user)):
        # Aggregates only: the one disclosure rule over persons, covered and persons per source.
        patterns = (
            frame.with_columns(
                pl.concat_str(
                    [
                        pl.when(pl.any_horizontal([pl.col(m) == s["key"] for m in view.months]))
                        .then(pl.lit(s["key"]))
                        .otherwise(pl.lit(""))
                        for s in view.sources
                    ],
                    separator="|",
                ).alias("pattern")
            )
            .group_by("code", "pattern")
            .agg(pl.len().alias("n"))
        )
        counts = {(r["code"], r["pattern"]): r["n"] for r in patterns.iter_rows(named=True)}
        control_village_table(rows, counts, [s["key"] for s in view.sources], scope_for(user))
    return rows


def export_rows(view: PlanView, user: Any, layout: str = "months") -> pl.DataFrame:
    """The plan per person (one column per month) or per person-month, with NIK, name and village
    of the persons in the user's scope; text cells neutralised for spreadsheets."""
    from jaring.core.lib.spreadsheet import neutralise_frame

    people = pl.DataFrame(
        list(
            scope_for(user)
            .persons(programme_persons(view.programme))
            .values_list("id", "nik", "full_name", "village__code", "village__name", "is_synthetic")
        ),
        schema={
            "person_id": pl.Int64,
            "nik": pl.String,
            "name": pl.String,
            "village_code": pl.String,
            "village": pl.String,
            "is_synthetic": pl.Boolean,
        },
        orient="row",
    )
    wide = plan_frame(view).join(people, on="person_id", how="inner")
    names = {s["key"]: s["name"] for s in view.sources}
    lead = ["nik", "name", "village_code", "village"]
    if layout == "months":
        out = wide.select(
            *lead,
            *[pl.col(m).replace_strict(names, default="").alias(m) for m in view.months],
            pl.col("covered").alias("months_covered"),
            pl.when(pl.col("is_synthetic")).then(pl.lit("SINTETIS")).otherwise(pl.lit("")).alias("data_note"),
        ).sort("village_code", "nik")
    else:
        reasons = {i: code for i, code in enumerate(_reason_codes())}
        import numpy as np

        index = {int(pid): i for i, pid in enumerate(view.person_ids)}
        idx = np.array([index[int(p)] for p in wide["person_id"].to_list()], dtype=np.int64)
        long_parts = []
        for t, month in enumerate(view.months):
            codes = view.reasons[idx, t].astype(np.int64) if len(idx) else np.zeros(0, dtype=np.int64)
            long_parts.append(
                wide.select(
                    *lead, pl.col(month).replace_strict(names, default="").alias("source")
                ).with_columns(
                    pl.lit(month).alias("month"),
                    pl.Series("reason", [reasons[int(c)] for c in codes], dtype=pl.String),
                )
            )
        out = (
            pl.concat(long_parts)
            .select(*lead, "month", "source", "reason")
            .sort("village_code", "nik", "month")
            if long_parts
            else pl.DataFrame()
        )
    return neutralise_frame(out)


def _reason_codes() -> tuple[str, ...]:
    from jaring.planning import planner

    return planner.REASON_CODES


def reasons_rows(view: PlanView, user: Any, language: str = "en") -> pl.DataFrame:
    """Every uncovered person-month of the persons in the user's scope with its reason in plain words:
    for persons eligible for nothing each source's failing clause; for the others the reason code's text
    (the per-person detail, with limits and cut-offs, is on the person's coverage timeline)."""
    import numpy as np

    from jaring.core.lib.spreadsheet import neutralise_frame

    lang = 0 if language.startswith("id") else 1
    people_qs = scope_for(user).persons(programme_persons(view.programme))
    frame = person_frame(people_qs, view.programme.first_month)
    info = pl.DataFrame(
        list(people_qs.values_list("id", "nik", "full_name", "village__code")),
        schema={"id": pl.Int64, "nik": pl.String, "name": pl.String, "village_code": pl.String},
        orient="row",
    )
    copies = [_source_from_spec(view.programme, spec, view.months) for spec in view.sources]
    inp = planner_inputs(view.programme, sources=copies, frame=frame)
    failing = inp.reasons()
    clause_text = None
    for key, part in failing.items():
        col = part.select("id", pl.col("reason_id" if lang == 0 else "reason_en").alias(key))
        clause_text = (
            col if clause_text is None else clause_text.join(col, on="id", how="full", coalesce=True)
        )
    codes = _reason_codes()
    index = {int(pid): i for i, pid in enumerate(view.person_ids)}
    ids = [i for i in info["id"].to_list() if i in index]
    idx = np.array([index[i] for i in ids], dtype=np.int64)
    parts = []
    for t, month in enumerate(view.months):
        r = view.reasons[idx, t].astype(np.int64) if len(idx) else np.zeros(0, dtype=np.int64)
        keep = r > 0
        parts.append(
            pl.DataFrame(
                {
                    "id": np.array(ids, dtype=np.int64)[keep],
                    "month": [month] * int(keep.sum()),
                    "reason": [codes[c] for c in r[keep]],
                },
                schema={"id": pl.Int64, "month": pl.String, "reason": pl.String},
            )
        )
    long = (
        pl.concat(parts)
        if parts
        else pl.DataFrame(schema={"id": pl.Int64, "month": pl.String, "reason": pl.String})
    )
    texts = {code: REASON_TEXT[code][lang] for code in REASON_TEXT}
    long = long.with_columns(pl.col("reason").replace_strict(texts, default="").alias("explanation"))
    if clause_text is not None and clause_text.height:
        keys = [k for k in clause_text.columns if k != "id"]
        clause_text = clause_text.select(
            "id",
            pl.concat_str([pl.lit(f"{k}: ") + pl.col(k).fill_null("") for k in keys], separator="; ").alias(
                "failing_clauses"
            ),
        )
        long = long.join(clause_text, on="id", how="left").with_columns(
            pl.when(pl.col("reason") == "NOT_ELIGIBLE")
            .then(pl.col("failing_clauses"))
            .otherwise(pl.lit(""))
            .alias("failing_clauses")
        )
    else:
        long = long.with_columns(pl.lit("").alias("failing_clauses"))
    out = (
        long.join(info, on="id", how="inner")
        .select("nik", "name", "village_code", "month", "reason", "explanation", "failing_clauses")
        .sort("village_code", "nik", "month")
    )
    return neutralise_frame(out)


def to_xlsx(frame: pl.DataFrame, sheet: str) -> bytes:
    """An XLSX workbook of a frame (xlsxwriter through polars; text stays text, never a formula)."""
    import io

    buf = io.BytesIO()
    frame.write_excel(buf, worksheet=sheet, autofit=False)
    return buf.getvalue()


def person_in_scope(programme: Programme, user: Any, nik: str) -> Person | None:
    """The programme's approved person with this NIK if the user may see persons there (never sponsors)."""
    scope = scope_for(user)
    if not scope.can_read_personal_data or "\x00" in nik or len(nik) > 32:
        return None
    return scope.persons(programme_persons(programme)).filter(nik=nik).first()


def village_plan_programmes(user: Any) -> QuerySet[Programme]:
    """Programmes of a village operator's regency (whose plan pages show their village's aggregates)."""
    scope = scope_for(user)
    if scope.role != Role.VILLAGE_OPERATOR or not scope.area_code or scope.area_code.count(".") < 1:
        return Programme.objects.none()
    regency = ".".join(scope.area_code.split(".")[:2])
    return Programme.objects.filter(area__code=regency).select_related("area")


def scoped_summary(view: PlanView, user: Any) -> dict[str, Any]:
    """The plan's summary over the persons the user may count (a village operator: their village):
    persons and cost per source and month, covered persons, uncovered persons by reason."""
    import numpy as np

    frame = person_frame(programme_persons(view.programme, user), view.programme.first_month)
    index = {int(pid): i for i, pid in enumerate(view.person_ids)}
    keep = [k for k, pid in enumerate(frame["id"].to_list()) if int(pid) in index]
    frame = frame[keep] if keep else frame.clear()
    rows = np.array([index[int(pid)] for pid in frame["id"].to_list()], dtype=np.int64)
    copies = [_source_from_spec(view.programme, spec, view.months) for spec in view.sources]
    inp = planner_inputs(view.programme, sources=copies, frame=frame)
    assignment = view.assignment[rows] if len(rows) else np.zeros((0, len(view.months)), dtype=np.int8)
    reasons = view.reasons[rows] if len(rows) else np.zeros((0, len(view.months)), dtype=np.int8)
    sources = []
    for s, spec in enumerate(view.sources):
        mine = assignment == s
        months = {}
        for t, m in enumerate(view.months):
            paid = mine[:, t]
            months[m] = {
                "persons": int(paid.sum()),
                "cost": int(inp.cost[paid, s, t].astype(np.int64).sum()) if paid.any() else 0,
            }
        sources.append(
            {
                "key": spec["key"],
                "name": spec["name"],
                "kind": spec["kind"],
                "months": months,
                "persons": int(mine.any(axis=1).sum()),
                "person_months": int(mine.sum()),
                "cost": sum(v["cost"] for v in months.values()),
                "remaining_quota": None,
                "remaining_budget": None,
                "priority_cutoff": None,
            }
        )
    codes = _reason_codes()
    return {
        "months": list(view.months),
        "sources": sources,
        "persons": len(rows),
        "covered_persons": int((assignment >= 0).any(axis=1).sum()),
        "covered_person_months": int((assignment >= 0).sum()),
        "cost": sum(s["cost"] for s in sources),
        "uncovered_persons": {codes[c]: int((reasons == c).any(axis=1).sum()) for c in range(1, len(codes))},
        "uncovered_person_months": {codes[c]: int((reasons == c).sum()) for c in range(1, len(codes))},
    }
