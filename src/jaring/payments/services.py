"""Bills per payer and month from the approved plan and the registered members, notes, reconciliation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from jaring.enrolment import services as enrolment_services
from jaring.enrolment.models import Enrolment, EnrolmentStatus
from jaring.enrolment.services import EnrolmentError, approved_plan, check_can_edit
from jaring.payments.bulk import frame_of, insert_frame
from jaring.payments.models import Bill, BillKind, BillStatus, LedgerEntry, PaymentChange
from jaring.planning import premiums as prem
from jaring.programmes import services as programme_services
from jaring.programmes.models import Programme

OPEN_BILL = (BillStatus.ISSUED, BillStatus.PARTLY_PAID, BillStatus.PAID, BillStatus.RECONCILED)


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def bill_image(b: Bill) -> dict[str, Any]:
    return {
        "reference": b.reference,
        "kind": b.kind,
        "status": b.status,
        "persons": b.persons,
        "amount": b.amount,
        "paid_amount": b.paid_amount,
        "month": f"{b.month:%Y-%m}",
    }


def log(obj: Any, action: str, *, actor: Any, via: str, before: Any = None, after: Any = None) -> None:
    PaymentChange.objects.create(
        model=obj._meta.model_name,
        object_id=obj.pk,
        action=action,
        actor=_user(actor),
        via=via,
        before=before,
        after=after,
    )


def due_date(month: dt.date) -> dt.date:
    """When a month's premiums are due: day JARING_BILL_DUE_DAY of the month (paid in advance)."""
    return month.replace(day=min(settings.JARING_BILL_DUE_DAY, 28))


def reference_of(bill: Bill) -> str:
    return f"TAG-{bill.programme.slug}-{bill.source.slug}-{bill.month:%Y%m}".upper()


# --- building bills ------------------------------------------------------------------------------------


def members_frame(programme: Programme) -> pl.DataFrame:
    """Registered members: person_id, start (month), ended (first month not billed), income, occupation."""
    values = Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.REGISTERED).values_list(
        "person_id", "start_date", "ended_month", "person__monthly_income", "person__occupation__slug"
    )
    frame = frame_of(
        values,
        {
            "person_id": pl.Int64,
            "start": pl.Date,
            "ended": pl.Date,
            "monthly_income": pl.Int64,
            "occupation": pl.String,
        },
    )
    return frame.unique("person_id", keep="first").with_columns(pl.col("start").dt.truncate("1mo"))


@dataclass
class Pricing:
    """What the bills of many months share: the plan's arrays, the members and the premium engine."""

    plan: Any
    arrays: dict[str, Any]
    members: pl.DataFrame
    calc: prem.PremiumCalculator
    includes_jht: bool

    @classmethod
    def of(cls, programme: Programme, plan: Any) -> Pricing:
        members = members_frame(programme).with_row_index("m")
        priced = members.select(pl.col("person_id").alias("id"), "monthly_income", "occupation")
        if programme.declared_income is not None:
            priced = priced.with_columns(pl.lit(programme.declared_income, pl.Int64).alias("monthly_income"))
        calc = prem.PremiumCalculator(priced, programme_services.premium_data())
        arrays = programme_services.plan_arrays(plan)
        return cls(plan, arrays, members, calc, programme.includes_jht)


def month_lines(pricing: Pricing, month: dt.date) -> pl.DataFrame:
    """One month's ledger lines the plan and the registered members give: person_id, month, s, amount."""
    schema = {"person_id": pl.Int64, "month": pl.Date, "s": pl.Int64, "amount": pl.Int64}
    label = f"{month:%Y-%m}"
    if label not in pricing.plan.months:
        return pl.DataFrame(schema=schema)
    col = pricing.arrays["assignment"][:, pricing.plan.months.index(label)]
    hit = np.flatnonzero(col >= 0)
    rows = pl.DataFrame(
        {"person_id": pricing.arrays["person_ids"][hit].astype(np.int64), "s": col[hit].astype(np.int64)}
    ).join(pricing.members.select("person_id", "m", "start", "ended"), on="person_id", how="inner")
    rows = rows.filter((pl.col("start") <= month) & (pl.col("ended").is_null() | (pl.col("ended") > month)))
    m_idx = rows["m"].to_numpy().astype(np.int64)
    s_idx = rows["s"].to_numpy()
    amount = np.zeros(rows.height, dtype=np.int64)
    for s, spec in enumerate(pricing.plan.sources):
        mask = s_idx == s
        if mask.any():
            amount[mask] = pricing.calc.total(month, spec["kind"], jht=pricing.includes_jht)[m_idx[mask]]
    return rows.select(
        "person_id", pl.lit(month, pl.Date).alias("month"), "s", pl.Series("amount", amount, dtype=pl.Int64)
    )


