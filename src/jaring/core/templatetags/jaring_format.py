"""Template filters for numbers in the reader's language (``{% load jaring_format %}``).

``{{ cost|rupiah }}`` → Rp2.520.000 · ``{{ n|number }}`` → 1.808 · ``{{ share|percent }}`` → 97,5% ·
``{{ 0.975|ratio }}`` → 97,5% · ``{{ threshold|decimal }}`` → 0,9 · ``{{ month|month }}`` → Agu 2025.
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import get_language

from jaring.core.lib import formatting as fmt
from jaring.core.lib.texts import localized

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    """Money: Rp2.520.000 (id), Rp2,520,000 (en)."""
    return fmt.format_money(value, get_language())


@register.filter
def number(value: Any, decimals: Any = 0) -> str:
    """A number with the language's separators."""
    return fmt.format_number(value, get_language(), int(decimals))


@register.filter
def percent(value: Any, decimals: Any = 1) -> str:
    """A percentage: 97,5% (id), 97.5% (en), 100%."""
    return fmt.format_percent(value, get_language(), int(decimals))


@register.filter
def ratio(value: Any, decimals: Any = 1) -> str:
    """A 0–1 share as a percentage."""
    return fmt.format_ratio(value, get_language(), int(decimals))


@register.filter
def decimal(value: Any) -> str:
    """A measured value with its own decimals: 0,9 (id)."""
    return fmt.format_decimal(value, get_language())


@register.filter
def month(value: Any) -> str:
    """A month: Agu 2025 (id), Aug 2025 (en)."""
    return fmt.format_month(value, get_language())


@register.filter
def text(obj: Any, field: str) -> str:
    """A stored text in the reader's language (``{{ source|text:"legal_basis" }}``)."""
    return localized(obj, field, get_language())


_QUOTED_AREA = re.compile(r"'(\d{2}(?:\.\d{2}){1,2}(?:\.\d{4})?)'")
_QUOTED_SLUG = re.compile(r"'([a-z]+(?:_[a-z0-9]+)+)'")


@register.filter
def readable(value: Any) -> str:
    """A generated sentence with quoted area codes and occupation slugs as names ('35.25.10.2010' → Leran)."""
    from jaring.geo.models import Area
    from jaring.registry.models import OccupationCategory

    text = str(value or "")
    codes = set(_QUOTED_AREA.findall(text))
    slugs = set(_QUOTED_SLUG.findall(text))
    if codes:
        names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
        text = _QUOTED_AREA.sub(lambda m: names.get(m.group(1), m.group(0)), text)
    if slugs:
        labels = {o.slug: o.label for o in OccupationCategory.objects.filter(slug__in=slugs)}
        text = _QUOTED_SLUG.sub(lambda m: labels.get(m.group(1), m.group(1).replace("_", " ")), text)
    return text
