"""Events of a programme: premium-handover ceremonies and trainings, their invitees and attendance."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    HANDOVER = "handover", _("Premium handover ceremony")
    TRAINING = "training", _("Training")


class Event(models.Model):
    """A handover ceremony or a training (the job platform, social-security benefits)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    village = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organiser = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    funder = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="events")
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-date", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """One invitee of an event; ``code`` is printed as a QR code on the invitation."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("invitation code"), max_length=20, unique=True)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_via = models.CharField(_("recorded by"), max_length=5, blank=True)  # nik, qr

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="one_invitation_per_person")]

    def __str__(self) -> str:
        return self.code


class EventChange(models.Model):
    """One change to an event or its invitations: who, when, through what, before/after."""

    model = models.CharField(max_length=40, db_index=True)
    object_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=10, default="system")
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("event change")
        verbose_name_plural = _("event changes")

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_id}"
