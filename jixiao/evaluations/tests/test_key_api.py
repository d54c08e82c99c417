"""The key-evaluation API (CONTRACT.md, HTTP API): /api/v1/key-evaluations with its actions,
/api/v1/ex-ante-assessments, and the registries /api/v1/agencies and /api/v1/experts for the
performance office. Scope: an object outside the caller's scope answers 404 — a unit never
reaches another unit's evaluation, an expert or an agency only what it is assigned to, and no
expert reads another's raw scores before all have submitted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.core.models import ApiToken
from jixiao.evaluations.key.models import (
    Agency,
    Conclusion,
    ExAnteAssessment,
    ExAnteStatus,
    Expert,
    ExpertScore,
    Finding,
    KeyEvaluation,
    KeyStatus,
    PanelMember,
)
from jixiao.evaluations.key.services import evaluation_create, panel_create
from jixiao.orgs.models import User

INDICATORS = [
    {"level1": "决策", "level2": "项目立项", "level3": "立项依据充分性", "weight": "15"},
    {"level1": "效益", "level2": "项目效益", "level3": "满意度", "weight": "85"},
]


def api(client, user, url, method="get", body=None):
    _t, key = ApiToken.objects.issue(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "post":
        return client.post(url, body or {}, content_type="application/json", **auth)
    return client.get(url, **auth)


@pytest.fixture
def key(world):
    """An evaluation of P1 (unit U1) done by the agency persona's agency with two experts, the
    expert persona one of them; and one of U2's with nobody assigned."""
    agency = Agency.objects.create(
        region=world.region, name="甲区绩效评价事务所", credit_code="91360100MA35GXJ71B"
    )
    agency.members.add(world.agency)
    evaluation = evaluation_create(
        indicators=INDICATORS,
        region=world.region,
        year=2022,
        subject="项目P1重点评价",
        kind="project",
        special_kind="政府债务",
        unit=world.units["U1"],
        project=world.projects["P1"],
        agency=agency,
        amount=Decimal("120.623456"),
    )
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(
        status=KeyStatus.FIELDWORK, score=Decimal("87.5"), grade="良"
    )
    own = Expert.objects.create(region=world.region, name="张专家", user=world.expert)
    colleague_user = User.objects.create(
        username="expert2", full_name="李专家", roles=["expert"], region=world.region
    )
    colleague = Expert.objects.create(region=world.region, name="李专家", user=colleague_user)
    first, _second = evaluation.panel.indicators.order_by("order")
    seats = {}
    for expert, score in ((own, "14"), (colleague, "12.5")):
        seats[expert.name] = PanelMember.objects.create(panel=evaluation.panel, expert=expert)
        ExpertScore.objects.create(
            member=seats[expert.name], indicator=first, score=Decimal(score), reason="依据不足"
        )
    Finding.objects.create(
        evaluation=evaluation, level1="决策", indicator=first, problem="立项论证不充分"
    )
    other = evaluation_create(
        indicators=INDICATORS,
        region=world.region,
        year=2022,
        subject="城管专项重点评价",
        kind="special_fund",
        unit=world.units["U2"],
    )
    KeyEvaluation.objects.filter(pk=other.pk).update(status=KeyStatus.NOTIFIED)
    return {
        "evaluation": evaluation.pk,
        "other": other.pk,
        "agency": agency,
        "experts": (own, colleague),
        "seats": seats,
        "colleague": colleague_user,
    }


def test_the_list_answers_the_contract_fields_with_scores_as_two_decimal_strings(
    world, client, key
):
    response = api(client, world.performance, "/api/v1/key-evaluations?year=2022&unit=U1")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == key["evaluation"]
    assert item["year"] == 2022
    assert item["subject"] == "项目P1重点评价"
    assert item["project"] == {
        "code": "P1",
        "name": "项目P1",
        "id": world.projects["P1"].id,
    }
    assert item["unit"] == {"code": "U1", "name": "甲区教育局"}
    assert item["kind"] == "project"
    assert item["special_kind"] == "政府债务"
    assert item["agency"] == {"id": key["agency"].id, "name": "甲区绩效评价事务所"}
    assert sorted(e["name"] for e in item["experts"]) == ["张专家", "李专家"]
    assert item["status"] == "fieldwork"
    assert item["score"] == "87.50"
    assert item["grade"] == "良"


def test_the_list_filters_by_kind_status_and_region(world, client, key):
    def count(query):
        return api(client, world.performance, f"/api/v1/key-evaluations?{query}").json()["count"]

    assert count("year=2022") == 2
    assert count("kind=special_fund") == 1
    assert count("status=notified") == 1
    assert count("region=100102") == 0
    assert count("region=999999") == 0
    assert count("year=2021") == 0


def test_an_evaluation_without_project_or_special_kind_answers_nulls(world, client, key):
    body = api(client, world.performance, f"/api/v1/key-evaluations/{key['other']}").json()
    assert body["project"] is None
    assert body["special_kind"] is None
    assert body["agency"] is None
    assert body["experts"] == []
    assert body["score"] is None and body["grade"] is None


