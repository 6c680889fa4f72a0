"""Data-sharing agreements (MoU / PKS) as executable policy: parties, scope, purposes, validity, versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaring.agreements.lib.policy import FIELD_GROUPS, FORBIDDEN_ALWAYS, PURPOSES, Terms


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding (MoU)")
    PKS = "pks", _("Technical cooperation agreement (PKS)")
    SPONSOR = "sponsor", _("Sponsor agreement (aggregates)")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class PartyRole(models.TextChoices):
    PROVIDER = "provider", _("Data provider")
    USER = "user", _("Data user")
    SUPERVISOR = "supervisor", _("Supervisor")


class Purpose(models.TextChoices):
    TARGETING = "targeting", _("Targeting")
    PREMIUM_PAYMENT = "premium_payment", _("Premium payment")
    ENROLMENT = "enrolment", _("Enrolment")
    STATISTICS = "statistics", _("Statistics")
    SUPERVISION = "supervision", _("Supervision and audit")


class FieldGroup(models.TextChoices):
    IDENTITY = "identity", _("Identity (NIK, KK)")
    CONTACT = "contact", _("Contact (phone, address)")
    DEMOGRAPHICS = "demographics", _("Demographics (name, birth date, sex)")
    WORK = "work", _("Work and income")
    LOCATION = "location", _("Location (GPS)")


assert set(Purpose.values) == set(PURPOSES) and set(FieldGroup.values) == set(FIELD_GROUPS)


class Agreement(models.Model):
    """An agreement in force as its latest version; every amendment is kept as an AgreementVersion."""

    number = models.CharField(_("number"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=AgreementKind.choices, default=AgreementKind.MOU
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    purposes = models.JSONField(_("permitted purposes"), default=list)
    forbidden_uses = models.JSONField(_("forbidden uses"), default=list)
    field_groups = models.JSONField(_("field groups"), default=list)
    areas = models.JSONField(_("areas (Kemendagri codes)"), default=list)
    aggregates_only = models.BooleanField(_("aggregates only"), default=False)
    min_cell = models.PositiveSmallIntegerField(
        _("smallest count shown"), default=5, help_text=_("Counts below this are suppressed in aggregates.")
    )
    document = models.FileField(_("signed document"), upload_to="agreements/", blank=True)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["number"]
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Commercial use is forbidden by every agreement, whatever was typed in.
        self.forbidden_uses = sorted(set(self.forbidden_uses or []) | set(FORBIDDEN_ALWAYS))
        super().save(*args, **kwargs)

    def effective_status(self, on: dt.date | None = None) -> str:
        """The status today: an active agreement past its end date reads as expired."""
        on = on or timezone.localdate()
        if self.status == AgreementStatus.ACTIVE and on > self.valid_to:
            return AgreementStatus.EXPIRED
        return self.status

    def effective_status_label(self) -> str:
        return str(AgreementStatus(self.effective_status()).label)

    def purpose_labels(self) -> list[str]:
        return [str(Purpose(p).label) for p in self.purposes if p in Purpose.values]

    def field_group_labels(self) -> list[str]:
        return [str(FieldGroup(g).label) for g in self.field_groups if g in FieldGroup.values]

    def area_names(self) -> list[str]:
        """The areas by name ("Kabupaten Gresik"), never as bare codes."""
        from jaring.geo.models import Area

        names = {
            a.code: f"{a.get_level_display()} {a.name}" for a in Area.objects.filter(code__in=self.areas)
        }
        return [names.get(c, c) for c in self.areas]

    def snapshot(self) -> dict[str, Any]:
        """Everything a version fixes, as JSON-ready data (parties included)."""
        return {
            "number": self.number,
            "title": self.title,
            "kind": self.kind,
            "version": self.version,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "purposes": sorted(self.purposes),
            "forbidden_uses": sorted(self.forbidden_uses),
            "field_groups": sorted(self.field_groups),
            "areas": sorted(self.areas),
            "aggregates_only": self.aggregates_only,
            "min_cell": self.min_cell,
            "document_sha256": self.document_sha256,
            "parties": sorted([p.organisation.slug, p.role] for p in self._parties()),
        }

    def _parties(self) -> Any:
        """The parties with their organisations: the list's prefetch when there is one (no query per row)."""
        if "parties" in getattr(self, "_prefetched_objects_cache", {}):
            return self.parties.all()
        return self.parties.select_related("organisation")

    def terms(self) -> Terms:
        """This agreement's current version for the policy check."""
        return Terms(
            agreement_id=self.pk,
            number=self.number,
            version=self.version,
            status=self.status,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            parties=frozenset((p.organisation_id, p.role) for p in self.parties.all()),
            areas=tuple(self.areas),
            purposes=frozenset(self.purposes),
            field_groups=frozenset(self.field_groups),
            aggregates_only=self.aggregates_only,
            min_cell=self.min_cell,
        )


