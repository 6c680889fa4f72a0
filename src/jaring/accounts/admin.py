"""Django admin for organisations, profiles and API tokens."""

from django.contrib import admin

from jaring.accounts.models import ApiToken, Organisation, Profile


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "area", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["area"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "area"]
    list_filter = ["role", "organisation"]
    raw_id_fields = ["area"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # keys are shown once: issue them with `jaring token create`
