"""The demo's public surveys (issue 13, Demo): 2021's closed surveys of the key evaluations that
serve the public, with a few hundred answers and invalid ones of each reason, their rates in the
evaluations' satisfaction slot and reports; 2022's open survey closing 30 days after the build
day, printed by `jixiao demo` beside the logins and answerable without login.

The district of `test_demo_key` (the steps up to the projects, then the key evaluations, whose
2021 walk builds and closes the public surveys in the fieldwork, inside a transaction rolled back
at the end) gets the surveys step (the live year's), once for the module."""

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from jixiao.demo.tests.test_demo_key import built  # noqa: F401 (the district: a fixture)

#: The 2021 key evaluations whose unit serves residents: 环境卫生管理所 (urban), 应急管理局
#: (safety), 扬子洲镇 (street); not 发改委, 商务局, 法院, 林业局.
PUBLIC_UNITS = {"120001", "126", "210"}
SATISFIED = {"很满意", "满意"}


@pytest.fixture(scope="module")
def surveyed(built, django_db_blocker):  # noqa: F811 (the fixture)
    """The surveys step (2022's) on the key-evaluation module's district (in its open
    transaction); 2021's surveys come with the key evaluations."""
    from jixiao.demo.surveys import build_surveys

    with django_db_blocker.unblock():
        build_surveys(built)
    return built


@pytest.fixture
def demo(surveyed, db):
    return surveyed


def surveys_2021():
    from jixiao.surveys.models import Survey

    return Survey.objects.filter(region__code="360102", year=2021).select_related(
        "key_evaluation__unit", "created_by"
    )


def live_survey():
    from jixiao.surveys.models import Survey

    return Survey.objects.get(region__code="360102", year=2022)


def test_2021_surveys_are_those_of_the_key_evaluations_serving_the_public(demo):
    rows = list(surveys_2021())
    assert {s.key_evaluation.unit.code for s in rows} == PUBLIC_UNITS
    assert len(rows) == 3
    for survey in rows:
        assert survey.status == "closed" and survey.subject_kind == "key_evaluation"
        assert survey.created_by.username == "agency"
        assert survey.key_evaluation.status == "archived"
    kinds = {s.key_evaluation.unit.code: s.questions.first().options for s in rows}
    assert "沿街商户" in kinds["120001"]  # the urban management set, for the sanitation office


def test_2021_surveys_ran_inside_their_fieldwork(demo):
    for survey in surveys_2021():
        evaluation = survey.key_evaluation
        opened = timezone.localtime(survey.opens_at).date()
        closed = timezone.localtime(survey.closes_at).date()
        assert evaluation.notified_on < opened < closed < evaluation.archived_on
        assert closed.year == 2021 and survey.closed_at == survey.closes_at
        answered = survey.responses.values_list("submitted_at", flat=True)
        assert all(survey.opens_at <= when <= survey.closes_at for when in answered)


def test_each_2021_survey_has_a_few_hundred_answers_online_by_channel_and_on_paper(demo):
    for survey in surveys_2021():
        responses = survey.responses.all()
        assert 250 <= responses.count() <= 450
        online = responses.filter(paper=False)
        assert online.filter(channel__isnull=True).count() == 0
        used = set(online.values_list("channel__tag", flat=True))
        assert 2 <= len(used) <= 3 and used <= {"poster", "sms", "wechat"}
        on_paper = responses.filter(paper=True)
        assert 20 <= on_paper.count() < online.count()
        assert set(on_paper.values_list("entered_by__username", flat=True)) == {"agency"}
        assert not on_paper.filter(seconds__isnull=False).exists()


def _scale_answers(response) -> list[str]:
    return [
        a.choices[0]
        for a in response.answers.all()
        if a.question.kind == "scale" and a.question.counts and a.choices
    ]


