"""Django admin for programmes and the BPU premium data (administrators add new periods here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jaring.programmes import services
from jaring.programmes.models import (
    FundingSource,
    JkkBracket,
    OccupationGroup,
    Plan,
    PlanJob,
    PremiumDiscount,
    PremiumSchedule,
    Programme,
    ProgrammeChange,
)


def _plain(value: Any) -> Any:
    """A form's initial value as JSON-ready data (objects as their ids)."""
    if isinstance(value, list | tuple):
        return sorted(getattr(v, "pk", v) for v in value)
    value = getattr(value, "pk", value)
    return str(value) if not isinstance(value, str | int | float | bool | type(None)) else value


class LoggedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every save and delete through the admin goes into the programme change log."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Logged after the many-to-many fields and inlines are saved, so the "after" image is complete;
        # the form's initial data is the "before" image (model_to_dict of the object as it was).
        super().save_related(request, form, formsets, change)
        before: dict[str, Any] | None = None
        if change:
            before = {k: _plain(v) for k, v in form.initial.items()}
            before["id"] = form.instance.pk
        action = "update" if change else "create"
        services.log_change(form.instance, action, actor=request.user, via="admin", before=before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_logged(obj, actor=request.user, via="admin")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Inline rows (JKK brackets, a programme's sources) get their own change-log entries.
        befores = {
            f.instance.pk: {k: _plain(v) for k, v in f.initial.items()} | {"id": f.instance.pk}
            for f in formset.initial_forms
            if f.instance.pk is not None
        }
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk is not None]
        for obj in deleted:
            services.log_change(obj, "delete", actor=request.user, via="admin", before=befores.get(obj.pk))
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            services.log_change(obj, "create", actor=request.user, via="admin", before=None)
        for obj, _fields in formset.changed_objects:
            services.log_change(obj, "update", actor=request.user, via="admin", before=befores.get(obj.pk))


class FundingSourceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FundingSource
    extra = 0
    fields = ["slug", "name", "kind", "payer", "first_month", "last_month", "quota_persons", "budget_rupiah"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(LoggedAdmin):
    list_display = ["slug", "name", "area", "first_month", "last_month", "includes_jht"]
    search_fields = ["slug", "name"]
    raw_id_fields = ["area"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [FundingSourceInline]


@admin.register(FundingSource)
class FundingSourceAdmin(LoggedAdmin):
    list_display = ["name", "programme", "kind", "payer", "first_month", "last_month", "quota_persons"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "programme__slug"]
    readonly_fields = ["created_at", "updated_at"]


class JkkBracketInline(admin.TabularInline):  # type: ignore[type-arg]
    model = JkkBracket
    extra = 1
    fields = ["income_from", "declared_income", "jkk_amount", "is_verified", "note"]


@admin.register(PremiumSchedule)
class PremiumScheduleAdmin(LoggedAdmin):
    list_display = ["name", "first_month", "last_month", "jkm_amount", "jht_rate", "is_verified"]
    inlines = [JkkBracketInline]


@admin.register(PremiumDiscount)
class PremiumDiscountAdmin(LoggedAdmin):
    list_display = ["name", "first_month", "last_month", "percent", "group", "group_match", "is_verified"]


@admin.register(OccupationGroup)
class OccupationGroupAdmin(LoggedAdmin):
    list_display = ["slug", "name", "name_en"]
    filter_horizontal = ["occupations"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Plans are made by the planner and approved on the plan pages; the admin only shows them."""

    list_display = [
        "programme",
        "kind",
        "version",
        "label",
        "persons",
        "created_at",
        "approved_at",
        "is_locked",
    ]
    list_filter = ["kind", "is_locked"]
    readonly_fields = [f.name for f in Plan._meta.fields if f.name != "data"]
    exclude = ["data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProgrammeChange)
class ProgrammeChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "action", "model", "object_id", "programme_id", "actor", "via"]
    list_filter = ["action", "model", "via"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the change log is append-only

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlanJob)
class PlanJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Background plan computations: shown, never edited."""

    list_display = ["programme", "kind", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in PlanJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
