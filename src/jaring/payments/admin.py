"""Django admin of bills and payments: statement mappings edited here; bills and ledger read-only."""

from __future__ import annotations

from django.contrib import admin

from jaring.enrolment.admin import ReadOnly
from jaring.payments.models import Bill, LedgerEntry, Payment, PaymentChange, Statement, StatementMapping


@admin.register(StatementMapping)
class StatementMappingAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "is_default")


@admin.register(Bill)
class BillAdmin(ReadOnly):
    list_display = ("reference", "kind", "payer_kind", "month", "persons", "amount", "paid_amount", "status")
    list_filter = ("status", "kind", "payer_kind")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ("person", "month", "bill", "amount", "credited_by")
    raw_id_fields = ("person", "bill", "credited_by")


@admin.register(Statement)
class StatementAdmin(ReadOnly):
    list_display = ("filename", "lines", "total", "imported_at")


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("statement", "line", "reference", "amount", "applied", "outcome")
    list_filter = ("outcome",)


@admin.register(PaymentChange)
class PaymentChangeAdmin(ReadOnly):
    list_display = ("at", "model", "object_id", "action", "actor", "via")
