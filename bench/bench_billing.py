"""Billing at national scale: 1M registered members x 12 months, bills, a 1M-line statement, ledger check.

Fills a throwaway SQLite database (or PostgreSQL with ``--db postgresql``) with synthetic persons (as
bench_lookup does), a programme of 12 months with three sources (DBHCHT, CSR, APBD), an approved plan
that assigns every person a source each month (stored directly: the planner has its own benchmark) and
every person registered. Then times, as the programme officer: building the 12 months of bills (12M
ledger rows), issuing them, importing a statement of ``--lines`` payment lines spread over the bills
(partial payments that add up to each bill, plus duplicates), and ``jaring ledger check``:

    .venv/bin/python bench/bench_billing.py [--persons 1000000] [--lines 1000000] [--db sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from jaring.testing.bench import run_child

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _rss_mb() -> float:
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def _peak_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_one(n: int, lines: int) -> dict[str, Any]:
    """Fill the configured database and time billing (this process's settings decide which database)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    django.setup()
    import numpy as np
    import polars as pl
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench_lookup import _fill, _frame
    from jaring.core.world import ensure_world
    from jaring.enrolment.models import Enrolment, EnrolmentBatch
    from jaring.geo.models import Area
    from jaring.payments import ledger, services, statements
    from jaring.payments.bulk import insert_frame
    from jaring.programmes import services as programme_services
    from jaring.programmes.models import FundingSource, Programme
    from jaring.registry.models import OccupationCategory, Person

    call_command("migrate", verbosity=0)
    world = ensure_world()
    officer = world.users["disnaker.officer"]
    villages = list(Area.objects.villages().within("35.25").values_list("id", "code"))
    occupations = list(OccupationCategory.objects.values_list("id", flat=True))
    t0 = time.perf_counter()
    _fill(_frame(n, villages, occupations))
    fill_s = time.perf_counter() - t0
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 1)
    programme = Programme.objects.create(
        slug="bench",
        name="Bench",
        area=world.regency,
        first_month=first,
        last_month=last,
        declared_income=1_000_000,
    )
    kinds = ["dbhcht", "csr", "apbd"]
    sources = [
        FundingSource.objects.create(
            programme=programme, slug=k, name=k.upper(), kind=k, first_month=first, last_month=last
        )
        for k in kinds
    ]
    ids = np.array(Person.objects.order_by("id").values_list("id", flat=True), dtype=np.int64)
    rng = np.random.default_rng(11)
    # Each person one source all year (a tenth switch to APBD in July), so a 12M-row ledger.
    base = rng.choice(3, size=len(ids), p=[0.2, 0.05, 0.75]).astype(np.int8)
    assignment = np.repeat(base[:, None], 12, axis=1)
    switch = rng.random(len(ids)) < 0.1
    assignment[switch, 6:] = 2
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    specs = [{"key": k, "name": k.upper(), "kind": k} for k in kinds]
    plan = programme_services.store_plan(
        programme,
        person_ids=ids,
        assignment=assignment,
        reasons=np.zeros_like(assignment),
        months=months,
        sources=specs,
        summary={"sources": []},
        actor=officer,
        via="bench",
    )
    plan = programme_services.approve_plan(plan, actor=officer, via="bench")
    # Everyone registered (bulk: the answer import is tested elsewhere, at batch scale).
    t0 = time.perf_counter()
    with transaction.atomic():
        batches = {
            s.pk: EnrolmentBatch.objects.create(
                programme=programme,
                plan=plan,
                source=s,
                start_month=first,
                reference=f"B-{s.slug}",
                status="answered",
                persons=int((base == i).sum()),
            )
            for i, s in enumerate(sources)
        }
        batch_ids = np.array([batches[s.pk].pk for s in sources], dtype=np.int64)[base]
        frame = pl.DataFrame(
            {
                "batch_id": batch_ids,
                "programme_id": np.full(len(ids), programme.pk, dtype=np.int64),
                "person_id": ids,
                "status": ["registered"] * len(ids),
                "kpj": pl.Series(np.arange(len(ids)) + 10**10).cast(pl.String),
                "start_date": pl.Series([first] * len(ids), dtype=pl.Date),
                "reason": [""] * len(ids),
                "end_note": [""] * len(ids),
                "end_reason": [""] * len(ids),
                "updated_at": [dt.datetime(2026, 1, 1).isoformat(sep=" ")] * len(ids),
            }
        )
        insert_frame(Enrolment._meta.db_table, frame)
    enrol_s = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    rss_before = _rss_mb()

    t0 = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        prof = cProfile.Profile()
        built = prof.runcall(services.build_drafts, programme, actor=officer, via="bench")
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    else:
        built = services.build_drafts(programme, actor=officer, via="bench")
    bills_s = time.perf_counter() - t0
    rss_bills = _rss_mb()
    t0 = time.perf_counter()
    issued = []
    from jaring.payments.models import Bill, BillStatus

    with transaction.atomic():
        now = dt.datetime.now(dt.UTC)
        for bill in Bill.objects.filter(programme=programme, status=BillStatus.DRAFT).select_related(
            "source"
        ):
            bill.reference = services.reference_of(bill)
            bill.status, bill.issued_at, bill.due_date = BillStatus.ISSUED, now, services.due_date(bill.month)
            bill.save()
            issued.append(bill)
    issue_s = time.perf_counter() - t0
    # A statement of `lines` lines: each bill paid in parts that add up to it; 1% of lines repeated.
    per_bill = max(1, lines // len(issued))
    parts = []
    for b in issued:
        k = per_bill
        amounts = np.full(k, b.amount // k, dtype=np.int64)
        amounts[-1] += b.amount - amounts.sum()
        parts.append(
            pl.DataFrame(
                {
                    "KODE_TAGIHAN": [b.reference] * k,
                    "JUMLAH": amounts,
                    "NO_TRANSAKSI": [f"{b.reference}-{i}" for i in range(k)],
                }
            )
        )
    st = pl.concat(parts).with_columns(pl.lit("2026-06-30").alias("TANGGAL"))
    dup = st.sample(fraction=0.01, seed=3).with_columns(
        (pl.col("NO_TRANSAKSI") + "-again").alias("NO_TRANSAKSI")
    )
    st = pl.concat([st, dup]).select("TANGGAL", "KODE_TAGIHAN", "JUMLAH", "NO_TRANSAKSI")
    path = Path(os.environ["JARING_VAR_DIR"]) / "statement.csv"
    st.write_csv(path)
    t0 = time.perf_counter()
    report = statements.import_statement(path, actor=officer, via="bench")
    statement_s = time.perf_counter() - t0
    rss_statement = _rss_mb()
    t0 = time.perf_counter()
    again = statements.import_statement(path, actor=officer, via="bench")
    reimport_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    check = ledger.check(programme)
    check_s = time.perf_counter() - t0
    assert check["ok"], check["problems"][:5]
    assert again["already_imported"] and again["changed"] == 0
    return {
        "db": connection.vendor,
        "persons": n,
        "months": 12,
        "fill_s": round(fill_s, 1),
        "enrol_s": round(enrol_s, 1),
        "bills": built["bills"],
        "ledger_lines": built["lines"],
        "bills_s": round(bills_s, 1),
        "issue_s": round(issue_s, 2),
        "statement_lines": st.height,
        "statement_s": round(statement_s, 1),
        "statement_counts": report["counts"],
        "reimport_s": round(reimport_s, 2),
        "ledger_check_s": round(check_s, 1),
        "ledger_ok": check["ok"],
        "rss_mb": {"before_bills": rss_before, "after_bills": rss_bills, "after_statement": rss_statement},
        "peak_rss_mb": _peak_mb(),
    }


def _child(db: str, n: int, lines: int) -> dict[str, Any]:
    return run_child(
        __file__, db, ["--persons", str(n), "--lines", str(lines)], prefix="jaring-bench-billing-"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.persons, args.lines)))
        return 0
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [_child(db, args.persons, args.lines) for db in dbs]
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
