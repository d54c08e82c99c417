"""The public surveys in the figures of a work year (CONTRACT.md `surveys`: the count and the
valid answers) and in the annual summary (公众测评 among the key evaluations' methods, and a
sentence with the surveys and their valid questionnaires).

Work year 2022 of 甲区, on top of `test_key_summary.key_year` (E1 P1 of U1, E2 P2 of U2):
- E1's survey, closed: 3 valid answers and 1 invalid;
- E2's survey, open: 1 invalid answer only;
- not counted: a draft survey of E1 (2 valid answers), a survey of 乙区 (2 valid), a survey of
  a 2021 key evaluation (2 valid), and the survey of P1's self-evaluation of 2022 (1 valid),
  which counts in work year 2023, when that self-evaluation is done.
So: 2 surveys, 3 valid answers; 1 key evaluation with a public survey (E1).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.core.scope import RegionReader
from jixiao.evaluations.key.models import KeyEvaluation, KeyStatus
from jixiao.evaluations.models import SelfEvaluation
from jixiao.reports.selectors import WorkYear
from jixiao.reports.stats import _surveys, year_stats
from jixiao.reports.tests.test_key_summary import (  # noqa: F401 (key_year: a fixture)
    TODAY,
    body_text,
    build,
    figures,
    key_year,
    make,
)
from jixiao.surveys.models import SubjectKind, SurveyStatus
from jixiao.surveys.tests.test_api import api, survey_of


@pytest.fixture
def survey_year(key_year):  # noqa: F811 (the fixture)
    world = key_year
    e1 = KeyEvaluation.objects.get(year=2022, project__code="P1", commissioner__isnull=True)
    e2 = KeyEvaluation.objects.get(year=2022, project__code="P2")
    survey_of(e1, status=SurveyStatus.CLOSED, valid=3, invalid=1)
    survey_of(e2, status=SurveyStatus.OPEN, invalid=1)
    # not counted in 2022
    survey_of(e1, status=SurveyStatus.DRAFT, valid=2)
    survey_of(KeyEvaluation.objects.get(unit__code="UB"), status=SurveyStatus.CLOSED, valid=2)
    survey_of(KeyEvaluation.objects.get(year=2021), status=SurveyStatus.CLOSED, valid=2)
    selfeval = SelfEvaluation.objects.create(
        region=world.region, year=2022, unit=world.units["U1"], project=world.projects["P1"]
    )
    survey_of(selfeval, status=SurveyStatus.OPEN, valid=1, kind=SubjectKind.SELFEVAL)
    return world


def test_the_year_counts_its_opened_surveys_and_their_valid_answers(survey_year):
    assert figures(survey_year)["surveys"] == {"count": 2, "valid_responses": 3}


def test_a_self_evaluation_survey_counts_in_the_year_the_evaluation_is_done(survey_year):
    region = survey_year.region
    later = year_stats(user=RegionReader(region.path), region=region, year=2023, today=TODAY)
    assert later["surveys"] == {"count": 1, "valid_responses": 1}


def test_a_unit_counts_only_its_own_surveys(survey_year):
    assert figures(survey_year, user=survey_year.other)["surveys"] == {
        "count": 1,
        "valid_responses": 0,
    }


def test_the_other_district_counts_its_own(survey_year):
    region_b = survey_year.region_b
    assert figures(survey_year, region=region_b)["surveys"] == {"count": 1, "valid_responses": 2}


def test_the_survey_figures_take_one_query_however_many_surveys(survey_year):
    work = WorkYear(
        user=RegionReader(survey_year.region.path), region=survey_year.region, year=2022
    )
    assert work._region_ids  # read once per work year, for every section
    with CaptureQueriesContext(connection) as few:
        _surveys(work)
    e2 = KeyEvaluation.objects.get(year=2022, project__code="P2")
    for _n in range(4):
        survey_of(e2, status=SurveyStatus.CLOSED, valid=1)
    with CaptureQueriesContext(connection) as many:
        assert _surveys(work) == {"count": 6, "valid_responses": 7}
    # One aggregate of the surveys joined to their answers (was two counts).
    assert len(few) == len(many) == 1


def test_public_survey_counts_key_evaluations_with_a_valid_answer_to_an_opened_survey(
    survey_year,
):
    assert figures(survey_year)["key_evaluations"]["methods"] == {
        "site_visits": 1,
        "expert_scoring": 2,
        "public_survey": 1,
    }


def test_the_stats_api_answers_the_surveys(survey_year, client):
    response = api(client, survey_year.performance).get("/api/v1/stats?region=100101&year=2022")
    assert response.status_code == 200
    body = response.json()
    assert body["surveys"] == {"count": 2, "valid_responses": 3}
    assert body["key_evaluations"]["methods"]["public_survey"] == 1


# ── the summary ──────────────────────────────────────────────────────────────────────────────
def test_the_summary_names_public_surveys_among_the_methods_once_a_survey_has_valid_answers(
    survey_year,
):
    text = body_text(build(survey_year))
    assert "采用现场勘查、比对打分、公众测评等方式对项目进行客观、综合的分析评价。" in text
    assert "开展公众满意度测评 2 项，收回有效问卷 3 份。" in text


def test_a_survey_without_valid_answers_does_not_make_a_method(key_year):  # noqa: F811
    e2 = make(key_year, status=KeyStatus.FIELDWORK, unit="U2", project="P2")
    survey_of(e2, status=SurveyStatus.OPEN, invalid=2)
    text = body_text(build(key_year))
    assert "公众测评" not in text
    assert "开展公众满意度测评 1 项，收回有效问卷 0 份。" in text


def test_a_year_without_surveys_says_nothing_of_them(key_year):  # noqa: F811
    assert "满意度测评" not in body_text(build(key_year))
