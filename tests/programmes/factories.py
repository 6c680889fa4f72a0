"""Small builders of programmes and sources for tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jaring.programmes.models import FundingSource, Programme

DBHCHT_RULE = 'occupation in ["tobacco_farmer", "tobacco_farm_labourer", "cigarette_factory_worker"]'


def make_programme(world: Any, slug: str = "test-2025", **fields: Any) -> Programme:
    """A Gresik programme for July–December 2025."""
    defaults: dict[str, Any] = {
        "name": "Programme " + slug,
        "area": world.regency,
        "first_month": dt.date(2025, 7, 1),
        "last_month": dt.date(2025, 12, 1),
    }
    defaults.update(fields)
    return Programme.objects.create(slug=slug, **defaults)


def make_source(programme: Programme, slug: str = "dbhcht", **fields: Any) -> FundingSource:
    """A funding source of ``programme`` (DBHCHT over the programme's months unless told otherwise)."""
    defaults: dict[str, Any] = {
        "name": "DBHCHT",
        "kind": "dbhcht",
        "rule": DBHCHT_RULE,
        "first_month": programme.first_month,
        "last_month": programme.last_month,
    }
    defaults.update(fields)
    return FundingSource.objects.create(programme=programme, slug=slug, **defaults)
