"""Template helpers of the audit trail."""

from __future__ import annotations

from typing import Any

from django import template

from jaring.accounts.scope import scope_for
from jaring.audit.services import can_read_audit

register = template.Library()


@register.filter
def reads_audit(user: Any) -> bool:
    """Whether the user may open the audit trail (the nav link)."""
    return bool(getattr(user, "is_authenticated", False)) and can_read_audit(scope_for(user))
