"""API (CONTRACT.md, HTTP API, `disclosures`)."""

from ninja import Router

router = Router()
