"""API (CONTRACT.md, HTTP API, `funds`)."""

from ninja import Router

router = Router()
