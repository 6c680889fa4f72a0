"""Monthly premium bills per payer, the one ledger under them, payment statements and their lines."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BillStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    RECONCILED = "reconciled", _("Reconciled")
    CANCELLED = "cancelled", _("Cancelled")


class BillKind(models.TextChoices):
    BILL = "bill", _("Bill")
    CREDIT = "credit", _("Credit note")
    DEBIT = "debit", _("Debit note")


class Bill(models.Model):
    """A payer's premiums for one month (or a credit/debit note correcting an issued bill)."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="bills")
    source = models.ForeignKey("programmes.FundingSource", on_delete=models.PROTECT, related_name="bills")
    plan = models.ForeignKey("programmes.Plan", on_delete=models.PROTECT, related_name="bills")
    kind = models.CharField(_("kind"), max_length=6, choices=BillKind.choices, default=BillKind.BILL)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("corrects"),
    )
    payer_kind = models.CharField(_("payer kind"), max_length=10)
    month = models.DateField(_("month"))
    reference = models.CharField(_("bill reference"), max_length=80, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=BillStatus.choices, default="draft")
    persons = models.PositiveIntegerField(_("persons"), default=0)
    amount = models.BigIntegerField(_("amount (Rp)"), default=0)
    paid_amount = models.BigIntegerField(_("paid (Rp)"), default=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    reconciled_at = models.DateTimeField(_("reconciled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["programme", "month", "source", "id"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "month"],
                condition=models.Q(kind="bill") & ~models.Q(status="cancelled"),
                name="one_bill_per_source_month",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.get_kind_display()} {self.source_id} {self.month:%Y-%m}"


class LedgerEntry(models.Model):
    """One person-month paid by one payer: the line of a bill (or of a debit note).

    UNIQUE (person, month) over the rows in force makes a second payer for a person-month impossible. A
    credit note does not delete the row: it points at it (``credited_by``) so the history stays, and the
    row counts no longer."""

    # No index of their own: UNIQUE (person, month) serves lookups by person, and every other way in is
    # through the bill. No database foreign key either (PROTECT still holds in the ORM): the rows are
    # written only from registered enrolments and the bill's source, and a per-row constraint trigger
    # tripled the cost of COPYing 12M rows on PostgreSQL. The bill keeps its database foreign key.
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="ledger",
        db_index=False,
        db_constraint=False,
    )
    month = models.DateField(_("month"))
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    source = models.ForeignKey(
        "programmes.FundingSource",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    amount = models.BigIntegerField(_("amount (Rp)"))
    credited_by = models.ForeignKey(
        Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="credited_lines", db_index=False
    )

    class Meta:
        ordering = ["month", "person"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            # Rows a credit note took off no longer count: the person-month may then go to another payer
            # (by a debit note), but never to two at once.
            models.UniqueConstraint(
                fields=["person", "month"],
                condition=models.Q(credited_by__isnull=True),
                name="one_payer_per_person_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m} Rp{self.amount}"


class StatementMapping(models.Model):
    """The columns of a payment statement (BPJS billing statement, bank transfer list) as data."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # field -> accepted headers, for: reference, amount, paid_on, transaction_id, payer
    columns = models.JSONField(_("columns"), default=dict)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("statement mapping")
        verbose_name_plural = _("statement mappings")

    def __str__(self) -> str:
        return self.name


class Statement(models.Model):
    """One imported payment statement (its content hash makes a re-import a no-op)."""

    content_hash = models.CharField(max_length=64, unique=True)
    filename = models.CharField(_("file"), max_length=300)
    mapping = models.ForeignKey(StatementMapping, null=True, on_delete=models.SET_NULL, related_name="+")
    lines = models.PositiveIntegerField(_("lines"), default=0)
    total = models.BigIntegerField(_("total (Rp)"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("payment statement")
        verbose_name_plural = _("payment statements")

    def __str__(self) -> str:
        return self.filename


class Outcome(models.TextChoices):
    FULL = "full", _("Full payment")
    SHORT = "short", _("Short payment")
    OVER = "over", _("Over payment")
    DUPLICATE = "duplicate", _("Duplicate payment")
    UNKNOWN = "unknown", _("Unknown reference")
    CANCELLED = "cancelled", _("For a cancelled bill")


class Payment(models.Model):
    """One statement line: a payment matched on the bill reference, with what it did."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="payments")
    line = models.PositiveIntegerField(_("line"))
    line_key = models.CharField(max_length=64, unique=True)
    reference = models.CharField(_("reference"), max_length=80, db_index=True)
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField(_("amount (Rp)"))
    applied = models.BigIntegerField(_("applied to the bill (Rp)"), default=0)
    paid_on = models.DateField(_("paid on"))
    transaction_id = models.CharField(_("transaction"), max_length=80, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)

    class Meta:
        ordering = ["statement", "line"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.reference} Rp{self.amount} {self.outcome}"


class PaymentChange(models.Model):
    """One change to a bill, note or statement: who, when, through what, before/after."""

    model = models.CharField(max_length=40, db_index=True)
    object_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=10, default="system")
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("payment change")
        verbose_name_plural = _("payment changes")

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_id}"
