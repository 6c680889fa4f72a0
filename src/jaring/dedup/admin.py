"""Django admin for dedup: read-only (decisions go through the services so merges stay undoable)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jaring.dedup.models import CandidatePair, DedupRun, NikConflict, PairDecision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DedupRun)
class DedupRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "area", "status", "threshold", "records", "pairs_found", "seconds", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["area", "created_by"]


@admin.register(CandidatePair)
class CandidatePairAdmin(ReadOnlyAdmin):
    list_display = ["id", "person_a", "person_b", "probability", "cluster", "status", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["run", "person_a", "person_b", "decided_by"]
    show_full_result_count = False


@admin.register(PairDecision)
class PairDecisionAdmin(ReadOnlyAdmin):
    list_display = ["id", "decision", "person_a_id", "person_b_id", "decided_by", "decided_at", "undone_at"]
    list_filter = ["decision"]
    raw_id_fields = ["pair", "decided_by", "undone_by"]


@admin.register(NikConflict)
class NikConflictAdmin(ReadOnlyAdmin):
    list_display = ["id", "nik", "batch", "row", "code", "status", "decided_at"]
    list_filter = ["status", "code"]
    search_fields = ["nik"]
    raw_id_fields = ["batch", "person", "decided_by"]
