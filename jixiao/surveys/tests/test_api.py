"""The surveys API (CONTRACT.md `surveys`): the list and its filters, the contract's fields with
every answer counted and only valid ones making the rate, the scope of the pages (404 outside
it), and the actions open, close and mark an answer invalid.

`survey_of` makes a survey about a subject through the models, with one counting scale
question and its answers; `test_survey_stats` uses it too.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from jixiao.core.models import ApiToken
from jixiao.evaluations.key.models import Agency, KeyStatus
from jixiao.evaluations.key.services import evaluation_create
from jixiao.surveys.models import (
    Answer,
    InvalidReason,
    Question,
    QuestionKind,
    Response,
    SubjectKind,
    Survey,
    SurveyStatus,
)

SCALE = ["很满意", "满意", "基本满意", "不满意", "很不满意"]
#: The valid answers in turn: three of four are 很满意 or 满意.
VALID_CHOICES = ["很满意", "满意", "满意", "不满意"]
SUBJECT_FIELD = {
    SubjectKind.SELFEVAL: "selfeval",
    SubjectKind.KEY_EVALUATION: "key_evaluation",
    SubjectKind.UNIT_EVALUATION: "unit_evaluation",
}
INDICATORS = [
    {"level1": "决策", "level2": "项目立项", "level3": "立项依据充分性", "weight": "20"},
    {"level1": "过程", "level2": "资金管理", "level3": "预算执行率", "weight": "20"},
    {"level1": "产出", "level2": "产出数量", "level3": "实际完成率", "weight": "30"},
    {"level1": "效益", "level2": "项目效益", "level3": "满意度", "weight": "30"},
]
FIELDS = [
    "id",
    "year",
    "unit",
    "subject_kind",
    "subject",
    "status",
    "public_url",
    "qr_url",
    "opens",
    "closes",
    "responses",
    "valid_responses",
    "satisfaction_rate",
    "sample_needed",
]


def survey_of(
    subject,
    *,
    status=SurveyStatus.OPEN,
    valid=0,
    invalid=0,
    kind=SubjectKind.KEY_EVALUATION,
    population=None,
) -> Survey:
    """A survey about `subject` with one counting scale question, `valid` valid answers (in
    turn `VALID_CHOICES`) and `invalid` invalid ones (answered too fast, all 很满意)."""
    now = timezone.now()
    survey = Survey.objects.create(
        region=subject.region,
        year=subject.year,
        unit=subject.unit,
        subject_kind=kind,
        **{SUBJECT_FIELD[kind]: subject},
        title="服务对象满意度调查",
        status=status,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        population=population,
    )
    question = Question.objects.create(
        survey=survey,
        order=1,
        kind=QuestionKind.SCALE,
        text="您对本项目的总体评价",
        options=SCALE,
        counts=True,
    )
    for i in range(valid + invalid):
        good = i < valid
        response = Response.objects.create(
            survey=survey,
            respondent=f"respondent-{i}",
            submitted_at=now,
            seconds=120 if good else 3,
            valid=good,
            invalid_reason="" if good else InvalidReason.TOO_FAST,
        )
        choice = VALID_CHOICES[i % len(VALID_CHOICES)] if good else "很满意"
        Answer.objects.create(response=response, question=question, choices=[choice])
    return survey


@pytest.fixture
def surveys(world):
    """E1 (P1 of U1, assigned to the agency) has an open survey with 4 valid answers and 2
    invalid ones; E2 (P2 of U2, no agency) a draft survey; 乙区 a closed one."""
    agency = Agency.objects.create(region=world.region, name="甲评估公司", credit_code="X" * 18)
    agency.members.add(world.agency)

    def evaluation(unit, project, region=None, **fields):
        return evaluation_create(
            indicators=INDICATORS,
            region=region or world.region,
            year=2022,
            subject=f"项目{project}重点评价",
            kind="project",
            unit=world.units[unit],
            project=world.projects[project],
            status=KeyStatus.FIELDWORK,
            **fields,
        )

    e1 = evaluation("U1", "P1", agency=agency)
    e2 = evaluation("U2", "P2")
    eb = evaluation("UB", "PB", region=world.region_b)
    return {
        "open": survey_of(e1, valid=4, invalid=2),
        "draft": survey_of(e2, status=SurveyStatus.DRAFT),
        "other_region": survey_of(eb, status=SurveyStatus.CLOSED, valid=1),
    }


def api(client, user):
    _t, key = ApiToken.objects.issue(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    class Api:
        def get(self, url):
            return client.get(url, **auth)

        def post(self, url, body=None):
            return client.post(url, body or {}, content_type="application/json", **auth)

    return Api()


# ── reading ──────────────────────────────────────────────────────────────────────────────────
def test_a_survey_answers_the_contract_fields(world, client, surveys):
    survey = surveys["open"]
    response = api(client, world.performance).get(f"/api/v1/surveys/{survey.pk}")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == FIELDS
    assert body["status"] == "open"
    assert body["subject_kind"] == "key_evaluation"
    assert body["subject"] == {"id": survey.key_evaluation_id, "name": "项目P1重点评价"}
    assert body["unit"] == {"code": "U1", "name": "甲区教育局"}
    assert body["public_url"] == f"/survey/{survey.token}/"
    assert body["qr_url"] == f"/survey/{survey.token}/qr.svg"
    assert body["opens"] == survey.opens_at.isoformat()
    assert body["closes"] == survey.closes_at.isoformat()


def test_the_public_url_and_the_qr_code_answer_without_login(world, client, surveys):
    body = api(client, world.performance).get(f"/api/v1/surveys/{surveys['open'].pk}").json()
    anonymous = Client()
    qr = anonymous.get(body["qr_url"])
    assert qr.status_code == 200
    assert qr["Content-Type"].startswith("image/svg")
    assert anonymous.get(body["public_url"]).status_code == 200


def test_responses_count_every_answer_and_the_rate_only_the_valid_ones(world, client, surveys):
    body = api(client, world.performance).get(f"/api/v1/surveys/{surveys['open'].pk}").json()
    assert body["responses"] == 6
    assert body["valid_responses"] == 4
    assert (
        body["satisfaction_rate"] == "0.7500"
    )  # (很满意 1 + 满意 2) ÷ 4; the invalid 很满意 left out


def test_the_sample_needed_is_385_without_a_population_and_less_for_a_small_one(
    world, client, surveys
):
    caller = api(client, world.performance)
    assert caller.get(f"/api/v1/surveys/{surveys['open'].pk}").json()["sample_needed"] == 385
    Survey.objects.filter(pk=surveys["open"].pk).update(population=60)
    needed = caller.get(f"/api/v1/surveys/{surveys['open'].pk}").json()["sample_needed"]
    assert needed == 52  # 384.16 ÷ (1 + 384.16 ÷ 60) = 51.9 → 52


def test_a_survey_without_valid_answers_has_no_rate(world, client, surveys):
    body = api(client, world.performance).get(f"/api/v1/surveys/{surveys['draft'].pk}").json()
    assert (body["responses"], body["valid_responses"], body["satisfaction_rate"]) == (0, 0, None)


def test_the_list_is_the_callers_region_and_filters_by_year_unit_and_status(world, client, surveys):
    caller = api(client, world.performance)

    def ids(query=""):
        body = caller.get(f"/api/v1/surveys{query}").json()
        assert body["count"] == len(body["items"])
        return {item["id"] for item in body["items"]}

    own = {surveys["open"].pk, surveys["draft"].pk}
    assert ids() == own
    assert ids("?region=100101&year=2022") == own
    assert ids("?year=2021") == set()
    assert ids("?unit=U2") == {surveys["draft"].pk}
    assert ids("?status=open") == {surveys["open"].pk}
    assert ids("?region=100102") == set()
    assert ids("?region=999999") == set()


def test_the_list_items_are_the_detail(world, client, surveys):
    caller = api(client, world.performance)
    item = caller.get("/api/v1/surveys?status=open").json()["items"][0]
    assert item == caller.get(f"/api/v1/surveys/{surveys['open'].pk}").json()


@pytest.mark.parametrize("username", ["filer", "agency", "performance", "auditor"])
def test_those_in_scope_read_the_survey(world, client, surveys, username):
    response = api(client, world.users[username]).get(f"/api/v1/surveys/{surveys['open'].pk}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "survey"),
    [
        ("other", "open"),  # another unit's filer
        ("agency", "draft"),  # an agency not assigned to that evaluation
        ("expert", "open"),
        ("other_region", "open"),
        ("performance", "other_region"),
    ],
)
def test_a_survey_outside_the_callers_scope_answers_404(world, client, surveys, username, survey):
    caller = api(client, world.users[username])
    pk = surveys[survey].pk
    assert caller.get(f"/api/v1/surveys/{pk}").status_code == 404
    assert pk not in {i["id"] for i in caller.get("/api/v1/surveys").json()["items"]}
    assert caller.post(f"/api/v1/surveys/{pk}/close").status_code == 404


def test_the_other_unit_lists_only_its_own(world, client, surveys):
    body = api(client, world.other).get("/api/v1/surveys").json()
    assert [i["id"] for i in body["items"]] == [surveys["draft"].pk]


def test_without_a_token_the_api_answers_401(client, surveys):
    assert client.get(f"/api/v1/surveys/{surveys['open'].pk}").status_code == 401


# ── actions ──────────────────────────────────────────────────────────────────────────────────
def test_the_office_opens_and_closes_a_survey(world, client, surveys):
    caller = api(client, world.performance)
    pk = surveys["draft"].pk
    response = caller.post(f"/api/v1/surveys/{pk}/open")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert Survey.objects.get(pk=pk).status == SurveyStatus.OPEN
    response = caller.post(f"/api/v1/surveys/{pk}/close")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    assert Survey.objects.get(pk=pk).status == SurveyStatus.CLOSED


def test_an_answer_marked_invalid_keeps_its_note_and_leaves_the_valid_count(world, client, surveys):
    survey = surveys["open"]
    answer = survey.responses.filter(valid=True).order_by("pk").first()
    response = api(client, world.performance).post(
        f"/api/v1/surveys/{survey.pk}/responses/{answer.pk}/invalid", {"note": "同一户重复作答"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["responses"], body["valid_responses"]) == (6, 3)
    answer.refresh_from_db()
    assert not answer.valid
    assert answer.invalid_reason == InvalidReason.MANUAL
    assert answer.invalid_note == "同一户重复作答"
    assert answer.marked_by == world.performance


def test_an_answer_of_another_survey_answers_404(world, client, surveys):
    elsewhere = surveys["other_region"].responses.first()
    response = api(client, world.performance).post(
        f"/api/v1/surveys/{surveys['open'].pk}/responses/{elsewhere.pk}/invalid", {"note": "x"}
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.valid


def test_marking_invalid_needs_a_note_field(world, client, surveys):
    survey = surveys["open"]
    answer = survey.responses.first()
    response = api(client, world.performance).post(
        f"/api/v1/surveys/{survey.pk}/responses/{answer.pk}/invalid", {}
    )
    assert response.status_code == 422


def test_the_surveys_are_in_the_openapi_description(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/surveys",
        "/api/v1/surveys/{survey_id}",
        "/api/v1/surveys/{survey_id}/open",
        "/api/v1/surveys/{survey_id}/close",
        "/api/v1/surveys/{survey_id}/responses/{response_id}/invalid",
    ):
        assert path in paths, path


def test_the_assigned_agency_closes_its_survey_and_a_reader_may_not(world, client, surveys):
    pk = surveys["open"].pk
    refused = api(client, world.auditor).post(f"/api/v1/surveys/{pk}/close")
    assert refused.status_code == 403
    assert Survey.objects.get(pk=pk).status == SurveyStatus.OPEN
    closed = api(client, world.agency).post(f"/api/v1/surveys/{pk}/close")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"


def test_a_step_the_state_refuses_answers_409_with_the_reason(world, client, surveys):
    caller = api(client, world.performance)
    survey = surveys["open"]
    again = caller.post(f"/api/v1/surveys/{survey.pk}/open")
    assert again.status_code == 409
    assert "不能发布" in again.json()["detail"]
    assert caller.post(f"/api/v1/surveys/{survey.pk}/close").status_code == 200
    answer = survey.responses.filter(valid=True).first()
    late = caller.post(
        f"/api/v1/surveys/{survey.pk}/responses/{answer.pk}/invalid", {"note": "重复作答"}
    )
    assert late.status_code == 409
    answer.refresh_from_db()
    assert answer.valid
