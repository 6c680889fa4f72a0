"""Model permissions that follow from a Jaring role (data stewards manage users and reference data)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

# Apps a data steward administers in the Django admin.
STEWARD_APPS = {
    "auth",
    "accounts",
    "geo",
    "registry",
    "imports",
    "collection",
    "review",
    "dedup",
    "programmes",
    # Unlocking locked-out logins (django-axes' access attempts) and removing lost TOTP devices.
    "axes",
    "otp_totp",
}


class RoleBackend(BaseBackend):
    """Grant data stewards every model permission of :data:`STEWARD_APPS`; grant nothing else."""

    def _is_steward(self, user_obj: Any) -> bool:
        from jaring.core.admin_site import is_steward

        return bool(user_obj.is_active) and is_steward(user_obj)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return self._is_steward(user_obj) and perm.split(".", 1)[0] in STEWARD_APPS

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return self._is_steward(user_obj) and app_label in STEWARD_APPS
