"""The registry of vulnerable workers: persons, occupation categories and the change log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OccupationCategory(models.Model):
    """An occupation as programmes see it: a KBJI 2014 major group or a local category, with aliases."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    kbji_major = models.PositiveSmallIntegerField(_("KBJI 2014 major group"), null=True, blank=True)
    is_local = models.BooleanField(_("local programme category"), default=False)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Free-text spellings the import reads as this category."),
    )

    class Meta:
        ordering = ["is_local", "kbji_major", "slug"]
        verbose_name = _("occupation category")
        verbose_name_plural = _("occupation categories")

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "L", _("Male (L)")
    FEMALE = "P", _("Female (P)")


class EmploymentStatus(models.TextChoices):
    """Sakernas (BPS) employment status; the first five and the last count as informal."""

    OWN_ACCOUNT = "own_account", _("Own-account worker")
    EMPLOYER_TEMPORARY = "employer_temporary", _("Employer with temporary/unpaid help")
    EMPLOYER_PERMANENT = "employer_permanent", _("Employer with permanent workers")
    EMPLOYEE = "employee", _("Employee")
    CASUAL_AGRICULTURE = "casual_agriculture", _("Casual worker in agriculture")
    CASUAL_NON_AGRICULTURE = "casual_non_agriculture", _("Casual worker outside agriculture")
    UNPAID_FAMILY = "unpaid_family", _("Unpaid family worker")


class BpjsStatus(models.TextChoices):
    NONE = "none", _("Not a member")
    ACTIVE = "active", _("Active member")
    LAPSED = "lapsed", _("Lapsed member")


# A person's data fields (as forms and services name them), in display order.
PERSON_FIELDS = [
    "nik",
    "kk",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
    "village",
    "dusun",
    "rt",
    "rw",
    "address",
    "phone",
    "latitude",
    "longitude",
    "occupation",
    "occupation_text",
    "kbji_code",
    "employment_status",
    "monthly_income",
    "dependants",
    "has_disability",
    "is_household_head",
    "bpjs_status",
    "bpjs_number",
]
# Fields copied into the change log's before/after images (foreign keys by their column).
AUDITED_FIELDS = [f"{f}_id" if f in ("village", "occupation") else f for f in PERSON_FIELDS]


# imports.models.ReviewStatus.APPROVED, written here because the registry sits below imports
# (tests/test_layers.py checks the two agree).
APPROVED_REVIEW = "approved"


class PersonQuerySet(models.QuerySet["Person"]):
    """Registry-wide filters shared by every app (scope filtering lives in accounts.scope)."""

    def current(self) -> PersonQuerySet:
        """Persons that have not been merged into another record."""
        return self.filter(merged_into__isnull=True)

    def approved(self) -> PersonQuerySet:
        """Current persons from batches BPS approved: the only ones programmes may draw on."""
        return self.current().filter(batch__review_status=APPROVED_REVIEW)


class Person(models.Model):
    """One vulnerable worker, identified by NIK."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk = models.CharField(_("KK number"), max_length=16, blank=True, db_index=True)
    full_name = models.CharField(_("full name"), max_length=200)
    # Lower-case, accent- and punctuation-free copy of the name for search.
    # Indexed together with the village (Meta.indexes) so a search counts its matches from the index alone.
    name_search = models.CharField(max_length=200, editable=False, default="")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_place = models.CharField(_("birth place"), max_length=100, blank=True)
    village = models.ForeignKey(
        "geo.Area", on_delete=models.PROTECT, related_name="persons", verbose_name=_("village")
    )
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone (E.164)"), max_length=16, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    occupation = models.ForeignKey(
        OccupationCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("occupation category"),
    )
    occupation_text = models.CharField(_("occupation as written"), max_length=200, blank=True)
    kbji_code = models.CharField(_("KBJI code"), max_length=5, blank=True)
    employment_status = models.CharField(
        _("employment status"), max_length=30, choices=EmploymentStatus.choices, blank=True
    )
    monthly_income = models.BigIntegerField(_("declared monthly income (Rp)"), null=True, blank=True)
    dependants = models.PositiveSmallIntegerField(_("dependants"), null=True, blank=True)
    has_disability = models.BooleanField(_("disability"), default=False)
    is_household_head = models.BooleanField(_("head of household"), default=False)
    bpjs_status = models.CharField(
        _("BPJS Ketenagakerjaan status"), max_length=10, choices=BpjsStatus.choices, default=BpjsStatus.NONE
    )
    bpjs_number = models.CharField(_("BPJS membership number"), max_length=20, blank=True)
    # Indexed by person_batch_row (batch, source_row, village), which also serves lookups by batch alone.
    batch = models.ForeignKey(
        "imports.Batch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="persons",
        verbose_name=_("import batch"),
        db_index=False,
    )
    source_row = models.PositiveIntegerField(_("row in the batch file"), null=True, blank=True)
    # The ODK/KoboToolbox submission (instanceID without "uuid:") this person came from: a re-import of
    # the same submission is recognised by it. Unique when set; NULL for spreadsheet and web entries.
    submission_uuid = models.CharField(
        _("form submission UUID"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # Set when deduplication merges this record into a surviving one; the record is kept, not deleted,
    # so that the merge can be undone.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    # Indexed: every page asks whether any synthetic person exists, to show the notice.
    is_synthetic = models.BooleanField(_("synthetic (demo/test data)"), default=False, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            # Covers the dashboard's GROUP BY (counts per village, occupation, sex, BPJS status, synthetic)
            # so a million persons are counted from the index alone.
            models.Index(
                fields=["village", "occupation", "is_synthetic", "sex", "bpjs_status"],
                name="person_village_occ",
            ),
            # Name search: the prefix range on name_search, the scope test on village_id, no table read.
            models.Index(fields=["name_search", "village"], name="person_name_village"),
            # The entry form's "already registered?" check looks up persons by birth date.
            models.Index(fields=["birth_date"], name="person_birth_date"),
            # A round's per-village counts (GROUP BY batch, village) and a batch issue's row → its person,
            # both from the index alone.
            models.Index(fields=["batch", "source_row", "village"], name="person_batch_row"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from jaring.registry.lib.names import search_key

        self.name_search = search_key(self.full_name)
        super().save(*args, **kwargs)

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on ``day``."""
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def snapshot(self) -> dict[str, Any]:
        """The audited fields as a JSON-ready dict (the change log's before/after image)."""
        return {f: getattr(self, f) for f in AUDITED_FIELDS}


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    MERGE = "merge", _("Merged")
    DELETE = "delete", _("Deleted")


class ChangeVia(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    IMPORT = "import", _("Import")
    SYSTEM = "system", _("System")


class PersonChange(models.Model):
    """One entry of a person's change log: who, when, before/after, and through which batch or request."""

    # Kept as plain ids so the log outlives a deleted person.
    person_id = models.BigIntegerField(db_index=True)
    nik = models.CharField(max_length=16, db_index=True)
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=10, choices=ChangeVia.choices, default=ChangeVia.SYSTEM)
    batch = models.ForeignKey(
        "imports.Batch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("person change")
        verbose_name_plural = _("person changes")

    def __str__(self) -> str:
        return f"{self.action} {self.nik} at {self.at:%Y-%m-%d %H:%M}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field whose value changed."""
        before, after = self.before or {}, self.after or {}
        keys = [k for k in AUDITED_FIELDS if before.get(k) != after.get(k)]
        return [(k, before.get(k), after.get(k)) for k in keys]