def test_some_answers_are_invalid_for_each_reason_and_each_reason_holds(demo):
    for survey in surveys_2021():
        invalid = survey.responses.filter(valid=False).prefetch_related("answers__question")
        reasons = set(invalid.values_list("invalid_reason", flat=True))
        assert reasons == {"too_fast", "straight", "required", "manual"}
        group = survey.questions.get(kind="group")
        for response in invalid:
            if response.invalid_reason == "too_fast":
                assert response.seconds < 30 and not response.paper
            elif response.invalid_reason == "straight":
                assert len(set(_scale_answers(response))) == 1
            elif response.invalid_reason == "required":
                assert not response.answers.filter(question=group).exists()
            else:
                assert response.invalid_note and response.marked_by.username == "agency"
        valid = survey.responses.filter(valid=True).prefetch_related("answers__question")
        for response in valid:
            assert len(set(_scale_answers(response))) > 1
            assert response.paper or response.seconds >= 30


def test_the_rate_counts_the_valid_answers_and_is_realistic(demo):
    for survey in surveys_2021():
        valid = list(survey.responses.filter(valid=True).prefetch_related("answers__question"))
        levels = [level for response in valid for level in _scale_answers(response)]
        expected = Decimal(sum(level in SATISFIED for level in levels)) / len(levels)
        assert survey.valid_count == len(valid)
        assert survey.rate == expected.quantize(Decimal("0.0001"), ROUND_HALF_UP)
        assert Decimal("0.80") <= survey.rate <= Decimal("0.95")


def test_the_rates_reach_the_key_evaluations_and_their_reports(demo):
    from jixiao.evaluations.key.models import KeyEvaluation
    from jixiao.evaluations.key.rate_inputs import satisfaction_rate

    rates = {s.key_evaluation_id: s.rate for s in surveys_2021()}
    for evaluation in KeyEvaluation.objects.filter(region__code="360102", year=2021):
        assert satisfaction_rate(evaluation) == rates.get(evaluation.pk)
        versions = list(evaluation.reports.all())
        assert len(versions) == 2
        for version in versions:
            conduct = version.sections["parts"]["conduct"]
            if evaluation.pk in rates:
                percent = (rates[evaluation.pk] * 100).quantize(Decimal("0.01"))
                assert f"公众测评的满意率为{percent}%" in conduct
                assert "未开展公众测评" not in conduct
            else:
                assert "本次评价未开展公众测评" in conduct


def test_the_2021_figures_count_the_surveys_and_their_valid_answers(demo):
    from jixiao.reports.stats import year_stats
    from jixiao.surveys.models import Response

    valid = Response.objects.filter(survey__year=2021, valid=True).count()
    figures = year_stats(user=demo.users["perf"], region=demo.region, year=2021)
    assert figures["surveys"] == {"count": 3, "valid_responses": valid}
    assert figures["key_evaluations"]["count"] == 7


def test_2022_survey_is_open_for_30_more_days_without_codes_with_a_dozen_answers(demo):
    survey = live_survey()
    evaluation = survey.key_evaluation
    assert evaluation.subject == "2021年教育事业发展专项" and evaluation.status == "fieldwork"
    assert evaluation.unit == demo.users["unit"].unit
    assert survey.status == "open" and not survey.needs_code and not survey.codes.exists()
    closes = timezone.localtime(survey.closes_at).date()
    assert closes == timezone.localdate() + dt.timedelta(days=30)
    assert survey.opens_at < timezone.now() < survey.closes_at
    assert 10 <= survey.responses.count() <= 15
    assert survey.responses.filter(valid=True).count() >= 10


def test_jixiao_demo_prints_the_open_survey_url_beside_the_logins(demo):
    out = io.StringIO()
    call_command("demo", "--quiet", "--password", "Demo#Pass2022", stdout=out)
    text = out.getvalue()
    url = live_survey().public_url
    assert re.fullmatch(r"/survey/[\w-]+/", url)
    assert f"公众测评问卷：{url}" in text.splitlines()
    assert text.index("agency") < text.index(url)


def test_the_open_survey_answers_without_login(demo, client):
    survey = live_survey()
    page = client.get(survey.public_url)
    assert page.status_code == 200
    assert survey.title in page.content.decode()
    closed = surveys_2021().first()
    assert "已结束" in client.get(closed.public_url).content.decode()