def bill_lines(programme: Programme, plan: Any, months: list[dt.date]) -> pl.DataFrame:
    """Ledger lines of several months (person_id, month, s, amount)."""
    pricing = Pricing.of(programme, plan)
    return pl.concat([month_lines(pricing, m) for m in months])


def build_drafts(
    programme: Programme, months: list[dt.date] | None = None, *, actor: Any, via: str
) -> dict[str, Any]:
    """(Re)build the draft bills of ``months`` (default: every month of the programme) from the newest
    approved plan, month by month (memory bounded by one month's lines). Issued bills are never touched:
    their person-months stay as they are, and a plan change in an issued month is counted in
    ``on_issued`` for a credit or debit note."""
    check_can_edit(actor, programme)
    plan = approved_plan(programme)
    months = months or programme.months()
    sources = {s.slug: s for s in programme.sources.all()}
    keys = pl.DataFrame(
        {"s": list(range(len(plan.sources))), "key": [s["key"] for s in plan.sources]},
        schema={"s": pl.Int64, "key": pl.String},
    )
    pricing = Pricing.of(programme, plan)
    made, lines_in, on_issued = 0, 0, 0
    with transaction.atomic():
        stale = Bill.objects.filter(programme=programme, status=BillStatus.DRAFT, month__in=months)
        LedgerEntry.objects.filter(bill__in=stale).delete()
        stale.delete()
        for month in months:
            issued = set(
                Bill.objects.filter(
                    programme=programme, kind=BillKind.BILL, status__in=OPEN_BILL, month=month
                ).values_list("source__slug", flat=True)
            )
            lines = month_lines(pricing, month).join(keys, on="s")
            # Person-months already on an issued bill (any payer): left alone. Read through the bill
            # index (the month's issued bills), never by scanning the ledger for the month.
            issued_ids = list(
                Bill.objects.filter(programme=programme, month=month)
                .exclude(status=BillStatus.DRAFT)
                .values_list("id", flat=True)
            )
            taken = frame_of(
                LedgerEntry.objects.filter(bill_id__in=issued_ids, credited_by__isnull=True).values_list(
                    "person_id"
                ),
                {"person_id": pl.Int64},
            )
            before = lines.height
            lines = lines.join(taken, on="person_id", how="anti").filter(~pl.col("key").is_in(sorted(issued)))
            on_issued += before - lines.height
            totals = lines.group_by("key").agg(pl.len().alias("persons"), pl.col("amount").sum()).sort("key")
            bills = Bill.objects.bulk_create(
                [
                    Bill(
                        programme=programme,
                        source=sources[r["key"]],
                        plan=plan,
                        payer_kind=sources[r["key"]].kind,
                        month=month,
                        persons=r["persons"],
                        amount=r["amount"],
                    )
                    for r in totals.iter_rows(named=True)
                ]
            )
            ids = pl.DataFrame(
                {
                    "key": [b.source.slug for b in bills],
                    "bill_id": [b.pk for b in bills],
                    "source_id": [b.source_id for b in bills],
                },
                schema={"key": pl.String, "bill_id": pl.Int64, "source_id": pl.Int64},
            )
            out = (
                lines.join(ids, on="key")
                .select("person_id", "month", "bill_id", "source_id", "amount")
                # In index order: each bill's rows together, persons ascending (B-tree appends).
                .sort("bill_id", "person_id")
            )
            try:
                with transaction.atomic():
                    insert_frame(LedgerEntry._meta.db_table, out)
            except IntegrityError as exc:
                # UNIQUE (person, month): someone is already paid for this month (e.g. by another programme).
                raise EnrolmentError(
                    "two_payers",
                    f"sebagian orang sudah dibayar pembayar lain pada {month:%Y-%m}; tagihan tidak dibuat",
                    f"some persons already have another payer in {month:%Y-%m}; no bill was made",
                ) from exc
            made += len(bills)
            lines_in += out.height
        PaymentChange.objects.create(
            model="programme",
            object_id=programme.pk,
            action="draft_bills",
            actor=_user(actor),
            via=via,
            after={"plan_version": plan.version, "bills": made, "lines": lines_in},
        )
    return {"plan_version": plan.version, "bills": made, "lines": lines_in, "on_issued": on_issued}


def issue_bills(programme: Programme, month: dt.date, *, actor: Any, via: str) -> list[Bill]:
    """Build the month's drafts from the approved plan, then issue them (reference, due date)."""
    if actor is None:
        raise EnrolmentError(
            "no_user", "sebut pengguna yang menerbitkan (--user)", "name the issuing user (--user)"
        )
    build_drafts(programme, [month], actor=actor, via=via)
    now = timezone.now()
    out = []
    with transaction.atomic():
        for bill in (
            Bill.objects.select_for_update()
            .filter(programme=programme, month=month, status=BillStatus.DRAFT)
            .select_related("programme", "source")
        ):
            before = bill_image(bill)
            bill.reference = reference_of(bill)
            bill.status, bill.issued_at, bill.issued_by = BillStatus.ISSUED, now, _user(actor)
            bill.due_date = due_date(month)
            bill.save()
            log(bill, "issue", actor=actor, via=via, before=before, after=bill_image(bill))
            out.append(bill)
    return out


