"""Template helpers of the registry pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``{{ labels|get_item:name }}``."""
    return mapping.get(key, key)


@register.simple_tag
def field_display(person: Any, name: str) -> Any:
    """A field's display value (choice label for choice fields)."""
    getter = getattr(person, f"get_{name}_display", None)
    return getter() if callable(getter) else getattr(person, name)
