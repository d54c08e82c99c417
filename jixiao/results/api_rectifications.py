"""API (CONTRACT.md, HTTP API, `rectifications`)."""

from ninja import Router

router = Router()
