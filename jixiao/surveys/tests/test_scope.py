"""Scope of the survey builder's pages: another unit's filer, an agency not assigned, an expert
and a user of another region get a 404 on every page and action of a survey, GET and POST alike,
and nothing changes; a reader in scope who does not build (the business office) is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jixiao.evaluations.tests.test_key_work import make_evaluation, make_user
from jixiao.surveys import selectors, services
from jixiao.surveys.models import SurveyStatus

from .test_builder import answer, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    evaluation = make_evaluation(world)
    survey = services.survey_create(actor=world.agency, subject=evaluation, kind="urban")
    services.codes_generate(actor=world.agency, survey=survey, count=3)
    services.survey_open(actor=world.agency, survey=survey)
    answer(survey, 1, "满意")
    return survey


def pages(survey) -> list[tuple[str, str]]:
    pk, question = survey.pk, survey.questions.first()
    response = survey.responses.get()
    return [
        ("get", reverse("survey-detail", args=[pk])),
        ("get", reverse("survey-edit", args=[pk])),
        ("post", reverse("survey-edit", args=[pk])),
        ("get", reverse("survey-question-new", args=[pk])),
        ("get", reverse("survey-question-edit", args=[pk, question.pk])),
        ("post", reverse("survey-question-move", args=[pk, question.pk])),
        ("post", reverse("survey-question-remove", args=[pk, question.pk])),
        ("post", reverse("survey-channel-add", args=[pk])),
        ("get", reverse("survey-codes", args=[pk])),
        ("post", reverse("survey-codes-generate", args=[pk])),
        ("post", reverse("survey-open", args=[pk])),
        ("post", reverse("survey-close", args=[pk])),
        ("post", reverse("survey-response-invalid", args=[pk, response.pk])),
    ]


@pytest.mark.parametrize("who", ["other", "agency_elsewhere", "expert", "other_region"])
def test_every_page_is_404_outside_the_users_scope(world, survey, who):
    user = make_user(world, who, ["agency"]) if who == "agency_elsewhere" else world.users[who]
    client = login(user)
    for method, url in pages(survey):
        data = {"name": "x", "tag": "x", "count": "5", "note": "x", "title": "x"}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (who, method, url, response.status_code)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    assert (survey.channels.count(), survey.codes.count()) == (0, 3)
    assert survey.responses.get().valid


def test_the_expert_and_an_unassigned_agency_see_no_survey(world, survey):
    stranger = make_user(world, "agency_elsewhere", ["agency"])
    for user in (world.expert, stranger, world.other):
        assert not selectors.survey_list(user=user).exists()
        text = login(user).get(reverse("survey-list")).content.decode()
        assert survey.title not in text
    assert list(selectors.survey_list(user=world.agency)) == [survey]


def test_a_reader_in_scope_who_does_not_build_is_refused_and_sees_no_buttons(world, survey):
    client = login(world.business)
    page = client.get(reverse("survey-detail", args=[survey.pk]))
    assert page.status_code == 200
    assert reverse("survey-close", args=[survey.pk]) not in page.content.decode()
    assert client.post(reverse("survey-close", args=[survey.pk])).status_code == 403
    assert client.get(reverse("survey-codes", args=[survey.pk])).status_code == 403
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
