"""API (CONTRACT.md, HTTP API, `linkage`)."""

from ninja import Router

router = Router()
