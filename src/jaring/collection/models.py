"""Collection rounds: one census campaign, run by an organisation and supervised by BPS."""

from __future__ import annotations

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
