"""Benchmark of the coverage planner: eligibility and the full plan for 1,000,000 synthetic persons.

Six funding sources over twelve months (July 2025 - June 2026), eligibility evaluated vectorised from a
synthetic person frame with polars (through the rule language of ``jaring.planning.rules`` when it
is there), premiums by income bracket, payer kind and the PP 50/2025 discount months; then, in the same
run, N small random instances whose plans are checked against the exact person-level MILP.

    .venv/bin/python bench/bench_planner.py [--persons 1000000] [--milp 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from typing import Any

import numpy as np
import polars as pl

from jaring.planning import planner
from jaring.planning.planner import SourceSpec

MONTHS = [f"2025-{m:02d}" for m in range(7, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
OCCUPATIONS = [
    ("tobacco_farmer", 0.12),
    ("tobacco_farm_labourer", 0.08),
    ("cigarette_factory_worker", 0.06),
    ("fisherman", 0.14),
    ("ojek_driver", 0.10),
    ("bpbd_volunteer", 0.02),
    ("street_vendor", 0.18),
    ("farm_labourer", 0.20),
    ("religious_worker", 0.05),
    ("becak_driver", 0.05),
]
TRANSPORT = {"ojek_driver", "becak_driver"}
VILLAGES = [f"35.25.{d:02d}.{2000 + v:04d}" for d in range(1, 19) for v in range(1, 20)]
LERAN = "35.25.10.2010"

# (key, name, kind, first month, last month, quota, budget, months per person, rule)
SOURCES: list[tuple[Any, ...]] = [
    (
        "dbhcht",
        "DBHCHT Gresik",
        "dbhcht",
        0,
        11,
        180_000,
        None,
        None,
        'occupation in ["tobacco_farmer", "tobacco_farm_labourer", "cigarette_factory_worker"] '
        "and age >= 18 and age <= 65",
    ),
    ("csr", "CSR PT Petrokimia Gresik", "csr", 0, 2, 50, 2_520_000, 3, f'village == "{LERAN}" and age >= 18'),
    ("apbd", "APBD Gresik", "apbd", 2, 11, None, 60_000_000_000, None, "age >= 18 and age <= 65"),
    (
        "apbn",
        "APBN PBI-TK",
        "apbn",
        0,
        11,
        120_000,
        None,
        None,
        'monthly_income <= 1000000 and bpjs_status != "active"',
    ),
    ("csr2", "CSR fishermen", "csr", 3, 8, 20_000, 1_500_000_000, 6, 'occupation == "fisherman"'),
    (
        "other",
        "Baznas ojek",
        "other",
        6,
        11,
        None,
        1_000_000_000,
        None,
        'occupation in ["ojek_driver", "becak_driver"]',
    ),
]


def person_frame(n: int, seed: int = 7) -> pl.DataFrame:
    """A synthetic person frame with the rule fields (SINTETIS)."""
    rng = np.random.default_rng(seed)
    occ_names = [o for o, _ in OCCUPATIONS]
    occ_p = np.array([p for _, p in OCCUPATIONS])
    occ = rng.choice(len(occ_names), size=n, p=occ_p / occ_p.sum())
    village = rng.integers(0, len(VILLAGES), size=n)
    income = rng.choice(
        [800_000, 1_000_000, 1_500_000, 2_000_000, 3_000_000], size=n, p=[0.3, 0.3, 0.2, 0.15, 0.05]
    )
    return pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "occupation": pl.Series(np.array(occ_names)[occ]),
            "age": rng.integers(15, 75, size=n).astype(np.int64),
            "sex": pl.Series(np.where(rng.random(n) < 0.5, "L", "P")),
            "village": pl.Series(np.array(VILLAGES)[village]),
            "monthly_income": income.astype(np.int64),
            "dependants": rng.integers(0, 6, size=n).astype(np.int64),
            "has_disability": rng.random(n) < 0.04,
            "is_household_head": rng.random(n) < 0.5,
            "employment_status": pl.Series(["own_account"] * n),
            "bpjs_status": pl.Series(np.where(rng.random(n) < 0.1, "active", "none")),
            "kbji_code": pl.Series(["6111"] * n),
            "is_informal": np.ones(n, dtype=bool),
        }
    ).with_columns(pl.col("village").str.slice(0, 8).alias("district"))


def eligibility(frame: pl.DataFrame) -> tuple[np.ndarray, str]:
    """Bool [persons, sources], through the rule language when it exists, else plain polars."""
    try:
        from jaring.planning import rules
    except ImportError:  # pragma: no cover - the other helper's module not there yet
        rules = None
    if rules is not None:
        exprs = [rules.parse(src[8]).expression().alias(src[0]) for src in SOURCES]
        how = "jaring.planning.rules"
    else:  # pragma: no cover
        tob = pl.col("occupation").is_in(
            ["tobacco_farmer", "tobacco_farm_labourer", "cigarette_factory_worker"]
        )
        adult = (pl.col("age") >= 18) & (pl.col("age") <= 65)
        exprs = [
            (tob & adult).alias("dbhcht"),
            ((pl.col("village") == LERAN) & (pl.col("age") >= 18)).alias("csr"),
            adult.alias("apbd"),
            ((pl.col("monthly_income") <= 1_000_000) & (pl.col("bpjs_status") != "active")).alias("apbn"),
            (pl.col("occupation") == "fisherman").alias("csr2"),
            pl.col("occupation").is_in(["ojek_driver", "becak_driver"]).alias("other"),
        ]
        how = "polars expressions"
    return frame.select(exprs).to_numpy().astype(bool), how


def premiums(frame: pl.DataFrame) -> np.ndarray:
    """Int32 Rupiah [persons, sources, months]: JKK 1 % of declared income + JKM Rp6,800, PP 50/2025."""
    income = frame["monthly_income"].to_numpy()
    transport = frame["occupation"].is_in(list(TRANSPORT)).to_numpy()
    base = (income // 100 + 6_800).astype(np.int32)  # JKK 1 % (Rp10,000 at Rp1,000,000) + JKM
    n, n_s, n_t = frame.height, len(SOURCES), len(MONTHS)
    cost = np.empty((n, n_s, n_t), dtype=np.int32)
    for s, src in enumerate(SOURCES):
        public = src[2] in ("apbd", "apbn")  # the discount does not apply to APBN/APBD-paid members
        for t, month in enumerate(MONTHS):
            disc_transport = "2026-01" <= month <= "2027-03"
            disc_other = "2026-04" <= month <= "2026-12"
            if public:
                cost[:, s, t] = base
            else:
                half = np.where(transport, disc_transport, disc_other)
                cost[:, s, t] = np.where(half, base // 2, base)
    return cost


def random_check(n_instances: int, seed: int = 1) -> tuple[int, int, int, float]:
    """On how many random small instances the planner reaches the exact MILP optimum: the whole
    objective, and its levels 1-3 (coverage, priority, narrowness)."""
    from jaring.planning.milp import random_instance, solve_exact

    matched = matched_13 = 0
    started = time.perf_counter()
    for k in range(n_instances):
        inst: Any = random_instance(seed * 1000 + k)
        p = planner.plan(**inst)
        best, _ = solve_exact(
            priority=inst["priority"],
            eligible=inst["eligible"],
            cost=inst["cost"],
            sources=inst["sources"],
            n_months=len(inst["months"]),
        )
        matched += int(p.objective().key() == best.key())
        matched_13 += int(p.objective()[:3] == best[:3])
    return matched, matched_13, n_instances, time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--milp", type=int, default=20, help="small random instances checked against the MILP")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    frame = person_frame(args.persons)
    t0 = time.perf_counter()
    eligible, how = eligibility(frame)
    cost = premiums(frame)
    priority = planner.priority_score(frame)
    t1 = time.perf_counter()
    specs = [
        SourceSpec(
            key=k,
            name=nm,
            kind=kd,
            first_month=a,
            last_month=b,
            quota_persons=q,
            budget=bu,
            max_months_per_person=mm,
        )
        for k, nm, kd, a, b, q, bu, mm, _rule in SOURCES
    ]
    result = planner.plan(
        person_ids=frame["id"].to_numpy(),
        priority=priority,
        eligible=eligible,
        cost=cost,
        sources=specs,
        months=MONTHS,
    )
    t2 = time.perf_counter()
    summary = result.summary()
    t3 = time.perf_counter()
    matched, matched_13, n_inst, milp_seconds = random_check(args.milp) if args.milp else (0, 0, 0, 0.0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    out = {
        "persons": args.persons,
        "sources": len(specs),
        "months": len(MONTHS),
        "eligibility_via": how,
        "eligibility_seconds": round(t1 - t0, 2),
        "plan_seconds": round(t2 - t1, 2),
        "summary_seconds": round(t3 - t2, 2),
        "classes": result.stats.get("classes"),
        "groups": result.stats.get("groups"),
        "solve_seconds": result.stats.get("solve_seconds"),
        "class_path": result.stats.get("path"),
        "levels_proven": [bool(v) for v in result.stats.get("proven", [])],
        "continuity": result.stats.get("continuity"),
        "lp_bounds": result.stats.get("bounds"),
        "covered_persons": summary["covered_persons"],
        "covered_person_months": summary["covered_person_months"],
        "uncovered_persons": summary["uncovered_persons"],
        "cost": summary["cost"],
        "per_source": {s["key"]: {"persons": s["persons"], "cost": s["cost"]} for s in summary["sources"]},
        "objective": result.objective()._asdict(),
        "peak_rss_gb": round(peak, 2),
        "milp_matched": f"{matched}/{n_inst}",
        "milp_matched_levels_1_3": f"{matched_13}/{n_inst}",
        "milp_seconds": round(milp_seconds, 1),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:24} {v}")


if __name__ == "__main__":
    main()