def test_the_detail_has_indicators_findings_and_all_raw_scores_for_the_office(world, client, key):
    body = api(client, world.performance, f"/api/v1/key-evaluations/{key['evaluation']}").json()
    assert body["amount"] == "120.623456"
    assert [i["level3"] for i in body["indicators"]] == ["立项依据充分性", "满意度"]
    assert body["indicators"][0]["weight"] == "15.00"
    assert body["indicators"][0]["score"] is None  # not aggregated yet
    assert sorted((s["expert"], s["score"]) for s in body["expert_scores"]) == [
        ("张专家", "14.00"),
        ("李专家", "12.50"),
    ]
    assert body["findings"] == [
        {
            "level1": "决策",
            "indicator": "立项依据充分性",
            "problem": "立项论证不充分",
            "evidence": "",
            "recommendation": "",
            "status": "open",
        }
    ]


def test_an_expert_reads_only_its_own_scores_until_every_expert_has_submitted(world, client, key):
    url = f"/api/v1/key-evaluations/{key['evaluation']}"
    scores = api(client, world.expert, url).json()["expert_scores"]
    assert [(s["expert"], s["score"]) for s in scores] == [("张专家", "14.00")]
    assert api(client, world.filer, url).json()["expert_scores"] == []
    assert api(client, world.agency, url).json()["expert_scores"] == []
    PanelMember.objects.filter(pk=key["seats"]["张专家"].pk).update(submitted_at=timezone.now())
    assert len(api(client, world.expert, url).json()["expert_scores"]) == 1  # one still scoring
    PanelMember.objects.filter(pk=key["seats"]["李专家"].pk).update(submitted_at=timezone.now())
    assert len(api(client, world.expert, url).json()["expert_scores"]) == 2
    assert len(api(client, world.filer, url).json()["expert_scores"]) == 2


def test_another_units_evaluation_answers_404_and_is_not_listed(world, client, key):
    # `other` is the filer of U2; `filer` of U1 (U1A is its level-2 unit)
    assert api(client, world.other, f"/api/v1/key-evaluations/{key['evaluation']}").status_code == (
        404
    )
    assert api(client, world.filer, f"/api/v1/key-evaluations/{key['other']}").status_code == 404
    listed = api(client, world.other, "/api/v1/key-evaluations").json()
    assert [i["id"] for i in listed["items"]] == [key["other"]]
    assert api(client, world.other_region, "/api/v1/key-evaluations").json()["count"] == 0


def test_a_unit_does_not_see_its_evaluation_before_it_is_notified(world, client, key):
    KeyEvaluation.objects.filter(pk=key["evaluation"]).update(status=KeyStatus.DRAFT)
    url = f"/api/v1/key-evaluations/{key['evaluation']}"
    assert api(client, world.filer, url).status_code == 404
    assert api(client, world.performance, url).status_code == 200


def test_an_unassigned_expert_and_an_unassigned_agency_get_404(world, client, key):
    url = f"/api/v1/key-evaluations/{key['other']}"
    assert api(client, world.expert, url).status_code == 404
    assert api(client, world.agency, url).status_code == 404
    for user in (world.expert, world.agency):
        listed = api(client, user, "/api/v1/key-evaluations").json()
        assert [i["id"] for i in listed["items"]] == [key["evaluation"]]
    # an agency's other member may not reach an evaluation of another agency either
    stranger = Agency.objects.create(region=world.region, name="乙所", credit_code="X")
    KeyEvaluation.objects.filter(pk=key["evaluation"]).update(agency=stranger)
    assert api(
        client, world.agency, f"/api/v1/key-evaluations/{key['evaluation']}"
    ).status_code == (404)


def test_the_workflow_actions_move_the_evaluation_and_say_why_not(world, client, key):
    evaluation = KeyEvaluation.objects.get(pk=key["evaluation"])
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.DRAFT)
    url = f"/api/v1/key-evaluations/{evaluation.pk}"
    refused = api(client, world.agency, f"{url}/submit", "post")
    assert refused.status_code == 409
    assert refused.json()["errors"]
    notified = api(client, world.performance, f"{url}/approve", "post")
    assert notified.status_code == 200, notified.content
    assert notified.json()["status"] == "notified"
    assert len(notified.json()["expert_scores"]) == 2  # the office's own view of the detail
    no_plan = api(client, world.agency, f"{url}/submit", "post")
    assert no_plan.status_code == 409
    assert "请先填写评价工作方案。" in [e["message"] for e in no_plan.json()["errors"]]
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(work_plan="现场勘查两次，专家评分。")
    submitted = api(client, world.agency, f"{url}/submit", "post")
    assert submitted.json()["status"] == "plan_submitted"
    assert api(client, world.performance, f"{url}/return", "post").status_code == 409  # no reason
    returned = api(client, world.performance, f"{url}/return", "post", {"comment": "补充抽样方法"})
    assert returned.json()["status"] == "notified"


