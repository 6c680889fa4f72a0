"""Collection rounds: one census campaign, run by an organisation and supervised by BPS."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Round(models.Model):
    """A collection round (e.g. "Pendataan Pekerja Rentan 2025"); each village submits a batch of it."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=40, default="1")
    target_villages = models.ManyToManyField(
        "geo.Area", blank=True, related_name="collection_rounds", verbose_name=_("target villages")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="rounds_run",
        verbose_name=_("run by"),
    )
    supervisor = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds_supervised",
        verbose_name=_("supervisor (BPS)"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")

    def __str__(self) -> str:
        return self.name


class RoundChange(models.Model):
    """Who changed a round, when, and what (created, edited, batches attached)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("round change")
        verbose_name_plural = _("round changes")

    def __str__(self) -> str:
        return f"{self.action} {self.round_id} at {self.at:%Y-%m-%d %H:%M}"
