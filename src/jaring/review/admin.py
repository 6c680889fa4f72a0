"""Django admin for review: thresholds editable by data stewards (accounts.backends), history read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from jaring.review.models import QualityThreshold, ReviewEvent, RowComment


@admin.register(QualityThreshold)
class QualityThresholdAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["indicator", "comparison", "limit", "parameter", "enabled", "updated_by", "updated_at"]
    list_editable = ["comparison", "limit", "parameter", "enabled"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Who changed a threshold and when (the admin's LogEntry keeps the field-level history).
        obj.updated_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The review history is evidence: nobody edits it in the admin."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ["batch", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action", "to_status"]
    raw_id_fields = ["batch", "actor"]


@admin.register(RowComment)
class RowCommentAdmin(ReadOnlyAdmin):
    list_display = ["batch", "row", "person", "author", "at", "resolved"]
    list_filter = ["resolved"]
    raw_id_fields = ["batch", "person", "author", "resolved_by"]
