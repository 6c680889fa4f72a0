"""REST endpoint about the caller (mounted at /api/v1/me in jaring.api)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from jaring.accounts.scope import scope_for

router = Router(tags=["accounts"])


class MeOut(Schema):
    """Who the API thinks you are, and what you may do."""

    username: str = Field(..., description="Your username.")
    role: str | None = Field(None, description="Your role (village_operator, bps_reviewer, …).")
    area_code: str | None = Field(None, description="Area your role covers (null = everywhere, superusers).")
    can_read_personal_data: bool = Field(..., description="Whether you may see NIKs, names and addresses.")
    can_edit: bool = Field(..., description="Whether you may create and change persons and imports.")


@router.get("", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    """The caller's username, role and scope."""
    scope = scope_for(request.user)
    return {
        "username": request.user.get_username(),
        "role": scope.role,
        "area_code": scope.area_code,
        "can_read_personal_data": scope.can_read_personal_data,
        "can_edit": scope.can_edit,
    }
