"""Every write the API documents refuses a read-only token (403), whichever endpoint it is:
the sweep reads the OpenAPI document, so a new write endpoint is covered the day it exists."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jixiao.core.models import ApiToken

WRITES = ("post", "put", "patch", "delete")


@pytest.fixture
def spec(db, client):
    return client.get("/api/v1/openapi.json").json()


def test_every_documented_write_refuses_a_read_only_token(world, spec):
    _t, key = ApiToken.objects.issue(world.users["performance"], read_only=True)
    client = Client()
    answered = {}
    for path, operations in spec["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in WRITES:
            if method not in operations:
                continue
            answer = getattr(client, method)(
                url, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
            )
            answered[f"{method.upper()} {path}"] = answer.status_code
    assert len(answered) > 30, "the sweep found the write endpoints"
    assert {k: v for k, v in answered.items() if v != 403} == {}
    for new in ("POST /api/v1/webhooks", "DELETE /api/v1/webhooks/{webhook_id}",
                "POST /api/v1/exchange/{kind}"):  # fmt: skip
        assert answered[new] == 403
