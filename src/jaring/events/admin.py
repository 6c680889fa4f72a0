"""Django admin of events (created and edited here; attendance is recorded on the event pages)."""

from django.contrib import admin

from jaring.events.models import Event, EventChange, Invitation


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("slug", "kind", "title", "date", "place", "programme")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("event", "person", "code", "attended_at", "recorded_via")
    raw_id_fields = ("person",)


@admin.register(EventChange)
class EventChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "model", "object_id", "action", "actor", "via")
