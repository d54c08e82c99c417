"""Schemathesis over the OpenAPI document: about 2,000 generated calls over every
endpoint × every persona's token (and no token), in-process, with no 5xx and no answer outside
what the document declares (status code, content type, body). `JIXIAO_FUZZ_CALLS` sets another
budget; `bench/fuzz_api.py` runs 10,000."""

from __future__ import annotations

import os

import pytest

from jixiao.api.tests.test_api_bodies import year_of_work  # noqa: F401 (a fixture)
from jixiao.core.models import ApiToken

from .fuzzing import fuzz

pytestmark = pytest.mark.slow

CALLS = int(os.environ.get("JIXIAO_FUZZ_CALLS", "2000"))
REPORT = "--- API fuzzing ---"  # bench/fuzz_api.py prints what stands between two of these


@pytest.fixture
def tokens(world):
    """A token per persona, as `jixiao token USERNAME` issues it, and no token at all."""
    return {
        name: ApiToken.objects.issue(user, name="fuzz")[1] for name, user in world.users.items()
    } | {"anonymous": None}


@pytest.fixture
def ids(world, year_of_work):  # noqa: F811
    from jixiao.monitoring.models import Alert, Report

    return {
        "unit_id": [u.id for u in world.units.values()],
        "project_id": [p.id for p in world.projects.values()],
        "target_id": [year_of_work[k] for k in ("target", "draft", "flawed")],
        "round_id": [year_of_work["round"]],
        "report_id": list(Report.objects.values_list("id", flat=True)),
        "alert_id": list(Alert.objects.values_list("id", flat=True)),
        "selfeval_id": [year_of_work["selfeval"]],
    }


def test_generated_calls_get_no_5xx_and_only_documented_answers(tokens, ids):
    run = fuzz(tokens=tokens, ids=ids, calls=CALLS)
    print(f"\n{REPORT}\n{run.report()}\n{REPORT}")
    assert run.total >= CALLS
    assert run.server_errors == [], run.report()
    assert run.violations == {}, run.report()
