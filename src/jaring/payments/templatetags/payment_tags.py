"""Template helpers of the enrolment and payment pages: rupiah and months in the page's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    """Rp2.520.000 in Indonesian, Rp2,520,000 in English; empty for None."""
    if value is None or value == "":
        return ""
    n = int(value)
    text = f"{abs(n):,}"
    if (get_language() or "id").startswith("id"):
        text = text.replace(",", ".")
    return f"{'-' if n < 0 else ''}Rp{text}"


@register.filter
def month_name(value: Any) -> str:
    """A month as "Jul 2025" (localised month abbreviation)."""
    if isinstance(value, str):
        try:
            value = dt.date(int(value[:4]), int(value[5:7]), 1)
        except ValueError:
            return value
    if not isinstance(value, dt.date):
        return ""
    return date_format(value, "M Y")


@register.filter
def get_person(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
