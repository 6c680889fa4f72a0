"""Template helpers of the import pages."""

from __future__ import annotations

from typing import Any

from django import template

from jaring.core.lib.bilingual import one_language
from jaring.imports.issue_labels import issue_label

register = template.Library()


@register.filter
def issue(code: Any) -> str:
    """An issue code as its label (``{{ i.code|issue }}``)."""
    return issue_label(str(code or ""))


@register.filter
def in_language(text: Any) -> str:
    """A stored "Indonesian / English" message in the reader's language only."""
    return one_language(str(text or ""))