def test_an_action_on_an_evaluation_out_of_scope_answers_404(world, client, key):
    response = api(client, world.agency, f"/api/v1/key-evaluations/{key['other']}/submit", "post")
    assert response.status_code == 404


# ── ex-ante assessments ──────────────────────────────────────────────────────────────────────
@pytest.fixture
def assessment(world):
    return ExAnteAssessment.objects.create(
        region=world.region,
        year=2023,
        unit=world.units["U1"],
        project=world.projects["P1"],
        subject="新建学校项目",
        amount=Decimal("800"),
        panel=panel_create(INDICATORS),
    )


def test_an_ex_ante_assessment_answers_its_project_conclusion_and_status(world, client, assessment):
    url = "/api/v1/ex-ante-assessments"
    item = api(client, world.performance, f"{url}?year=2023").json()["items"][0]
    assert item["project"]["code"] == "P1"
    assert item["conclusion"] is None
    assert item["status"] == "draft"
    ExAnteAssessment.objects.filter(pk=assessment.pk).update(
        status=ExAnteStatus.CONCLUDED, conclusion=Conclusion.ADJUST, score=Decimal("78")
    )
    detail = api(client, world.filer, f"{url}/{assessment.pk}").json()
    assert detail["conclusion"] == "调整后支持"
    assert detail["score"] == "78.00"
    assert [i["level3"] for i in detail["indicators"]] == ["立项依据充分性", "满意度"]


def test_another_unit_and_an_unassigned_expert_do_not_reach_an_ex_ante_assessment(
    world, client, assessment
):
    url = f"/api/v1/ex-ante-assessments/{assessment.pk}"
    assert api(client, world.other, url).status_code == 404
    assert api(client, world.expert, url).status_code == 404
    assert api(client, world.other, "/api/v1/ex-ante-assessments").json()["count"] == 0
    expert = Expert.objects.create(region=world.region, name="张专家", user=world.expert)
    PanelMember.objects.create(panel=assessment.panel, expert=expert)
    assert api(client, world.expert, url).status_code == 200


def test_the_unit_leader_submits_an_ex_ante_assessment_through_the_api(world, client, assessment):
    url = f"/api/v1/ex-ante-assessments/{assessment.pk}"
    response = api(client, world.leader, f"{url}/submit", "post", {"attest": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    refused = api(client, world.performance, f"{url}/approve", "post")  # no expert yet
    assert refused.status_code == 409
    assert "尚未选派评审专家。" in [e["message"] for e in refused.json()["errors"]]


# ── registries ───────────────────────────────────────────────────────────────────────────────
def test_the_office_and_the_auditor_read_the_registries(world, client, key):
    KeyEvaluation.objects.filter(pk=key["evaluation"]).update(agency_quality_score=Decimal("92"))
    for user in (world.performance, world.auditor):
        agencies = api(client, user, "/api/v1/agencies").json()
        assert [a["name"] for a in agencies["items"]] == ["甲区绩效评价事务所"]
        experts = api(client, user, "/api/v1/experts").json()
        assert sorted(e["name"] for e in experts["items"]) == ["张专家", "李专家"]
    agency = api(client, world.performance, f"/api/v1/agencies/{key['agency'].id}").json()
    assert agency["credit_code"] == "91360100MA35GXJ71B"
    assert agency["blacklisted"] is False
    assert agency["quality_scores"] == [
        {
            "evaluation": key["evaluation"],
            "year": 2022,
            "subject": "项目P1重点评价",
            "score": "92.00",
        }
    ]
    expert = api(client, world.performance, f"/api/v1/experts/{key['experts'][0].id}").json()
    assert expert["name"] == "张专家" and expert["available"] is True


def test_the_registries_are_empty_and_404_for_everyone_else(world, client, key):
    agency_url = f"/api/v1/agencies/{key['agency'].id}"
    expert_url = f"/api/v1/experts/{key['experts'][0].id}"
    for user in (world.filer, world.business, world.budget, world.agency, world.expert):
        assert api(client, user, "/api/v1/agencies").json()["count"] == 0, user
        assert api(client, user, "/api/v1/experts").json()["count"] == 0, user
        assert api(client, user, agency_url).status_code == 404, user
        assert api(client, user, expert_url).status_code == 404, user


def test_another_regions_office_does_not_reach_the_registries(world, client, key):
    performance_b = User.objects.create(
        username="performance_b",
        full_name="乙区绩效办",
        roles=["performance"],
        region=world.region_b,
    )
    assert api(client, performance_b, "/api/v1/agencies").json()["count"] == 0
    assert api(client, performance_b, f"/api/v1/agencies/{key['agency'].id}").status_code == 404
    assert api(client, performance_b, f"/api/v1/experts/{key['experts'][0].id}").status_code == 404


def test_a_repeated_query_parameter_answers_422_in_the_error_shape(world, client, key):
    response = api(client, world.performance, "/api/v1/agencies?page=1&page=2")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "page", "message": "参数只能给出一次。"}]
    assert api(client, world.performance, "/api/v1/agencies?page=1").status_code == 200
