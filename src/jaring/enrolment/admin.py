"""Django admin of enrolment: the registration mapping is edited here; batches and answers are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jaring.enrolment.models import (
    AnswerImport,
    Enrolment,
    EnrolmentBatch,
    EnrolmentChange,
    RegistrationMapping,
)


@admin.register(RegistrationMapping)
class RegistrationMappingAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "is_default", "is_verified", "source")


class ReadOnly(admin.ModelAdmin):
    """Changed only through the services (change log, all-or-nothing imports)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(EnrolmentBatch)
class EnrolmentBatchAdmin(ReadOnly):
    list_display = ("reference", "programme", "source", "start_month", "persons", "status")


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnly):
    list_display = ("batch", "person", "status", "kpj", "start_date", "ended_month", "end_reason")
    list_filter = ("status",)
    raw_id_fields = ("person", "batch")


@admin.register(AnswerImport)
class AnswerImportAdmin(ReadOnly):
    list_display = ("filename", "imported_at", "imported_by")


@admin.register(EnrolmentChange)
class EnrolmentChangeAdmin(ReadOnly):
    list_display = ("at", "model", "object_id", "action", "actor", "via")
