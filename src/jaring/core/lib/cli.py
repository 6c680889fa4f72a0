"""Small helpers shared by the `jaring` commands: the objects their options name, or a clear error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

if TYPE_CHECKING:
    from jaring.geo.models import Area


def named_user(username: str | None) -> Any:
    """The user an option such as ``--user`` names; None when none is named; CommandError when unknown."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"pengguna '{username}' tidak ada / no user '{username}'")
    return user


def area_by_code(code: str, *, hint: str = "") -> Area:
    """The area with this Kemendagri code; CommandError (with ``hint`` appended) when there is none."""
    from jaring.geo.models import Area

    area = Area.objects.filter(code=code).first()
    if area is None:
        message = f"kode wilayah '{code}' tidak dikenal / unknown area code '{code}'"
        raise CommandError(f"{message} ({hint})" if hint else message)
    return area
