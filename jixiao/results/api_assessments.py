"""API (CONTRACT.md, HTTP API, `assessments`)."""

from ninja import Router

router = Router()
