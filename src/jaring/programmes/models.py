"""Models of programmes: programmes, their funding sources, BPU premium data and the change log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def first_of_month(day: dt.date | None) -> dt.date | None:
    """The first day of ``day``'s month (months are stored as their first day)."""
    return day.replace(day=1) if day is not None else None


def month_label(day: dt.date | None) -> str:
    """``2025-07`` for a month stored as a date; empty for None."""
    return f"{day:%Y-%m}" if day is not None else ""


class SourceKind(models.TextChoices):
    DBHCHT = "dbhcht", _("DBHCHT (tobacco-excise revenue share)")
    APBD = "apbd", _("APBD (regional budget)")
    APBN = "apbn", _("APBN (state budget)")
    CSR = "csr", _("CSR (company)")
    OTHER = "other", _("Other")


class Programme(models.Model):
    """A coverage programme of a regency: its months, benefit package and funding sources."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        "geo.Area",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("area (regency)"),
        help_text=_("The regency whose approved persons the programme draws on."),
    )
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    includes_jht = models.BooleanField(
        _("includes JHT"), default=False, help_text=_("JKK and JKM are always included; JHT is optional.")
    )
    declared_income = models.BigIntegerField(
        _("declared income for contributions (Rp)"),
        null=True,
        blank=True,
        help_text=_(
            "The income every member is registered with (a regency usually registers everyone at the "
            "lowest bracket, Rp1,000,000); empty: each person's own declared income."
        ),
    )
    priority_criteria = models.JSONField(
        _("priority criteria"),
        default=list,
        blank=True,
        help_text=_(
            'Who is served first when capacity runs out: a list such as [{"column": "monthly_income", '
            '"points": 3, "at_most": 1000000}, {"column": "dependants", "points": 1, "cap": 4}]; '
            "empty: the planner's default (lower income, more dependants, disability, older age)."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-first_month", "slug"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.first_month = first_of_month(self.first_month)  # type: ignore[assignment]
        self.last_month = first_of_month(self.last_month)  # type: ignore[assignment]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Months in order, and the area a regency."""
        errors: dict[str, Any] = {}
        if self.first_month and self.last_month and self.first_month > self.last_month:
            errors["last_month"] = _("The last month comes before the first month.")
        if self.area_id and self.area.level != 2:
            errors["area"] = _("A programme's area is a regency (kabupaten/kota).")
        if self.declared_income is not None and self.declared_income < 0:
            errors["declared_income"] = _("An income cannot be negative.")
        problem = priority_criteria_problem(self.priority_criteria)
        if problem:
            errors["priority_criteria"] = problem
        if self.pk and self.first_month and self.last_month and "last_month" not in errors:
            first, last = self.first_month.replace(day=1), self.last_month.replace(day=1)
            outside = self.sources.filter(models.Q(first_month__lt=first) | models.Q(last_month__gt=last))
            if outside.exists():
                names = ", ".join(outside.values_list("name", flat=True))
                errors["first_month"] = _(
                    "Funding sources would lie outside the programme's months: %(names)s"
                ) % {"names": names}
        if errors:
            raise ValidationError(errors)

    def months(self) -> list[dt.date]:
        """The programme's months, first to last (first days)."""
        return month_range(self.first_month, self.last_month)


# Person-frame columns a priority criterion may score (numbers and yes/no fields).
PRIORITY_COLUMNS = (
    "monthly_income",
    "dependants",
    "age",
    "has_disability",
    "is_household_head",
    "is_informal",
)


