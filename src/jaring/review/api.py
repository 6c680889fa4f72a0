"""REST endpoints of review (mounted under /api/v1)."""

from ninja import Router

router = Router(tags=["review"])
