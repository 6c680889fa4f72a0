"""Admin for agreements: read-only (they are written on the steward's pages or with the CLI, versioned)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jaring.agreements.models import Agreement, AgreementChange, AgreementVersion


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(ReadOnly):
    list_display = ["number", "title", "kind", "status", "version", "valid_from", "valid_to"]
    search_fields = ["number", "title"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnly):
    list_display = ["agreement", "version", "created_at", "sha256"]


@admin.register(AgreementChange)
class AgreementChangeAdmin(ReadOnly):
    list_display = ["agreement", "action", "version", "actor", "at"]
