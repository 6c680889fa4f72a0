"""REST endpoints of collection (mounted under /api/v1)."""

from ninja import Router

router = Router(tags=["collection"])