class AgreementParty(models.Model):
    """An organisation's role in an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation", "role"], name="agreement_party_once")
        ]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class AgreementVersion(models.Model):
    """A frozen version of an agreement: what every access made under it agreed to."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("terms"), encoder=DjangoJSONEncoder)
    sha256 = models.CharField(_("SHA-256 of the terms"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["agreement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="agreement_version_once")
        ]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")

    def __str__(self) -> str:
        return f"{self.agreement.number} v{self.version}"

    @staticmethod
    def hash_snapshot(snapshot: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class AgreementChange(models.Model):
    """The agreement's change log: created, amended, activated, suspended, revoked, renewed, expired."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="changes")
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
    version = models.PositiveIntegerField(_("version"))
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("agreement change")
        verbose_name_plural = _("agreement changes")

    def __str__(self) -> str:
        return f"{self.action} {self.agreement_id} v{self.version}"

    def action_label(self) -> str:
        """The action in the reader's language."""
        return str(CHANGE_ACTIONS.get(self.action, self.action))


CHANGE_ACTIONS = {
    "created": _("Created"),
    "amended": _("Amended"),
    "activated": _("Put in force"),
    "suspended": _("Suspended"),
    "revoked": _("Revoked"),
    "renewed": _("Renewed"),
    "expired": _("Expired"),
}


class TokenBinding(models.Model):
    """An API token bound to one agreement and one purpose: every call it makes is made under them."""

    token = models.OneToOneField("accounts.ApiToken", on_delete=models.CASCADE, related_name="binding")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="tokens")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)

    class Meta:
        verbose_name = _("token binding")
        verbose_name_plural = _("token bindings")

    def __str__(self) -> str:
        return f"{self.token} → {self.agreement.number} ({self.purpose})"


class AccessEvent(models.Model):
    """One read of person-level data: who, for which organisation, under which agreement version and purpose,
    which fields, and which persons (ids for a detail page; the query and the count for lists and exports)."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("user"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    agreement_version = models.PositiveIntegerField(_("agreement version"), null=True, blank=True)
    as_provider = models.BooleanField(_("as the data provider"), default=False)
    purpose = models.CharField(_("purpose"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10)  # detail | list | export | api
    area_code = models.CharField(_("area"), max_length=20, blank=True, db_index=True)
    fields = models.JSONField(_("fields"), default=list)
    person_ids = models.JSONField(_("persons"), default=list)
    query = models.TextField(_("query"), blank=True)
    count = models.PositiveIntegerField(_("persons read"), default=0)
    path = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["agreement", "at"], name="access_by_agreement")]
        verbose_name = _("access")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.username} {self.kind} {self.count} @ {self.at:%Y-%m-%d %H:%M}"


class AccessPerson(models.Model):
    """One person read in an access (detail reads and short lists): a person's own access history."""

    event = models.ForeignKey(AccessEvent, on_delete=models.CASCADE, related_name="persons")
    person_id = models.BigIntegerField(_("person"), db_index=True)

    class Meta:
        verbose_name = _("person read")
        verbose_name_plural = _("persons read")

    def __str__(self) -> str:
        return f"{self.person_id} in {self.event_id}"
