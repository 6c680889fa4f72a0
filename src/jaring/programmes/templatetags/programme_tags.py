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
    """A stored month as YYYY-MM."""
    return month_label(value)


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
