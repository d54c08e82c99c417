"""The lists of surveys (the API's /api/v1/surveys and the page `survey-list`) count a page's
figures together (`results.list_figures`): the number of queries does not grow with the
number of surveys, and each row's figures (answers with the invalid ones, valid answers, the
rate by the survey's own formula, the sample needed) are the detail's (`survey_figures`).

The surveys are `test_results.make_survey`'s (U1's whole-unit evaluation of 2022: a counting
scale question among others), filled by `test_results.fill` (10 valid answers, 7 satisfied,
and 2 invalid ones) or by a few answers of their own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.surveys.models import Survey
from jixiao.surveys.results import ListFigures, list_figures, survey_figures
from jixiao.surveys.tests.test_api import api
from jixiao.surveys.tests.test_results import answer, fill, make_survey

pytestmark = pytest.mark.django_db

LEVELS = ["很满意", "满意", "基本满意", "不满意", "很不满意"]


def add_surveys(world, n: int, start: int = 0) -> list[Survey]:
    """`n` more surveys, each with its own answers: every third one by the weighted formula,
    every fourth one with a population, some with an invalid answer, some without any."""
    made = []
    for i in range(start, start + n):
        survey = make_survey(world, population=60 if i % 4 == 0 else None)
        if i % 3 == 0:
            Survey.objects.filter(pk=survey.pk).update(formula="weighted")
            survey.refresh_from_db()
        for j in range(i % 5):
            answer(survey, group="教师", level=LEVELS[(i + j) % len(LEVELS)])
        if i % 2:
            answer(survey, group="居民", level="很满意", valid=False, reason="too_fast")
        made.append(survey)
    return made


def detail(survey: Survey) -> ListFigures:
    return ListFigures.of(survey_figures(Survey.objects.get(pk=survey.pk)))


def page_client(client_for):
    client = client_for("performance")
    session = client.session
    session["work_year"] = 2022
    session.save()
    return client


def _api_queries(caller) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = caller.get("/api/v1/surveys?year=2022")
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def _page_queries(client) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("survey-list"))
    assert response.status_code == 200
    return len(captured), response


def test_the_api_list_takes_as_many_queries_for_12_surveys_as_for_2(world, client):
    add_surveys(world, 2)
    caller = api(client, world.performance)
    caller.get("/api/v1/surveys?year=2022")  # the first request settles the caller's session
    few, body = _api_queries(caller)
    assert body["count"] == 2
    add_surveys(world, 10, start=2)
    many, body = _api_queries(caller)
    assert body["count"] == 12
    assert many == few


def test_the_list_page_takes_as_many_queries_for_12_surveys_as_for_2(world, client_for):
    add_surveys(world, 2)
    client = page_client(client_for)
    client.get(reverse("survey-list"))
    few, response = _page_queries(client)
    assert len(response.context["page"]) == 2
    add_surveys(world, 10, start=2)
    many, response = _page_queries(client)
    assert len(response.context["page"]) == 12
    assert many == few


def test_each_api_list_item_has_the_details_figures(world, client):
    filled = make_survey(world, population=60)
    fill(filled)
    surveys = [filled, *add_surveys(world, 8)]
    items = {
        item["id"]: item
        for item in api(client, world.performance).get("/api/v1/surveys?year=2022").json()["items"]
    }
    assert set(items) == {s.pk for s in surveys}
    assert items[filled.pk]["satisfaction_rate"] == "0.7000"  # (3 很满意 + 4 满意) ÷ 10 valid
    assert (items[filled.pk]["responses"], items[filled.pk]["valid_responses"]) == (12, 10)
    assert items[filled.pk]["sample_needed"] == 52  # 384.16 ÷ (1 + 384.16 ÷ 60) → 52
    for survey in surveys:
        expected = detail(survey)
        item = items[survey.pk]
        rate = None if expected.rate is None else f"{expected.rate:.4f}"
        assert (
            item["responses"],
            item["valid_responses"],
            item["satisfaction_rate"],
            item["sample_needed"],
        ) == (expected.answers, expected.valid, rate, expected.sample_needed), survey.pk


def test_each_list_page_row_has_the_details_figures(world, client_for):
    filled = make_survey(world)
    fill(filled)
    surveys = [filled, *add_surveys(world, 8)]
    response = page_client(client_for).get(reverse("survey-list"))
    rows = {s.pk: s.figures for s in response.context["page"]}
    assert rows == {s.pk: detail(s) for s in surveys}
    expected = ListFigures(answers=12, valid=10, rate=Decimal("0.7000"), sample_needed=385)
    assert rows[filled.pk] == expected  # (3 很满意 + 4 满意) ÷ 10 valid; no population: 385
    assert "70.00%" in response.content.decode()


def test_weighted_and_empty_surveys_have_the_details_figures(world):
    surveys = add_surveys(world, 6)
    weighted = [s for s in surveys if s.formula == "weighted"]
    assert weighted and any(detail(s).rate is None for s in surveys)
    found = list_figures(
        Survey.objects.filter(pk__in=[s.pk for s in surveys]).select_related("region")
    )
    assert found == {s.pk: detail(s) for s in surveys}
    assert list_figures([]) == {}
