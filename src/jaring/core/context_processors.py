"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import jaring


def jaring(request: HttpRequest) -> dict[str, Any]:  # noqa: F811 - module name reused on purpose
    """Expose the version and the user's scope to templates."""
    from jaring.accounts.scope import scope_for

    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None and user.is_authenticated else None
    return {"jaring_version": jaring.__version__, "scope": scope}
