"""Enrolment: collective-registration batches per payer and start month, each person's BPJS answer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaring.enrolment.lib.mapping import DEFAULT_COLUMNS, DEFAULT_SOURCE, columns_problem


def default_columns() -> list[dict[str, str]]:
    return [dict(c) for c in DEFAULT_COLUMNS]


class RegistrationMapping(models.Model):
    """The columns of the collective-registration file (data: no public BPJS template is fixed)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    columns = models.JSONField(_("columns"), default=default_columns)
    source = models.CharField(_("source"), max_length=300, default=DEFAULT_SOURCE)
    is_default = models.BooleanField(_("default"), default=False)
    is_verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Checked against the BPJS branch's own template.")
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("registration file mapping")
        verbose_name_plural = _("registration file mappings")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problem = columns_problem(self.columns)
        if problem:
            raise ValidationError({"columns": problem})


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to BPJS")
    ANSWERED = "answered", _("Answered")


class EnrolmentBatch(models.Model):
    """Persons of an approved plan version who start with one payer (funding source) in one month."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="enrolment_batches"
    )
    plan = models.ForeignKey("programmes.Plan", on_delete=models.PROTECT, related_name="enrolment_batches")
    source = models.ForeignKey(
        "programmes.FundingSource", on_delete=models.PROTECT, related_name="enrolment_batches"
    )
    start_month = models.DateField(_("start month"))
    reference = models.CharField(_("batch reference"), max_length=80, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default="draft")
    persons = models.PositiveIntegerField(_("persons"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "start_month", "source"]
        verbose_name = _("enrolment batch")
        verbose_name_plural = _("enrolment batches")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "start_month"], name="enrolment_batch_per_source_month"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
    ALREADY_MEMBER = "already_member", _("Already a member")


# Statuses that keep a person out of a new batch of the same programme.
OPEN_STATUSES = ("pending", "sent", "registered", "already_member")


class EndReason(models.TextChoices):
    LAPSED = "lapsed", _("More than 3 months unpaid")
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved out of the regency")
    MERGED = "merged", _("Merged as a duplicate")
    OTHER = "other", _("Other")


class Enrolment(models.Model):
    """One person in one batch: pending → sent → registered (KPJ, start) / rejected / already a member."""

    batch = models.ForeignKey(EnrolmentBatch, on_delete=models.CASCADE, related_name="enrolments")
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        _("status"), max_length=15, choices=EnrolmentStatus.choices, default=EnrolmentStatus.PENDING
    )
    kpj = models.CharField(_("KPJ number"), max_length=20, blank=True, db_index=True)
    start_date = models.DateField(_("membership start"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The first month no longer billed (membership ended), and why.
    ended_month = models.DateField(_("no bills from"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=10, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("end note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["batch", "person"], name="enrolment_person_per_batch"),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.batch.reference} {self.person_id} {self.status}"


class AnswerImport(models.Model):
    """One applied BPJS answer file (its content hash makes a re-import a no-op)."""

    content_hash = models.CharField(max_length=64, unique=True)
    filename = models.CharField(_("file"), max_length=300)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("BPJS answer file")
        verbose_name_plural = _("BPJS answer files")

    def __str__(self) -> str:
        return self.filename


class EnrolmentChange(models.Model):
    """One change to an enrolment-app object: who, when, through what, before/after."""

    model = models.CharField(max_length=40, db_index=True)
    object_id = models.BigIntegerField(db_index=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
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
        verbose_name = _("enrolment change")
        verbose_name_plural = _("enrolment changes")

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_id}"

    def as_dict(self) -> dict[str, Any]:
        return {"model": self.model, "object_id": self.object_id, "action": self.action, "at": self.at}


class MembershipRule(models.Model):
    """A BPJS rule about membership length shown as a warning (data with its source; may be unverified).

    The default: the full JKM death benefit needs at least 3 months of membership (DOMAIN.md §2, §7)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    min_months = models.PositiveSmallIntegerField(_("months of membership needed"))
    text_id = models.CharField(_("warning (Indonesian)"), max_length=400)
    text_en = models.CharField(_("warning (English)"), max_length=400)
    source = models.CharField(_("source"), max_length=300)
    is_verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("membership rule")
        verbose_name_plural = _("membership rules")

    def __str__(self) -> str:
        return self.slug
