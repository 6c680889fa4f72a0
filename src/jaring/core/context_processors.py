"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jaring import __version__ as JARING_VERSION


def jaring(request: HttpRequest) -> dict[str, Any]:
    """Expose the version, the user's scope and whether the registry holds synthetic persons."""
    from jaring.accounts.scope import scope_for
    from jaring.core.admin_site import is_steward
    from jaring.registry.models import Person

    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    scope = scope_for(user) if authenticated else None
    # Checked on every page on purpose: synthetic data must never pass for real data.
    has_synthetic = Person.objects.filter(is_synthetic=True).exists() if authenticated else False
    return {
        "jaring_version": JARING_VERSION,
        "scope": scope,
        "registry_has_synthetic": has_synthetic,
        "user_is_steward": bool(authenticated and is_steward(user)),
    }
