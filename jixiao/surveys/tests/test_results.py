"""A survey's figures (`results.survey_figures`) and its results page: the rate with its
interval computed by hand on a small fixture, invalid answers counted but left out of the rate,
the breakdowns, a fixed number of queries, script text shown as text, and scope (404)."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.evaluations.models import UnitEvaluation
from jixiao.evaluations.services import unit_evaluation_save
from jixiao.surveys.models import (
    Answer,
    Channel,
    Question,
    QuestionKind,
    Response,
    SubjectKind,
    Survey,
    SurveyStatus,
)
from jixiao.surveys.results import survey_figures

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def subject(world):
    """The unit U1's whole-unit evaluation of 2022 (the survey's subject)."""
    found = UnitEvaluation.objects.filter(unit=world.units["U1"], year=2022).first()
    return found or unit_evaluation_save(
        actor=world.filer, unit=world.units["U1"], year=2022, values={}, judgements={}
    )


def make_survey(world, *, population=None, status=SurveyStatus.OPEN) -> Survey:
    survey = Survey.objects.create(
        region=world.region,
        year=2022,
        unit=world.units["U1"],
        subject_kind=SubjectKind.UNIT_EVALUATION,
        unit_evaluation=subject(world),
        title="学生资助满意度调查",
        status=status,
        population=population,
        opens_at=timezone.now() - timedelta(days=3),
    )
    questions = [
        (QuestionKind.GROUP, "您的身份", ["学生家长", "教师", "居民"], True, False),
        (QuestionKind.SCALE, "您对资助工作是否满意", [], True, True),
        (QuestionKind.MULTIPLE, "您从哪里了解到资助政策", ["学校", "社区", "网络"], False, False),
        (QuestionKind.NUMBER, "家中在读学生人数", [], False, False),
        (QuestionKind.TEXT, "意见和建议", [], False, False),
    ]
    for order, (kind, text, options, required, counts) in enumerate(questions, start=1):
        Question.objects.create(
            survey=survey,
            order=order,
            kind=kind,
            text=text,
            options=options,
            required=required,
            counts=counts,
        )
    Channel.objects.create(survey=survey, name="海报", tag="poster")
    return survey


def answer(
    survey: Survey,
    *,
    group: str,
    level: str,
    sources=(),
    number=None,
    text="",
    valid=True,
    reason="",
    channel=None,
    paper=False,
) -> Response:
    """One stored answer, as the public page or a paper entry would leave it."""
    questions = {q.order: q for q in survey.questions.all()}
    response = Response.objects.create(
        survey=survey,
        respondent=f"r{Response.objects.count() + 1}",
        channel=survey.channels.get(tag=channel) if channel else None,
        group=group,
        submitted_at=timezone.now(),
        seconds=None if paper else 95,
        paper=paper,
        valid=valid,
        invalid_reason=reason,
    )
    Answer.objects.create(response=response, question=questions[1], choices=[group])
    Answer.objects.create(response=response, question=questions[2], choices=[level])
    if sources:
        Answer.objects.create(response=response, question=questions[3], choices=list(sources))
    if number is not None:
        Answer.objects.create(response=response, question=questions[4], number=Decimal(number))
    if text:
        Answer.objects.create(response=response, question=questions[5], text=text)
    return response


def fill(survey: Survey) -> None:
    """10 valid answers (parents: 2 很满意, 2 满意, 1 基本满意, 1 不满意; teachers: 1 很满意,
    2 满意, 1 基本满意) and 2 invalid ones (很满意, too fast and marked by hand)."""
    parents = ["很满意", "很满意", "满意", "满意", "基本满意", "不满意"]
    teachers = ["很满意", "满意", "满意", "基本满意"]
    for n, level in enumerate(parents):
        answer(
            survey,
            group="学生家长",
            level=level,
            sources=["学校", "网络"] if n < 2 else ["学校"],
            number=n + 1,
            channel="poster" if n < 4 else None,
            text=SCRIPT if n == 0 else "",
        )
    for level in teachers:
        answer(survey, group="教师", level=level, paper=True, text="多发通知")
    answer(survey, group="居民", level="很满意", valid=False, reason="too_fast")
    answer(survey, group="居民", level="很满意", valid=False, reason="manual")


def wilson(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return centre - half, centre + half


def test_figures_count_every_answer_and_rate_only_the_valid_ones(world):
    survey = make_survey(world, population=60)
    fill(survey)
    figures = survey_figures(survey)
    assert figures.answers == 12
    assert figures.valid == 10
    assert figures.paper == 4
    invalid = {reason: n for reason, _label, n in figures.invalid}
    assert invalid == {"too_fast": 1, "straight": 0, "required": 0, "manual": 1}
    # (很满意 3 + 满意 4) / 10 valid answers
    assert figures.rate.value == Decimal("0.7000")
    low, high = wilson(0.7, 10)
    assert abs(float(figures.rate.low) - low) < 0.0001
    assert abs(float(figures.rate.high) - high) < 0.0001
    assert figures.rate.n == 10
    assert "10" in figures.rate.explanation


def test_weighted_formula_is_the_mean_of_the_scale_weights(world):
    survey = make_survey(world)
    survey.formula = "weighted"
    survey.save()
    fill(survey)
    # (100 × 3 + 80 × 4 + 60 × 2 + 30 × 1) / 10 / 100 = 770 / 1000
    assert survey_figures(survey).rate.value == Decimal("0.7700")


def test_sample_needed_with_and_without_population(world):
    small = make_survey(world, population=60)
    fill(small)
    figures = survey_figures(small)
    # 384.16 / (1 + 384.16 / 60) = 51.9 → 52
    assert figures.sample_needed == 52
    assert figures.reached is False
    unknown = make_survey(world)
    assert survey_figures(unknown).sample_needed == 385


def test_breakdown_by_group_and_channel_has_counts_and_rates(world):
    survey = make_survey(world)
    fill(survey)
    figures = survey_figures(survey)
    groups = {p.label: p for p in figures.by_group}
    assert (groups["学生家长"].answers, groups["学生家长"].valid) == (6, 6)
    assert groups["学生家长"].rate.value == Decimal("0.6667")  # 4 / 6
    assert groups["教师"].rate.value == Decimal("0.7500")  # 3 / 4
    assert (groups["居民"].answers, groups["居民"].valid) == (2, 0)
    assert groups["居民"].rate.value is None
    channels = {p.label: p for p in figures.by_channel}
    assert channels["海报"].valid == 4
    assert channels["海报"].rate.value == Decimal("1.0000")  # 2 很满意 + 2 满意
    assert channels["纸质问卷"].valid == 4
    assert channels["直接链接"].answers == 4  # 2 valid, 2 invalid


def test_each_question_has_its_option_counts_number_stats_and_texts(world):
    survey = make_survey(world)
    fill(survey)
    by_order = {q.question.order: q for q in survey_figures(survey).questions}
    scale = {o.label: o.count for o in by_order[2].options}
    assert scale == {"很满意": 3, "满意": 4, "基本满意": 2, "不满意": 1, "很不满意": 0}
    sources = {o.label: o.count for o in by_order[3].options}
    assert sources == {"学校": 6, "社区": 0, "网络": 2}
    assert by_order[3].answered == 6
    number = by_order[4].number
    assert (number["n"], number["min"], number["max"]) == (6, 1, 6)
    assert number["mean"] == Decimal("3.50")
    texts = [t for _id, t in by_order[5].texts]
    assert texts.count("多发通知") == 4 and SCRIPT in texts


def _queries(survey) -> int:
    with CaptureQueriesContext(connection) as captured:
        survey_figures(survey)
    return len(captured)


def test_figures_take_the_same_number_of_queries_whatever_the_answers(world):
    survey = make_survey(world)
    fill(survey)
    few = _queries(survey)
    for n in range(30):
        answer(survey, group="教师" if n % 2 else "居民", level="满意", sources=["社区"], number=n)
    assert _queries(survey) == few


def test_results_page_shows_script_text_as_text(world, client_for):
    survey = make_survey(world)
    fill(survey)
    page = client_for("performance").get(f"/surveys/{survey.pk}/results/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert 'id="survey-charts"' in html and "survey_charts.js" in html
    assert "70.00%" in html


def test_results_page_is_404_for_another_units_user(world, client_for):
    survey = make_survey(world)
    for name in ("other", "other_region"):
        client = client_for(name)
        assert client.get(f"/surveys/{survey.pk}/results/").status_code == 404
        assert client.get(f"/surveys/{survey.pk}/results/answers.xlsx").status_code == 404
        assert client.get(f"/surveys/{survey.pk}/results/section.docx").status_code == 404
        assert client.get(f"/surveys/{survey.pk}/paper/").status_code == 404


def test_an_answer_marked_invalid_on_the_page_stops_counting(world, client_for):
    survey = make_survey(world)
    fill(survey)
    target = survey.responses.filter(valid=True, group="学生家长").first()
    url = f"/surveys/{survey.pk}/results/answers/{target.pk}/invalid/"
    assert client_for("other").post(url, {"note": "重复"}).status_code == 404
    client_for("performance").post(url, {"note": "同一家庭重复填写"})
    target.refresh_from_db()
    assert (target.valid, target.invalid_reason) == (False, "manual")
    assert target.invalid_note == "同一家庭重复填写"
    assert survey_figures(survey).valid == 9


def _page_queries(client, survey) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/surveys/{survey.pk}/results/").status_code == 200
    return len(captured)


def test_results_page_takes_the_same_number_of_queries_whatever_the_answers(world, client_for):
    survey = make_survey(world)
    fill(survey)
    client = client_for("performance")
    few = _page_queries(client, survey)
    for n in range(30):
        answer(survey, group="教师", level="很满意", text=f"意见{n}", channel="poster")
    assert _page_queries(client, survey) == few


def test_a_closed_survey_shows_its_answers_without_the_mark_invalid_forms(world, client_for):
    survey = make_survey(world, status=SurveyStatus.CLOSED)
    fill(survey)
    html = client_for("performance").get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "作答时间过短" in html
    assert "/invalid/" not in html and "/paper/" not in html
