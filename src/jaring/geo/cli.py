"""Command helpers of the geo app: the area an option names, or a clear error."""

from __future__ import annotations

from django.core.management.base import CommandError

from jaring.geo.models import Area


def area_by_code(code: str, *, hint: str = "") -> Area:
    """The area with this Kemendagri code; CommandError (with ``hint`` appended) when there is none."""
    area = Area.objects.filter(code=code).first()
    if area is None:
        message = f"kode wilayah '{code}' tidak dikenal / unknown area code '{code}'"
        raise CommandError(f"{message} ({hint})" if hint else message)
    return area
