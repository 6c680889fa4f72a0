"""Area scope: the one place that decides what a user may see and change.

Every page, API endpoint and export asks ``scope_for(user)`` for its querysets,
so a rule changed here changes everywhere.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q, QuerySet

from jaring.accounts.models import Role

# The models scope filters, registered by their own apps in AppConfig.ready(): accounts sits below geo,
# registry and imports (docs/architecture.md), so it may not import them.
SCOPED_KINDS = ("area", "person", "batch")
_scoped: dict[str, Any] = {}


def register_scoped_model(kind: str, model: Any) -> None:
    """Tell scope which model holds ``kind`` ("area", "person" or "batch"); apps call it in ready()."""
    if kind not in SCOPED_KINDS:
        raise ValueError(f"unknown scoped kind {kind!r} ({', '.join(SCOPED_KINDS)})")
    _scoped[kind] = model


def scoped_model(kind: str) -> Any:
    """The model registered for ``kind``; a clear error when its app is not installed."""
    try:
        return _scoped[kind]
    except KeyError:
        raise ImproperlyConfigured(
            f"no model registered for scope kind {kind!r}: is its app installed?"
        ) from None


# Roles that may see a person's identity (NIK, name, address...).
PERSONAL_DATA_ROLES = {
    Role.VILLAGE_OPERATOR,
    Role.BPS_REVIEWER,
    Role.PROGRAMME_OFFICER,
    Role.DATA_STEWARD,
    Role.AUDITOR,
}
# Roles that may create or change persons and imports.
EDIT_ROLES = {Role.VILLAGE_OPERATOR, Role.DATA_STEWARD}


@dataclass(frozen=True)
class Scope:
    """What one user may do, and where."""

    user: Any
    role: str | None
    area_code: str | None  # None with is_superuser means everywhere
    is_superuser: bool = False

    @property
    def sees_everywhere(self) -> bool:
        return self.is_superuser

    @property
    def can_read_personal_data(self) -> bool:
        """Whether this user may see a person's identity (never a sponsor, never anonymous)."""
        if self.is_superuser:
            return True
        return self.role in PERSONAL_DATA_ROLES and self.area_code is not None

    @property
    def can_edit(self) -> bool:
        """Whether this user may create and change persons and run imports (within the area)."""
        return self.is_superuser or (self.role in EDIT_ROLES and self.area_code is not None)

    @property
    def can_read_changelog(self) -> bool:
        return self.can_read_personal_data

    @property
    def can_see_aggregates(self) -> bool:
        return self.is_superuser or (self.role is not None and self.area_code is not None)

    def areas(self, qs: QuerySet[Any] | None = None) -> QuerySet[Any]:
        """Areas this user may see aggregates for: the scope area, its descendants and its ancestors."""
        Area = scoped_model("area")
        qs = qs if qs is not None else Area.objects.all()
        if self.is_superuser:
            return qs
        if self.area_code is None:
            return qs.none()
        parts = self.area_code.split(".")
        ancestors = [".".join(parts[:i]) for i in range(1, len(parts))]
        return qs.filter(
            Q(code=self.area_code) | Q(code__startswith=self.area_code + ".") | Q(code__in=ancestors)
        )

    def villages(self) -> QuerySet[Any]:
        """Villages inside the scope (where this user's persons can live)."""
        qs = scoped_model("area").objects.villages()
        if self.is_superuser:
            return qs
        if self.area_code is None:
            return qs.none()
        return qs.within(self.area_code)

    def persons(self, qs: QuerySet[Any] | None = None, *, browsing: bool = False) -> QuerySet[Any]:
        """Persons whose identity this user may read; empty for sponsors and anonymous users.

        ``browsing=True`` is for unfiltered lists in primary-key order: for scopes wider than a village
        the area test is then written so that no index serves it ("village_id + 0 IN (…)"). SQLite's
        planner would otherwise fetch every person of the regency by village and sort them for each
        page; walking the primary key and testing each row stops after one page. Same rows either way.
        """
        qs = qs if qs is not None else scoped_model("person").objects.all()
        if not self.can_read_personal_data:
            return qs.none()
        if browsing and not self.is_superuser and self.area_code and self.area_code.count(".") < 3:
            from django.db.models import F, Value

            inside = scoped_model("area").objects.within(self.area_code).values("id")
            return qs.alias(_scope_vid=F("village_id") + Value(0)).filter(_scope_vid__in=inside)
        return qs.filter(self._village_q("village"))

    def persons_for_aggregates(self, qs: QuerySet[Any] | None = None) -> QuerySet[Any]:
        """Persons this user may count (sponsors included): only for grouped statistics, never listed."""
        qs = qs if qs is not None else scoped_model("person").objects.all()
        if not self.can_see_aggregates:
            return qs.none()
        return qs.filter(self._village_q("village", by_id=True))

    def batches(self, qs: QuerySet[Any] | None = None) -> QuerySet[Any]:
        """Import batches this user may see."""
        qs = qs if qs is not None else scoped_model("batch").objects.all()
        if not self.can_read_personal_data:
            return qs.none()
        return qs.filter(self._village_q("village"))

    def _village_q(self, field: str, *, by_id: bool = False) -> Q:
        """The area filter of this scope on ``field`` (a foreign key to Area).

        ``by_id`` writes it as "area id IN (areas within the scope)": best for GROUP BY counts, which then
        read the person indexes on village_id alone. Without it, a join on the area's code: best for
        ordered pages, where the database walks the name index and checks each row's area.
        """
        if self.is_superuser:
            return Q()
        if self.area_code is None:
            return Q(pk__in=[])
        if by_id:
            return Q(**{f"{field}__in": scoped_model("area").objects.within(self.area_code).values("id")})
        return Q(**{f"{field}__code": self.area_code}) | Q(
            **{f"{field}__code__startswith": self.area_code + "."}
        )

    def covers_area(self, area: Any) -> bool:
        """Whether an area lies inside this user's scope."""
        if self.is_superuser:
            return True
        if area is None or self.area_code is None:
            return False
        return area.code == self.area_code or area.code.startswith(self.area_code + ".")

    def check_can_edit_in(self, area: Any) -> None:
        """Raise PermissionDenied unless this user may write persons of ``area``."""
        if not (self.can_edit and self.covers_area(area)):
            raise PermissionDenied("Outside your area or role / di luar wilayah atau peran Anda")


ANONYMOUS = Scope(user=None, role=None, area_code=None)


def scope_for(user: Any) -> Scope:
    """The scope of a user (anonymous users get an empty one)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_jaring_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(user=user, role=Role.DATA_STEWARD, area_code=None, is_superuser=True)
    else:
        from jaring.accounts.models import Profile

        fields_cache = getattr(getattr(user, "_state", None), "fields_cache", {})
        if "profile" in fields_cache:
            # Already fetched with the user (the API token lookup joins it): no query at all.
            profile = fields_cache["profile"]
            area = profile.area if profile is not None and profile.area_id else None
            row = (profile.role, area.code if area else None) if profile is not None else None
        else:
            # One query for profile and area; cached on the user object for the rest of the request.
            row = Profile.objects.filter(user_id=user.pk).values_list("role", "area__code").first()
        scope = (
            Scope(user=user, role=row[0], area_code=row[1])
            if row
            else Scope(user=user, role=None, area_code=None)
        )
    with contextlib.suppress(AttributeError):  # a user object that refuses attributes is simply not cached
        user._jaring_scope = scope
    return scope