# --- corrections -------------------------------------------------------------------------------------


def due_of(bill: Bill) -> int:
    """What the bill's payer owes on it: its amount less its credit notes."""
    credits = bill.notes.filter(kind=BillKind.CREDIT).aggregate(s=Sum("amount"))["s"] or 0
    return bill.amount + credits


def credit_note(bill: Bill, person_ids: list[int], reason: str, *, actor: Any, via: str) -> Bill | None:
    """A credit note taking persons off an issued bill (their ledger rows marked, never deleted)."""
    if bill.status == BillStatus.DRAFT or bill.kind != BillKind.BILL:
        raise EnrolmentError(
            "not_issued", "hanya tagihan terbit yang dikoreksi", "only issued bills get notes"
        )
    with transaction.atomic():
        rows = LedgerEntry.objects.select_for_update().filter(
            bill=bill, person_id__in=person_ids, credited_by__isnull=True
        )
        total = rows.aggregate(s=Sum("amount"))["s"] or 0
        n = rows.count()
        if n == 0:
            return None
        number = bill.notes.count() + 1
        note = Bill.objects.create(
            programme=bill.programme,
            source=bill.source,
            plan=bill.plan,
            kind=BillKind.CREDIT,
            corrects=bill,
            payer_kind=bill.payer_kind,
            month=bill.month,
            reference=f"{bill.reference}-K{number}",
            status=BillStatus.ISSUED,
            persons=n,
            amount=-total,
            reason=reason,
            issued_by=_user(actor),
            issued_at=timezone.now(),
            due_date=bill.due_date,
        )
        rows.update(credited_by=note)
        log(note, "credit", actor=actor, via=via, after=bill_image(note))
        refresh_status(bill)
    return note


def debit_note(bill: Bill, person_ids: list[int], reason: str, *, actor: Any, via: str) -> Bill | None:
    """A debit note adding the plan's registered persons missing from an issued bill's month."""
    plan = approved_plan(bill.programme)
    lines = bill_lines(bill.programme, plan, [bill.month])
    keys = [s["key"] for s in plan.sources]
    lines = lines.filter(
        pl.col("person_id").is_in(person_ids) & (pl.col("s") == keys.index(bill.source.slug))
    )
    with transaction.atomic():
        taken = set(
            LedgerEntry.objects.filter(
                month=bill.month, person_id__in=person_ids, credited_by__isnull=True
            ).values_list("person_id", flat=True)
        )
        lines = lines.filter(~pl.col("person_id").is_in(sorted(taken)))
        if lines.height == 0:
            return None
        number = bill.notes.count() + 1
        note = Bill.objects.create(
            programme=bill.programme,
            source=bill.source,
            plan=plan,
            kind=BillKind.DEBIT,
            corrects=bill,
            payer_kind=bill.payer_kind,
            month=bill.month,
            reference=f"{bill.reference}-D{number}",
            status=BillStatus.ISSUED,
            persons=lines.height,
            amount=int(lines["amount"].sum()),
            reason=reason,
            issued_by=_user(actor),
            issued_at=timezone.now(),
            due_date=bill.due_date,
        )
        out = lines.select("person_id", "month", "amount").with_columns(
            pl.lit(note.pk, pl.Int64).alias("bill_id"), pl.lit(bill.source_id, pl.Int64).alias("source_id")
        )
        insert_frame(LedgerEntry._meta.db_table, out)
        log(note, "debit", actor=actor, via=via, after=bill_image(note))
    return note


def refresh_status(bill: Bill) -> None:
    """Paid / partly paid / issued from what was paid against what is due (reconciled stays)."""
    if bill.status in (BillStatus.RECONCILED, BillStatus.CANCELLED, BillStatus.DRAFT):
        return
    due = due_of(bill)
    status = (
        BillStatus.PAID
        if bill.paid_amount >= due
        else BillStatus.PARTLY_PAID
        if bill.paid_amount > 0
        else BillStatus.ISSUED
    )
    if status != bill.status:
        bill.status = status
        bill.save(update_fields=["status"])


