"""Deduplication: runs of the linkage engine, candidate pairs, decisions (the memory) and NIK conflicts."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DedupRun(models.Model):
    """One run of probabilistic deduplication over the current persons of an area (a background job)."""

    area = models.ForeignKey(
        "geo.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        help_text=_("Persons living in this area were compared; empty means the whole registry."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    threshold = models.FloatField(_("match probability threshold"), default=0.9)
    progress = models.FloatField(_("progress (0–1)"), default=0.0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    # Messages made outside a request are stored in both languages (as the imports app does).
    progress_message_id = models.CharField(_("progress message (Indonesian)"), max_length=200, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    records = models.PositiveIntegerField(_("records compared"), default=0)
    pairs_found = models.PositiveIntegerField(_("pairs found"), default=0)
    pairs_new = models.PositiveIntegerField(_("pairs added to the queue"), default=0)
    clusters_found = models.PositiveIntegerField(_("clusters"), default=0)
    seconds = models.FloatField(_("seconds"), default=0.0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deduplication run")
        verbose_name_plural = _("deduplication runs")

    def __str__(self) -> str:
        return f"dedup run #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}


class PairStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Different people")


class CandidatePair(models.Model):
    """Two persons the engine thinks are one (``person_a`` has the smaller id), awaiting a decision."""

    run = models.ForeignKey(
        DedupRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairs",
        verbose_name=_("run"),
    )
    person_a = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person A")
    )
    person_b = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person B")
    )
    probability = models.FloatField(_("match probability"), db_index=True)
    cluster = models.PositiveIntegerField(_("cluster"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=PairStatus.choices, default=PairStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("found"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-probability", "id"]
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="dedup_pair_unique"),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="dedup_pair_queue")]

    def __str__(self) -> str:
        return f"pair #{self.pk} {self.person_a_id}~{self.person_b_id} ({self.probability:.3f})"


class Decision(models.TextChoices):
    MERGED = "merged", _("Same person: merged")
    DISTINCT = "distinct", _("Different people")


class PairDecision(models.Model):
    """A reviewer's decision on two persons: the dedup change log and the memory of "different people".

    Kept after an undo (with ``undone_at``) so the history stays complete; only decisions that are not
    undone count.
    """

    pair = models.ForeignKey(CandidatePair, null=True, on_delete=models.SET_NULL, related_name="decisions")
    # Plain ids: the memory outlives a pair row and must match whatever run finds the two again.
    person_a_id = models.BigIntegerField(db_index=True)
    person_b_id = models.BigIntegerField(db_index=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    survivor_id = models.BigIntegerField(_("surviving person"), null=True, blank=True)
    merged_id = models.BigIntegerField(_("merged person"), null=True, blank=True)
    choices = models.JSONField(_("field choices"), default=dict, blank=True)
    # The change-log entries of the merge: their before images are what an undo restores.
    survivor_change_id = models.BigIntegerField(null=True, blank=True)
    merged_change_id = models.BigIntegerField(null=True, blank=True)
    survivor_version = models.PositiveIntegerField(null=True, blank=True)
    merged_version = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10, default="web")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("pair decision")
        verbose_name_plural = _("pair decisions")

    def __str__(self) -> str:
        return f"{self.decision} {self.person_a_id}~{self.person_b_id}"


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Same person: registered record kept")
    TAKEN = "taken", _("Same person: new row's values taken")
    RETURNED = "returned", _("Different people: returned to the village")


class NikConflict(models.Model):
    """A row refused at import because its NIK is already registered (or repeated in the file)."""

    batch = models.ForeignKey(
        "imports.Batch", on_delete=models.CASCADE, related_name="+", verbose_name=_("batch")
    )
    row = models.PositiveIntegerField(_("row"))
    code = models.CharField(_("issue code"), max_length=40)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered person"),
    )
    # The refused row's values, typed and named as Person fields (village_id, occupation_id, …).
    incoming = models.JSONField(_("incoming row"), default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=8, choices=ConflictStatus.choices, default=ConflictStatus.OPEN, db_index=True
    )
    note = models.TextField(_("note"), blank=True)
    # "Take the new row": the change-log entry of the update (its before image is what a reopen restores).
    change_id = models.BigIntegerField(null=True, blank=True)
    person_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["status", "-created_at", "id"]
        verbose_name = _("NIK conflict")
        verbose_name_plural = _("NIK conflicts")
        constraints = [models.UniqueConstraint(fields=["batch", "row"], name="dedup_conflict_row")]

    def __str__(self) -> str:
        return f"NIK conflict {self.nik} (batch #{self.batch_id} row {self.row})"
