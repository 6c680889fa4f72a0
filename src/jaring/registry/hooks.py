"""What higher apps plug into the registry, registered in their AppConfig.ready().

The registry sits below imports and programmes (docs/architecture.md), so it asks for their rules
through these hooks instead of importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# validate_records(records, village, exclude_person_id=...) -> row issues (the import's rules).
PersonValidator = Callable[..., list[Any]]
# flag(scope) -> bool, put into the person page's context under its name.
DetailFlag = Callable[[Any], bool]

_person_validator: list[PersonValidator] = []
_detail_flags: dict[str, DetailFlag] = {}


def register_person_validator(validator: PersonValidator) -> None:
    """Check persons entered one by one with ``validator`` (the imports app registers its rules)."""
    _person_validator[:] = [validator]


def person_validator() -> PersonValidator | None:
    """The registered validator, or None (the registry then runs its own basic NIK checks)."""
    return _person_validator[0] if _person_validator else None


def register_person_detail_flag(name: str, flag: DetailFlag) -> None:
    """Add ``name`` to the person page's context, true when ``flag(scope)`` is (e.g. a coverage link)."""
    _detail_flags[name] = flag


def person_detail_flags(scope: Any) -> dict[str, bool]:
    """The registered flags of the person page for this scope."""
    return {name: flag(scope) for name, flag in _detail_flags.items()}
