"""Fixtures the write API's tests share: a persona's bearer token, and the stages' documents
built as the stages' own tests build them (an approved target, an open monitoring round)."""

import pytest

from jixiao.core.models import ApiToken
from jixiao.evaluations.tests.test_selfeval_flow import approved  # noqa: F401 (a fixture)
from jixiao.monitoring.tests.test_pages_api import monitoring_round  # noqa: F401 (a fixture)


@pytest.fixture
def bearer(world):
    """`bearer("filer")` → the header of a new full-scope token of that persona."""

    def make(username):
        _token, key = ApiToken.objects.issue(world.users[username])
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return make
