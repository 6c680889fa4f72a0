"""Import batches: one uploaded spreadsheet each, with a status flow and row-level issues."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Validating")
    VALIDATED = "validated", _("Validated")
    COMMITTING = "committing", _("Committing")
    COMMITTED = "committed", _("Committed")
    FAILED = "failed", _("Failed")


class ReviewStatus(models.TextChoices):
    """BPS review of a committed batch: submitted → in review → approved | returned → resubmitted → …"""

    NOT_SUBMITTED = "not_submitted", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")


class Batch(models.Model):
    """One import of one file for one village: uploaded → validating → validated → committed (or failed)."""

    village = models.ForeignKey(
        "geo.Area", on_delete=models.PROTECT, related_name="batches", verbose_name=_("village")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="batches/%Y/%m/", max_length=300)
    file_size = models.BigIntegerField(_("file size (bytes)"), default=0)
    content_hash = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("column mapping"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.UPLOADED, db_index=True
    )
    progress = models.FloatField(_("progress (0–1)"), default=0.0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_with_errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_with_warnings = models.PositiveIntegerField(_("rows with warnings"), default=0)
    rows_committed = models.PositiveIntegerField(_("rows committed"), default=0)
    staged_path = models.CharField(_("validated rows (staging file)"), max_length=300, blank=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("committed by"),
    )
    is_synthetic = models.BooleanField(_("synthetic data"), default=False)
    round = models.ForeignKey(
        "collection.Round",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("collection round"),
    )
    # Only persons of approved batches count for programmes (Person.objects.approved()).
    review_status = models.CharField(
        _("review status"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_SUBMITTED,
        db_index=True,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {BatchStatus.VALIDATED, BatchStatus.COMMITTED, BatchStatus.FAILED}


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
    NOTICE = "notice", _("Notice")


class BatchIssue(models.Model):
    """One problem in one row (or the whole file, row 0) of a batch, in the spreadsheet's row numbering."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(
        _("row"), help_text=_("Row number as the spreadsheet shows it (header = 1); 0 for the whole file.")
    )
    column = models.CharField(_("column"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=40, db_index=True)
    severity = models.CharField(_("severity"), max_length=7, choices=Severity.choices)
    message_id = models.TextField(_("message (Indonesian)"))
    message_en = models.TextField(_("message (English)"))
    value = models.CharField(_("value"), max_length=200, blank=True)

    class Meta:
        ordering = ["row", "id"]
        verbose_name = _("batch issue")
        verbose_name_plural = _("batch issues")
        indexes = [models.Index(fields=["batch", "row"], name="batchissue_batch_row")]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.code}"
