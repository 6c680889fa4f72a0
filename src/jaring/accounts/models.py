"""Organisations, roles and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    VILLAGE_GOVERNMENT = "village_government", _("Village government")
    REGENCY_GOVERNMENT = "regency_government", _("Regency government")
    REGENCY_OFFICE = "regency_office", _("Regency office (dinas)")
    STATISTICS = "statistics", _("Statistics office (BPS)")
    SOCIAL_SECURITY = "social_security", _("BPJS Ketenagakerjaan")
    COMPANY = "company", _("Company (CSR sponsor)")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A party in the scenario: a village government, a regency office, BPS, BPJS, a CSR sponsor."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    area = models.ForeignKey(
        "geo.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("area"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("parent"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    VILLAGE_OPERATOR = "village_operator", _("Village operator")
    BPS_REVIEWER = "bps_reviewer", _("BPS reviewer")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer (Disnaker)")
    DATA_STEWARD = "data_steward", _("Data steward (Diskominfo)")
    SPONSOR = "sponsor", _("Sponsor (aggregates only)")
    AUDITOR = "auditor", _("Auditor (read-only)")


class Profile(models.Model):
    """A user's organisation, role and the area the role covers."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    area = models.ForeignKey(
        "geo.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        help_text=_("The village (operators) or regency (others) the role covers."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: models.Model, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with the plain key (shown once)."""
        key = "jrg_" + secrets.token_urlsafe(32)
        while not key[4:12].isalnum():  # a prefix like "-x…" would read as an option in `token revoke`
            key = "jrg_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash_key(key), prefix=key[4:12])
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> ApiToken | None:
        """The live token for a plain key, or None."""
        found = list(
            cls.objects.select_related("user", "user__profile", "user__profile__area")
            .filter(key_hash=cls.hash_key(key), revoked=False)
            .order_by()[:1]
        )
        token = found[0] if found else None
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        # At most one write a minute per token: a lookup must not cost a write (and a lock) every time.
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token
