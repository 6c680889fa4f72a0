"""REST endpoints of dedup (mounted under /api/v1)."""

from ninja import Router

router = Router(tags=["dedup"])
