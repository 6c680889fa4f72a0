"""Template helpers of the registry pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``{{ labels|get_item:name }}``."""
    return mapping.get(key, key)


@register.simple_tag
def field_display(person: Any, name: str) -> Any:
    """A field's value as a reader wants it: choice labels, Yes/No, local times, a dash for nothing."""
    getter = getattr(person, f"get_{name}_display", None)
    value = getter() if callable(getter) else getattr(person, name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, dt.date):
        return date_format(value, "Y-m-d")
    if isinstance(value, int) and name == "monthly_income":
        return "Rp " + number_format(value, force_grouping=True)
    return value
