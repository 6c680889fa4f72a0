"""Django admin for collection rounds (changes are logged as RoundChange)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jaring.collection.models import Round, RoundChange


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "period_start", "period_end", "organisation", "supervisor"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["target_villages"]

    def save_model(self, request: HttpRequest, obj: Round, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        RoundChange.objects.create(
            round=obj,
            actor_id=request.user.pk,
            action="update" if change else "create",
            details={"fields": list(form.changed_data), "via": "admin"},
        )


@admin.register(RoundChange)
class RoundChangeAdmin(admin.ModelAdmin):
    list_display = ["round", "action", "actor", "at"]
    list_filter = ["action"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
