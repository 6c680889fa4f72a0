"""Django admin for the registry (data stewards and superusers; see docs/roles.md)."""

from django.contrib import admin

from jaring.registry.models import BatchChange, OccupationCategory, Person, PersonChange


@admin.register(OccupationCategory)
class OccupationCategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "name_en", "kbji_major", "is_local"]
    list_filter = ["is_local"]
    search_fields = ["slug", "name", "name_en"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "nik", "village", "occupation", "bpjs_status", "is_synthetic", "version"]
    list_filter = ["is_synthetic", "bpjs_status", "sex", "occupation"]
    search_fields = ["=nik", "=kk", "name_search"]
    raw_id_fields = ["village", "batch"]
    readonly_fields = ["version", "created_at", "updated_at", "batch", "source_row"]
    show_full_result_count = False  # no COUNT(*) over a million rows

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Changes go through the registry pages/API so the change log and locking apply.
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(PersonChange)
class PersonChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "nik", "actor", "via", "batch"]
    list_filter = ["action", "via"]
    search_fields = ["=nik", "request_id"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the change log is append-only

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(BatchChange)
class BatchChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "batch", "rows", "actor", "via"]
    list_filter = ["action", "via"]
    readonly_fields = ["rows_path", "rows_sha256", "merkle_root"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the change log is append-only

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
