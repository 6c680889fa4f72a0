"""REST endpoints of programmes (mounted under /api/v1)."""

from ninja import Router

router = Router(tags=["programmes"])
