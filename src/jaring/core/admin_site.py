"""The Django admin for superusers and data stewards (Diskominfo), without giving stewards is_staff."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jaring.accounts.models import Role
from jaring.accounts.scope import scope_for


def is_steward(user: object) -> bool:
    """Whether a user is an active data steward (or a superuser)."""
    if not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return scope_for(user).role == Role.DATA_STEWARD


class JaringAdminSite(admin.AdminSite):
    site_header = _("Jaring administration")
    site_title = _("Jaring admin")
    index_title = _("Data steward tools")

    def has_permission(self, request: HttpRequest) -> bool:
        """Superusers, staff and data stewards may use the admin."""
        user = request.user
        return bool(user.is_active and (user.is_staff or is_steward(user)))