def reconcile(bill: Bill, *, actor: Any, via: str) -> Bill:
    """Mark a paid bill reconciled once payments, bill and ledger agree to the rupiah."""
    from jaring.payments.ledger import bill_ledger_sum

    check_can_edit(actor, bill.programme)
    due = due_of(bill)
    ledger = bill_ledger_sum(bill)
    if bill.status != BillStatus.PAID or bill.paid_amount != due or ledger != due:
        raise EnrolmentError(
            "not_reconcilable",
            f"{bill.reference}: dibayar Rp{bill.paid_amount:,}, terutang Rp{due:,}, buku besar Rp{ledger:,}",
            f"{bill.reference}: paid Rp{bill.paid_amount:,}, due Rp{due:,}, ledger Rp{ledger:,}",
        )
    before = bill_image(bill)
    bill.status, bill.reconciled_at = BillStatus.RECONCILED, timezone.now()
    bill.save(update_fields=["status", "reconciled_at"])
    log(bill, "reconcile", actor=actor, via=via, before=before, after=bill_image(bill))
    return bill


def reconcile_month(programme: Programme, month: dt.date, *, actor: Any, via: str) -> dict[str, Any]:
    """Reconcile every paid bill of a month; the others are listed with why not."""
    done, left = [], []
    for bill in Bill.objects.filter(programme=programme, month=month, kind=BillKind.BILL).exclude(
        status__in=[BillStatus.DRAFT, BillStatus.CANCELLED, BillStatus.RECONCILED]
    ):
        try:
            reconcile(bill, actor=actor, via=via)
            done.append(bill.reference)
        except EnrolmentError as exc:
            left.append({"reference": bill.reference, "status": bill.status, "message_en": exc.message_en})
    return {"reconciled": done, "not_reconciled": left}


def cancel_bill(bill: Bill, reason: str, *, actor: Any, via: str) -> Bill:
    """Cancel an issued bill nothing was paid on; its ledger rows go, the change log keeps the image."""
    check_can_edit(actor, bill.programme)
    if bill.status != BillStatus.ISSUED or bill.paid_amount:
        raise EnrolmentError(
            "not_cancellable", "hanya tagihan terbit tanpa pembayaran dibatalkan", "only unpaid issued bills"
        )
    with transaction.atomic():
        before = bill_image(bill)
        bill.lines.all().delete()
        bill.status, bill.reason = BillStatus.CANCELLED, reason
        bill.save(update_fields=["status", "reason"])
        log(bill, "cancel", actor=actor, via=via, before=before, after=bill_image(bill))
    return bill


# --- reading -------------------------------------------------------------------------------------------


def bills_for(user: Any) -> QuerySet[Bill]:
    """Bills of the programmes ``user`` may see (totals only: no person on them)."""
    return Bill.objects.filter(programme__in=programme_services.programmes_for(user)).select_related(
        "programme", "source"
    )


def filtered(qs: QuerySet[Bill], payer: str | None = None, month: dt.date | None = None) -> QuerySet[Bill]:
    if payer:
        qs = qs.filter(Q(payer_kind=payer) | Q(source__slug=payer))
    if month:
        qs = qs.filter(month=month)
    return qs.order_by("month", "source__slug", "kind", "id")


def bill_json(b: Bill) -> dict[str, Any]:
    return {
        "reference": b.reference,
        "kind": b.kind,
        "payer": b.source.slug,
        "payer_kind": b.payer_kind,
        "month": f"{b.month:%Y-%m}",
        "persons": b.persons,
        "amount": int(b.amount),
        "paid": int(b.paid_amount),
        "status": b.status,
        "due_date": b.due_date.isoformat() if b.due_date else None,
        "plan_version": b.plan.version if b.plan_id else None,
    }


def end_membership(
    enrolment: Enrolment, reason: str, on: dt.date, *, actor: Any, via: str, note: str = ""
) -> dict[str, Any]:
    """Stop bills from the month after ``on`` (death, moving out, merge, lapse), with the reason kept.

    Draft lines from then on go; issued bills get a credit note for the person's later months."""
    ended = (on.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    with transaction.atomic():
        before = enrolment_services.enrolment_image(enrolment)
        enrolment.ended_month, enrolment.end_reason, enrolment.end_note = ended, reason, note[:300]
        enrolment.updated_at = timezone.now()
        enrolment.save()
        enrolment_services.log(
            enrolment,
            "end",
            actor=actor,
            via=via,
            before=before,
            after=enrolment_services.enrolment_image(enrolment),
        )
        later = LedgerEntry.objects.filter(
            person_id=enrolment.person_id, month__gte=ended, credited_by__isnull=True
        )
        notes = []
        for line in later.select_related("bill"):
            bill = line.bill
            if bill.status == BillStatus.DRAFT:
                line.delete()
                bill.persons -= 1
                bill.amount -= line.amount
                bill.save(update_fields=["persons", "amount"])
            elif bill.kind == BillKind.BILL:
                made = credit_note(
                    bill, [enrolment.person_id], f"{reason}: {note}".strip(": "), actor=actor, via=via
                )
                if made is not None:
                    notes.append(made.reference)
    return {"ended_month": f"{ended:%Y-%m}", "credit_notes": notes}
