"""Where a closed survey's rate goes: a self-evaluation's satisfaction indicator (its actual value,
then the rules' score), a whole-unit evaluation's satisfaction item, the key evaluation's
satisfaction slot; a document that may no longer change keeps its figure and the survey's
page says why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.core.models import AuditLog
from jixiao.evaluations.key.models import KeyEvaluation, KeyStatus
from jixiao.evaluations.key.rate_inputs import satisfaction_rate
from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation, UnitEvaluation
from jixiao.evaluations.tests.test_key_work import make_evaluation
from jixiao.surveys import services
from jixiao.surveys.models import SurveyStatus

from .test_builder import answer, login, make_selfeval, unit_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def selfeval(world, declare):
    return make_selfeval(world, declare)


def closed(world, subject, levels: list[str], *, actor=None, invalid: int = 0):
    """A survey of `subject` opened, answered with `levels` (one answer each, all counting
    scale questions alike) plus `invalid` invalid answers, and closed."""
    actor = actor or world.performance
    survey = services.survey_create(actor=actor, subject=subject, kind="unit")
    services.survey_open(actor=actor, survey=survey)
    for n, level in enumerate(levels):
        answer(survey, n, level)
    for n in range(invalid):
        answer(survey, 1000 + n, "很满意", valid=False)
    survey, _written = services.survey_close(actor=actor, survey=survey)
    return survey


def satisfaction_line(document):
    return document.indicators.get(category="满意度指标")


def test_closing_writes_the_rate_into_the_self_evaluations_satisfaction_indicator(world, selfeval):
    line = satisfaction_line(selfeval)
    assert (line.actual, line.score) == ("92%", Decimal("10.00"))  # ≥90%: full weight 10
    total_before = selfeval.total
    # 3 很满意 + 3 满意 of 8 valid answers = 6 / 8 = 75%; the invalid answers do not count
    levels = ["很满意"] * 3 + ["满意"] * 3 + ["基本满意", "不满意"]
    survey = closed(world, selfeval, levels, invalid=2)
    assert (survey.status, survey.valid_count, survey.rate) == (
        SurveyStatus.CLOSED,
        8,
        Decimal("0.7500"),
    )
    assert survey.closed_at is not None
    line.refresh_from_db()
    assert line.actual == "75.0%"
    # ≥90% with 75%: 10 × 75 / 90 = 8.33
    assert line.score == Decimal("8.33")
    selfeval.refresh_from_db()
    assert selfeval.total == total_before - Decimal("1.67")
    entry = AuditLog.objects.filter(object_type="evaluations.selfevaluation").order_by("-pk")[0]
    assert entry.message == "公众测评：有效问卷 8 份，满意率 75.0%"
    # the source is shown beside the value, until the unit types another value
    assert line.actual_source == "公众测评：有效问卷 8 份，满意率 75.0%"
    page = client_for_filer(world).get(f"/evaluations/{selfeval.pk}/").content.decode()
    assert "公众测评：有效问卷 8 份，满意率 75.0%" in page
    from jixiao.evaluations.services import _apply_row

    _apply_row(line, {"actual": "80%"})
    assert line.actual_source == ""


def test_the_survey_page_says_where_the_rate_went(world, selfeval):
    survey = closed(world, selfeval, ["很满意", "满意", "不满意", "满意"])
    page = login(world.performance).get(reverse("survey-detail", args=[survey.pk]))
    text = page.content.decode()
    assert "已写入自评指标“居民满意度”" in text
    assert "有效问卷 4 份，满意率 75.0%" in text


def test_a_confirmed_self_evaluation_keeps_its_figure_and_the_page_says_why(world, selfeval):
    SelfEvaluation.objects.filter(pk=selfeval.pk).update(status=EvaluationStatus.CONFIRMED)
    survey = closed(world, selfeval, ["不满意", "不满意"])
    line = satisfaction_line(selfeval)
    assert (line.actual, line.score) == ("92%", Decimal("10.00"))
    text = login(world.performance).get(reverse("survey-detail", args=[survey.pk]))
    assert "自评未写入满意率" in text.content.decode()
    assert "已确认" in text.content.decode()


def test_the_key_evaluation_slot_answers_the_closed_surveys_rate(world):
    evaluation = make_evaluation(world)
    assert satisfaction_rate(evaluation) is None
    survey = services.survey_create(actor=world.agency, subject=evaluation, kind="urban")
    services.survey_open(actor=world.agency, survey=survey)
    for n, level in enumerate(["很满意", "满意", "满意", "基本满意", "很满意"]):
        answer(survey, n, level)
    assert satisfaction_rate(evaluation) is None  # open: no figure yet
    services.survey_close(actor=world.agency, survey=survey)
    # 4 of 5 satisfied
    assert satisfaction_rate(evaluation) == Decimal("0.8")


def test_the_whole_unit_evaluations_satisfaction_item_takes_the_rate(world):
    evaluation = unit_evaluation(world)
    closed(world, evaluation, ["很满意", "满意", "基本满意", "满意"], actor=world.filer)
    evaluation = UnitEvaluation.objects.get(pk=evaluation.pk)
    assert evaluation.values["服务对象满意度"] == "75.0%"
    item = next(i for i in evaluation.result["items"] if i["indicator"] == "服务对象满意度")
    # ≥90% with 75%: 15 points short, 0.3 per point → 6 − 4.5 = 1.50
    assert Decimal(item["score"]) == Decimal("1.50")


def test_a_survey_closed_after_the_key_evaluation_was_archived_is_not_taken(world):
    evaluation = make_evaluation(world)
    survey = services.survey_create(actor=world.performance, subject=evaluation, kind="urban")
    services.survey_open(actor=world.performance, survey=survey)
    answer(survey, 1, "满意")
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.ARCHIVED)
    _survey, written = services.survey_close(actor=world.performance, survey=survey)
    assert not written.written and "已归档" in written.note
    assert satisfaction_rate(KeyEvaluation.objects.get(pk=evaluation.pk)) is None


def client_for_filer(world):
    from django.test import Client

    client = Client()
    client.force_login(world.filer)
    return client


def test_jixiao_tick_closes_a_survey_past_its_closing_time_and_writes_the_rate(world, selfeval):
    import datetime as dt
    import io

    from django.core.management import call_command

    survey = services.survey_create(actor=world.performance, subject=selfeval, kind="unit")
    services.survey_open(actor=world.performance, survey=survey)
    for n, level in enumerate(["很满意", "满意", "满意", "不满意"]):
        answer(survey, n, level)
    from django.utils import timezone

    survey.closes_at = timezone.make_aware(dt.datetime(2023, 3, 31, 18))  # local time
    survey.save(update_fields=["closes_at"])

    out = io.StringIO()
    call_command("tick", "--today", "2023-03-30", stdout=out)  # not yet due
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and "满意度问卷" not in out.getvalue()

    call_command("tick", "--today", "2023-03-31", stdout=out)
    survey.refresh_from_db()
    assert (survey.status, survey.valid_count, survey.rate) == (
        SurveyStatus.CLOSED,
        4,
        Decimal("0.7500"),  # 很满意 + 满意 × 2 of 4
    )
    assert survey.closed_at == survey.closes_at
    assert "到期结束的满意度问卷 1 份" in out.getvalue()
    assert satisfaction_line(selfeval).actual == "75.0%"
    call_command("tick", "--today", "2023-04-01", stdout=out)  # safe to repeat
    assert out.getvalue().count("到期结束的满意度问卷") == 1
