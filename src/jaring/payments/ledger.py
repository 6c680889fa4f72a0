"""``jaring ledger check``: one payer per person-month; ledger = bills = reconciled payments."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count, Sum

from jaring.payments.models import Bill, BillKind, BillStatus, LedgerEntry, Payment


def bill_ledger_sum(bill: Bill) -> int:
    """What the ledger holds for a bill: its lines that no credit note took off."""
    own = LedgerEntry.objects.filter(bill=bill, credited_by__isnull=True).aggregate(s=Sum("amount"))["s"]
    return int(own or 0)


def check(programme: Any = None) -> dict[str, Any]:
    """Every inconsistency of the ledger (all programmes, or one): an empty ``problems`` list is a pass."""
    problems: list[dict[str, Any]] = []
    lines = LedgerEntry.objects.all()
    bills = Bill.objects.exclude(status=BillStatus.CANCELLED)
    if programme is not None:
        lines, bills = lines.filter(bill__programme=programme), bills.filter(programme=programme)
    # 1. Two payers for one person-month (the UNIQUE constraint forbids it; checked all the same).
    doubles = (
        lines.filter(credited_by__isnull=True)
        .values("person_id", "month")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()[:100]
    )
    for d in doubles:
        problems.append({"code": "two_payers", "person_id": d["person_id"], "month": f"{d['month']:%Y-%m}"})
    # 2. Each bill (or debit note) against its own lines; each credit note against the lines it credits.
    own = {
        r["bill_id"]: (int(r["s"] or 0), r["n"])
        for r in lines.values("bill_id").annotate(s=Sum("amount"), n=Count("id")).order_by()
    }
    credited = {
        r["credited_by_id"]: (int(r["s"] or 0), r["n"])
        for r in lines.filter(credited_by__isnull=False)
        .values("credited_by_id")
        .annotate(s=Sum("amount"), n=Count("id"))
        .order_by()
    }
    applied = {
        r["bill_id"]: int(r["s"] or 0)
        for r in Payment.objects.filter(bill__isnull=False)
        .values("bill_id")
        .annotate(s=Sum("applied"))
        .order_by()
    }
    credits: dict[int, int] = {}
    totals = {"bills": 0, "ledger": 0, "reconciled_bills": 0, "reconciled_payments": 0, "lines": 0}
    for b in bills.values(
        "id", "reference", "kind", "status", "amount", "persons", "paid_amount", "corrects_id"
    ):
        amount = int(b["amount"])
        if b["kind"] == BillKind.CREDIT:
            got, n = credited.get(b["id"], (0, 0))
            got = -got
            credits[b["corrects_id"]] = credits.get(b["corrects_id"], 0) + amount
        else:
            got, n = own.get(b["id"], (0, 0))
        if got != amount or n != b["persons"]:
            problems.append(
                {
                    "code": "bill_ledger",
                    "bill": b["reference"] or b["id"],
                    "bill_amount": amount,
                    "ledger": got,
                    "persons": b["persons"],
                    "lines": n,
                }
            )
        if applied.get(b["id"], 0) != int(b["paid_amount"]):
            problems.append(
                {
                    "code": "bill_payments",
                    "bill": b["reference"],
                    "paid": int(b["paid_amount"]),
                    "payments": applied.get(b["id"], 0),
                }
            )
        totals["bills"] += amount
    ledger_total = int(lines.filter(credited_by__isnull=True).aggregate(s=Sum("amount"))["s"] or 0)
    totals["ledger"] = ledger_total
    totals["lines"] = lines.count()
    if ledger_total != totals["bills"]:
        problems.append({"code": "total", "bills": totals["bills"], "ledger": ledger_total})
    for r in bills.filter(status=BillStatus.RECONCILED).values("id", "reference", "amount"):
        due = int(r["amount"]) + credits.get(r["id"], 0)
        totals["reconciled_bills"] += due
        totals["reconciled_payments"] += applied.get(r["id"], 0)
        if applied.get(r["id"], 0) != due:
            problems.append(
                {
                    "code": "reconciled",
                    "bill": r["reference"],
                    "due": due,
                    "payments": applied.get(r["id"], 0),
                }
            )
    return {"ok": not problems, "problems": problems, "totals": totals, "database": connection.vendor}
