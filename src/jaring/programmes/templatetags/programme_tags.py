"""Template helpers of the programme pages."""

from __future__ import annotations

from typing import Any

from django import template

from jaring.accounts.scope import scope_for
from jaring.programmes import services
from jaring.programmes.models import month_label

register = template.Library()


@register.filter
def sees_programmes(user: Any) -> bool:
    """Whether the user's role sees the programme pages (the nav link)."""
    return services.can_read(scope_for(user))


@register.filter
def month(value: Any) -> str:
    """A stored month as the reader says it: "Agu 2025" (id), "Aug 2025" (en); never "2025-08"."""
    from django.utils.translation import get_language

    from jaring.core.lib.formatting import format_month

    if value and not isinstance(value, str):
        value = month_label(value)
    return format_month(value, get_language())


@register.filter
def iso_month(value: Any) -> str:
    """A stored month as YYYY-MM, for form inputs (what a reader reads goes through ``month``)."""
    return month_label(value) if value else ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def sub(value: Any, other: Any) -> Any:
    """``value - other`` for numbers (empty when either is not a number)."""
    try:
        return int(value) - int(other)
    except (TypeError, ValueError):
        return ""


@register.filter
def source_kind(value: Any) -> str:
    """A funding source's kind as its label ("APBD (regional budget)"), never the code."""
    from jaring.programmes.models import SourceKind

    return str(dict(SourceKind.choices).get(value, value))
