"""REST endpoints of this app (mounted in jaring.api)."""

from ninja import Router

router = Router()
