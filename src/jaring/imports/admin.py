"""Django admin for import batches: read-only (imports go through the pipeline so every rule applies)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jaring.imports.models import Batch, BatchIssue


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "filename",
        "village",
        "status",
        "rows_total",
        "rows_committed",
        "is_synthetic",
        "created_at",
    ]
    list_filter = ["status", "is_synthetic"]
    search_fields = ["filename", "content_hash", "village__code"]
    raw_id_fields = ["village", "created_by", "committed_by"]


@admin.register(BatchIssue)
class BatchIssueAdmin(ReadOnlyAdmin):
    list_display = ["batch", "row", "column", "code", "severity"]
    list_filter = ["severity", "code"]
    raw_id_fields = ["batch"]
    show_full_result_count = False