def priority_criteria_problem(criteria: Any) -> str | None:
    """Why a programme's priority criteria are malformed, or None when they are fine."""
    if not isinstance(criteria, list):
        return str(_("A list of criteria."))
    allowed = {"column", "points", "at_most", "at_least", "cap"}
    for i, c in enumerate(criteria, 1):
        if not isinstance(c, dict) or not set(c) <= allowed or "column" not in c or "points" not in c:
            return str(
                _("Criterion %(n)s: an object with column, points and optionally at_most, at_least, cap.")
            ) % {"n": i}
        if c["column"] not in PRIORITY_COLUMNS:
            return str(_("Criterion %(n)s: column must be one of %(cols)s.")) % {
                "n": i,
                "cols": ", ".join(PRIORITY_COLUMNS),
            }
        numbers = [c.get(k) for k in ("at_most", "at_least", "cap") if c.get(k) is not None]
        if (
            not isinstance(c["points"], int)
            or isinstance(c["points"], bool)
            or not -100 <= c["points"] <= 100
        ):
            return str(_("Criterion %(n)s: points must be a whole number from -100 to 100.")) % {"n": i}
        if any(not isinstance(v, int | float) or isinstance(v, bool) for v in numbers):
            return str(_("Criterion %(n)s: at_most, at_least and cap must be numbers.")) % {"n": i}
    return None


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first`` to ``last`` inclusive, as first days."""
    out: list[dt.date] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


class FundingSource(models.Model):
    """Who pays premiums for whom within a programme: kind, payer, eligibility rule, months, capacity."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sources", verbose_name=_("programme")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=SourceKind.choices)
    payer = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_sources",
        verbose_name=_("paying organisation"),
    )
    rule = models.TextField(
        _("eligibility rule"),
        blank=True,
        help_text=_("An expression over person fields (see the rule language); empty means everyone."),
    )
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    quota_persons = models.PositiveIntegerField(_("quota (persons)"), null=True, blank=True)
    budget_rupiah = models.BigIntegerField(_("budget (Rp)"), null=True, blank=True)
    max_months_per_person = models.PositiveSmallIntegerField(
        _("maximum months per person"), null=True, blank=True
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        help_text=_("Regent's regulation, agreement or decree that allows this source to pay."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["programme", "first_month", "id"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="source_slug_per_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.first_month = first_of_month(self.first_month)  # type: ignore[assignment]
        self.last_month = first_of_month(self.last_month)  # type: ignore[assignment]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Months in order and inside the programme; capacities positive; the rule well-formed."""
        errors: dict[str, Any] = {}
        if self.first_month and self.last_month and self.first_month > self.last_month:
            errors["last_month"] = _("The last month comes before the first month.")
        if self.programme_id and self.first_month and self.last_month:
            p = self.programme
            if (
                self.first_month.replace(day=1) < p.first_month
                or self.last_month.replace(day=1) > p.last_month
            ):
                errors["first_month"] = _("The source's months must lie within the programme's months.")
        if self.budget_rupiah is not None and self.budget_rupiah < 0:
            errors["budget_rupiah"] = _("A budget cannot be negative.")
        if self.max_months_per_person == 0:
            errors["max_months_per_person"] = _("At least one month, or leave it empty.")
        if self.rule.strip():
            from jaring.programmes.rulecheck import rule_error

            err = rule_error(self.rule, source_name=self.name)
            if err is not None:
                msg = err.as_dict()
                errors["rule"] = f"{msg['message_id']} / {msg['message_en']}"
        if errors:
            raise ValidationError(errors)

    def months(self) -> list[dt.date]:
        """The source's months (first days)."""
        return month_range(self.first_month, self.last_month)


# --- BPU premium data (effective-dated; edited in the admin) -------------------------------------------


class PremiumSchedule(models.Model):
    """The BPU contribution rates valid over a span of months: JKK brackets, JKM flat, JHT rate."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    first_month = models.DateField(_("valid from (month)"))
    last_month = models.DateField(_("valid until (month)"), null=True, blank=True)
    jkm_amount = models.PositiveIntegerField(_("JKM per month (Rp)"))
    jht_rate = models.DecimalField(
        _("JHT rate"), max_digits=6, decimal_places=4, default=Decimal("0.0200"), help_text=_("0.02 = 2%")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    is_verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Checked against the regulation's text.")
    )

    class Meta:
        ordering = ["-first_month"]
        verbose_name = _("premium schedule")
        verbose_name_plural = _("premium schedules")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.first_month = first_of_month(self.first_month)  # type: ignore[assignment]
        self.last_month = first_of_month(self.last_month)
        super().save(*args, **kwargs)


class JkkBracket(models.Model):
    """One row of the JKK income-bracket table: incomes from ``income_from`` pay ``jkk_amount``."""

    schedule = models.ForeignKey(
        PremiumSchedule, on_delete=models.CASCADE, related_name="brackets", verbose_name=_("schedule")
    )
    income_from = models.BigIntegerField(_("declared income from (Rp)"))
    declared_income = models.BigIntegerField(_("income the contribution is based on (Rp)"))
    jkk_amount = models.PositiveIntegerField(_("JKK per month (Rp)"))
    is_verified = models.BooleanField(_("verified"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["schedule", "income_from"]
        verbose_name = _("JKK bracket")
        verbose_name_plural = _("JKK brackets")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "income_from"], name="jkk_bracket_unique_from"),
        ]

    def __str__(self) -> str:
        return f"≥ Rp{self.income_from:,} → Rp{self.jkk_amount:,}"


class OccupationGroup(models.Model):
    """A named, editable set of occupation categories (e.g. the transport workers of PP 50/2025)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    occupations = models.ManyToManyField(
        "registry.OccupationCategory", related_name="groups", verbose_name=_("occupations"), blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("occupation group")
        verbose_name_plural = _("occupation groups")

    def __str__(self) -> str:
        return self.name


class GroupMatch(models.TextChoices):
    ANY = "any", _("Every BPU worker")
    IN_GROUP = "in_group", _("Only workers of the group")
    NOT_IN_GROUP = "not_in_group", _("Workers outside the group")


class PremiumDiscount(models.Model):
    """A temporary cut of JKK+JKM contributions for some workers, not for some payer kinds."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    percent = models.PositiveSmallIntegerField(_("discount (%)"), default=50)
    group = models.ForeignKey(
        OccupationGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discounts",
        verbose_name=_("occupation group"),
    )
    group_match = models.CharField(_("applies to"), max_length=15, choices=GroupMatch.choices, default="any")
    excluded_payer_kinds = models.JSONField(
        _("payer kinds without the discount"),
        default=list,
        blank=True,
        help_text=_('Source kinds whose payments get no discount, e.g. ["apbn", "apbd"].'),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    is_verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        ordering = ["first_month", "name"]
        verbose_name = _("premium discount")
        verbose_name_plural = _("premium discounts")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.first_month = first_of_month(self.first_month)  # type: ignore[assignment]
        self.last_month = first_of_month(self.last_month)  # type: ignore[assignment]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Months in order, percent at most 100, known payer kinds, a group when the match needs one."""
        errors: dict[str, Any] = {}
        if self.first_month and self.last_month and self.first_month > self.last_month:
            errors["last_month"] = _("The last month comes before the first month.")
        if self.percent > 100:
            errors["percent"] = _("At most 100%.")
        kinds = self.excluded_payer_kinds if isinstance(self.excluded_payer_kinds, list) else None
        if kinds is None or any(k not in SourceKind.values for k in kinds):
            errors["excluded_payer_kinds"] = _("A list of source kinds: dbhcht, apbd, apbn, csr, other.")
        if self.group_match != GroupMatch.ANY and self.group_id is None:
            errors["group"] = _("Choose the occupation group this discount refers to.")
        if errors:
            raise ValidationError(errors)


# --- plans ------------------------------------------------------------------------------------------


class PlanKind(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    WHAT_IF = "what_if", _("What-if")


class Plan(models.Model):
    """A computed coverage plan of a programme: for every person and month the paying source or a reason.

    The person-month arrays (person ids, source index or -1, reason code) are stored compressed in
    ``data`` (a numpy .npz); ``sources`` and ``months`` say what the indexes mean. An approved plan is
    locked with a version number (1, 2, … per programme); a what-if plan records the changes it tried.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="plans", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices, default=PlanKind.DRAFT)
    version = models.PositiveIntegerField(_("approved version"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="what_ifs",
        verbose_name=_("based on"),
    )
    overrides = models.JSONField(
        _("what-if changes"), default=dict, blank=True, help_text=_("Changes to sources this what-if tried.")
    )
    months = models.JSONField(_("months"), default=list)
    sources = models.JSONField(_("sources as planned"), default=list)
    summary = models.JSONField(_("summary"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    data = models.BinaryField(_("person-month arrays (npz)"), editable=False)
    persons = models.PositiveIntegerField(_("persons"), default=0)
    seconds = models.FloatField(_("computing time (s)"), default=0.0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    is_locked = models.BooleanField(_("locked"), default=False)

    class Meta:
        ordering = ["programme", "-created_at", "-id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"],
                condition=models.Q(version__isnull=False),
                name="plan_version_per_programme",
            ),
        ]

    def __str__(self) -> str:
        if self.version:
            return f"{self.programme.slug} v{self.version}"
        return f"{self.programme.slug} {self.get_kind_display()} #{self.pk}"


class PlanJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Computing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PlanJob(models.Model):
    """A plan (or what-if) computed in the background for a big registry: its progress and its result.

    Messages are stored in both languages because they are written outside a request."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="plan_jobs", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices, default=PlanKind.DRAFT)
    overrides = models.JSONField(_("what-if changes"), default=dict, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanJobStatus.choices, default=PlanJobStatus.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    message_id = models.CharField(max_length=500, blank=True)
    message_en = models.CharField(max_length=500, blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plan job")
        verbose_name_plural = _("plan jobs")

    def __str__(self) -> str:
        return f"{self.programme.slug} {self.kind} job #{self.pk} ({self.status})"


# --- change log -------------------------------------------------------------------------------------


class ProgrammeChange(models.Model):
    """One change to a programme-app object: who, when, through what, and the before/after images."""

    model = models.CharField(max_length=40, db_index=True)  # e.g. "fundingsource"
    object_id = models.BigIntegerField(db_index=True)
    # Kept as a plain id so the log outlives a deleted programme.
    programme_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=10)  # create, update, delete
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=10, default="system")  # web, api, cli, admin, system
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("programme change")
        verbose_name_plural = _("programme changes")

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_id} at {self.at:%Y-%m-%d %H:%M}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field whose value changed."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
