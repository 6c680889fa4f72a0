"""Small builders of registry rows for tests (synthetic, labelled so)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from jaring.geo.models import Area
from jaring.registry.models import Person

_serial = itertools.count(1)


def nik_for(
    village: Area, *, sex: str = "L", birth: dt.date = dt.date(1985, 3, 12), serial: int | None = None
) -> str:
    """A NIK consistent with the village's district, the sex and the birth date."""
    district = village.code.split(".")
    region = district[0] + district[1] + district[2]
    day = birth.day + (40 if sex == "P" else 0)
    number = serial if serial is not None else next(_serial)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{number:04d}"


def make_person(village: Area, full_name: str, *, sex: str = "L", **fields: Any) -> Person:
    """Create a synthetic person directly (no change log): a fixture, not the code under test."""
    birth = fields.pop("birth_date", dt.date(1985, 3, 12))
    nik = fields.pop("nik", None) or nik_for(village, sex=sex, birth=birth)
    return Person.objects.create(
        nik=nik, full_name=full_name, sex=sex, birth_date=birth, village=village, is_synthetic=True, **fields
    )
