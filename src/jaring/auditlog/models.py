"""The append-only, hash-chained audit log and its daily anchors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write (or read, or bulk batch) in the chain; ``hash`` covers every field and the previous hash."""

    seq = models.BigIntegerField(_("number"), primary_key=True)
    at = models.CharField(_("at (UTC, ISO 8601)"), max_length=32, db_index=True)
    kind = models.CharField(_("kind"), max_length=10)  # write | access | batch
    table = models.CharField(_("table"), max_length=80)
    object_id = models.CharField(_("object"), max_length=80, blank=True)
    action = models.CharField(_("action"), max_length=20)
    actor = models.CharField(_("actor"), max_length=150, blank=True)
    content = models.TextField(_("content (canonical JSON)"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    seal = models.CharField(_("seal (HMAC of the hash)"), max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.table}:{self.object_id}"


class AuditAnchor(models.Model):
    """The chain's head at the end of a day, to be kept outside the system (e.g. printed for BPS)."""

    day = models.DateField(_("day"), unique=True)
    last_seq = models.BigIntegerField(_("last event"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    events = models.BigIntegerField(_("events that day"))
    day_root = models.CharField(_("Merkle root of the day's events"), max_length=64)
    made_at = models.CharField(_("made at"), max_length=32)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")

    def __str__(self) -> str:
        return f"{self.day} {self.head_hash[:12]}"
