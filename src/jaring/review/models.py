"""BPS review of committed batches: the event history, row comments and configurable quality thresholds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaring.imports.models import ReviewStatus


class ReviewAction(models.TextChoices):
    """One step of the review flow (who may take it and from where: services.TRANSITIONS)."""

    SUBMIT = "submit", _("Submit")
    START = "start", _("Start review")
    RETURN = "return", _("Return")
    APPROVE = "approve", _("Approve")
    RESUBMIT = "resubmit", _("Resubmit")


class ReviewEvent(models.Model):
    """One step of a batch's review: who did what, when, from which status to which, and why."""

    batch = models.ForeignKey(
        "imports.Batch", on_delete=models.CASCADE, related_name="review_events", verbose_name=_("batch")
    )
    action = models.CharField(_("action"), max_length=10, choices=ReviewAction.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=ReviewStatus.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=ReviewStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)
    via = models.CharField(_("via"), max_length=10, default="web")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")

    def __str__(self) -> str:
        return f"#{self.batch_id} {self.action} {self.from_status}→{self.to_status}"


class RowComment(models.Model):
    """A reviewer's note on one row of a batch (the spreadsheet row and, when committed, the person)."""

    batch = models.ForeignKey(
        "imports.Batch", on_delete=models.CASCADE, related_name="row_comments", verbose_name=_("batch")
    )
    row = models.PositiveIntegerField(
        _("row"), null=True, blank=True, help_text=_("Row number as the spreadsheet shows it (header = 1).")
    )
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_comments",
        verbose_name=_("person"),
    )
    column = models.CharField(_("column"), max_length=100, blank=True)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["row", "id"]
        verbose_name = _("row comment")
        verbose_name_plural = _("row comments")

    def __str__(self) -> str:
        return f"#{self.batch_id} row {self.row}: {self.text[:40]}"


class Indicator(models.TextChoices):
    """The quality indicators that can carry a threshold (formulas in docs/review.md)."""

    COMPLETENESS = "completeness", _("Completeness of each checked field")
    NIK_VALID = "nik_valid_rate", _("NIK validity rate")
    NIK_SEX = "nik_sex_consistency", _("NIK/sex consistency")
    NIK_BIRTH_DATE = "nik_birth_date_consistency", _("NIK/birth-date consistency")
    DUPLICATES = "duplicate_rate", _("Duplicate rate")
    GPS_INSIDE = "gps_inside_share", _("Share of GPS points inside the village")
    AGE_OUTLIERS = "age_outlier_share", _("Share of ages outside working age")
    INCOME_OUTLIERS = "income_outlier_share", _("Share of income outliers")
    OTHER_OCCUPATION = "other_occupation_share", _("Share of other/unknown occupations")


class Comparison(models.TextChoices):
    AT_LEAST = "min", _("must be at least")
    AT_MOST = "max", _("must be at most")


class QualityThreshold(models.Model):
    """The limit of one indicator (a share 0–1); a batch past it shows the breach on its review page."""

    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices, unique=True)
    comparison = models.CharField(_("comparison"), max_length=3, choices=Comparison.choices)
    limit = models.FloatField(_("limit (share 0–1)"))
    parameter = models.FloatField(
        _("parameter"),
        null=True,
        blank=True,
        help_text=_("Income outliers: the robust z-score above which an income is an outlier (default 3.5)."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["indicator"]
        verbose_name = _("quality threshold")
        verbose_name_plural = _("quality thresholds")

    def __str__(self) -> str:
        sign = "≥" if self.comparison == Comparison.AT_LEAST else "≤"
        return f"{self.indicator} {sign} {self.limit:g}"

    def breached_by(self, value: float | None) -> bool:
        """Whether ``value`` lies on the wrong side of the limit (no value: nothing to judge)."""
        if value is None or not self.enabled:
            return False
        if self.comparison == Comparison.AT_LEAST:
            return value < self.limit
        return value > self.limit
