"""Small helpers shared by the `jaring` commands: the user an option names, or a clear error.

The area an option names is :func:`jaring.geo.cli.area_by_code` (geo sits above core).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def named_user(username: str | None) -> Any:
    """The user an option such as ``--user`` names; None when none is named; CommandError when unknown."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"pengguna '{username}' tidak ada / no user '{username}'")
    return user
