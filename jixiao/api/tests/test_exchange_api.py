"""/api/v1/exchange/{kind}: the national 一体化 data elements through the API."""

from __future__ import annotations

import json

from django.test import Client

from jixiao.core.models import ApiToken, AuditLog, Job
from jixiao.core.rulebook import rulebook_save
from jixiao.targets.models import Target
from jixiao.targets.tests.test_excel import three_declarations  # noqa: F401


def call(world, username, method, url, body=None):
    _t, key = ApiToken.objects.issue(world.users[username])
    client, headers = Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, body, content_type="application/json", **headers)


URL = "/api/v1/exchange/targets?region=100101&year=2022"


def test_the_document_of_the_callers_rows_comes_out_and_is_audited(world, three_declarations):  # noqa: F811 (fixture)
    answer = call(world, "performance", "get", URL)
    assert answer.status_code == 200
    document = answer.json()
    assert {g["pro_code"] for g in document["PM_PERF_GOAL_INFO"]} == {"P1", "P1A"}
    assert AuditLog.objects.filter(action="export").exists()
    mine = call(world, "other", "get", URL).json()  # a unit that declared nothing of these
    assert "PM_PERF_GOAL_INFO" not in mine


def test_a_document_pushed_back_imports_the_same_declarations(world, three_declarations):  # noqa: F811 (fixture)
    document = call(world, "filer", "get", URL).content
    Target.objects.filter(unit__code="U1", project__code="P1").delete()
    answer = call(world, "filer", "post", "/api/v1/exchange/targets?region=100101", document)
    assert answer.status_code == 200, answer.content
    assert answer.json()["created"] >= 1
    assert Target.objects.filter(project__code="P1").exists()


def test_a_broken_document_is_refused_with_table_row_and_field(world, three_declarations):  # noqa: F811 (fixture)
    document = call(world, "filer", "get", URL).json()
    document["PM_PERF_INDICATOR"][0]["pro_code"] = ""
    before = Target.objects.count()
    answer = call(world, "filer", "post", "/api/v1/exchange/targets?region=100101",
                  json.dumps(document, ensure_ascii=False))  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["path"] == "PM_PERF_INDICATOR[0].pro_code"
    assert Target.objects.count() == before


def test_a_region_out_of_scope_and_an_unknown_kind_answer_404(world):
    assert call(world, "other_region", "get", URL).status_code == 404
    assert (
        call(
            world, "performance", "get", "/api/v1/exchange/units?region=100101&year=2022"
        ).status_code
        == 404
    )


def test_past_the_threshold_the_document_is_a_job(world, three_declarations):  # noqa: F811 (fixture)
    rulebook_save(region_code="100101", year=2022, actor=world.performance,
                  values={"jobs": {"threshold_rows": 1}}, note="小阈值")  # fmt: skip
    answer = call(world, "performance", "get", URL)
    assert answer.status_code == 202
    job = Job.objects.get(pk=answer.json()["job"])
    assert job.status == "done" and job.result["content_type"] == "application/json"
    assert b"PM_PERF_GOAL_INFO" in job.file.read()
