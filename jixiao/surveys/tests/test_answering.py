"""answering.submit: one online answer stored with its validity, one per respondent and code."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from jixiao.surveys import answering
from jixiao.surveys.models import (
    Channel,
    OneTimeCode,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
)

pytestmark = pytest.mark.django_db

LEVELS = ["很满意", "满意", "基本满意", "不满意", "很不满意"]
GROUPS = ["学生家长", "教师", "居民"]


def make_survey(world, *, status=SurveyStatus.OPEN, needs_code=False, **facts) -> Survey:
    """An open survey of unit U1 with a group question, three scale questions (counted), a
    multiple choice, a number and an optional free text."""
    survey = Survey.objects.create(
        region=world.region,
        year=2022,
        unit=world.units["U1"],
        subject_kind="selfeval",
        title="老旧小区改造满意度调查",
        status=status,
        needs_code=needs_code,
        **facts,
    )
    rows = [
        (QuestionKind.GROUP, "您的身份", GROUPS, True, False),
        (QuestionKind.SCALE, "您对改造质量是否满意？", [], True, True),
        (QuestionKind.SCALE, "您对施工进度是否满意？", [], True, True),
        (QuestionKind.SCALE, "您对文明施工是否满意？", [], True, True),
        (QuestionKind.MULTIPLE, "您最关心哪些方面？", ["道路", "绿化", "停车"], False, False),
        (QuestionKind.NUMBER, "您在本小区居住了几年？", [], False, False),
        (QuestionKind.TEXT, "您还有什么意见和建议？", [], False, False),
    ]
    fields = ("kind", "text", "options", "required", "counts")
    Question.objects.bulk_create(
        Question(survey=survey, order=order, **dict(zip(fields, row, strict=True)))
        for order, row in enumerate(rows, start=1)
    )
    return survey


def questions(survey) -> dict[str, Question]:
    return {q.text: q for q in survey.questions.all()}


def good_answers(survey, **changes) -> dict[str, object]:
    """A varied, complete answer as a posted form would carry it (field → value or values)."""
    q = questions(survey)
    data = {
        f"q{q['您的身份'].pk}": "居民",
        f"q{q['您对改造质量是否满意？'].pk}": "很满意",
        f"q{q['您对施工进度是否满意？'].pk}": "满意",
        f"q{q['您对文明施工是否满意？'].pk}": "基本满意",
        f"q{q['您最关心哪些方面？'].pk}": ["停车", "道路"],
        f"q{q['您在本小区居住了几年？'].pk}": "12.5",
        f"q{q['您还有什么意见和建议？'].pk}": "  希望增加停车位。 ",
    }
    data.update(changes)
    return data


def submit(survey, data, *, respondent="r" * 32, seconds=90, code=None, channel=None):
    started = timezone.now() - timedelta(seconds=seconds)
    return answering.submit(survey, data, respondent, "203.0.113.9", channel, code, started)


def test_a_complete_answer_is_stored_valid_with_every_answer(world):
    survey = make_survey(world)
    Channel.objects.create(survey=survey, name="海报", tag="poster")
    response = submit(survey, good_answers(survey), channel="poster")
    response.refresh_from_db()
    assert response.valid and response.invalid_reason == ""
    assert response.group == "居民" and response.channel.tag == "poster"
    assert 85 <= response.seconds <= 95
    stored = {a.question.text: a for a in response.answers.select_related("question")}
    assert stored["您对施工进度是否满意？"].choices == ["满意"]
    assert stored["您最关心哪些方面？"].choices == ["道路", "停车"]  # in the question's order
    assert stored["您在本小区居住了几年？"].number == Decimal("12.5")
    assert stored["您还有什么意见和建议？"].text == "希望增加停车位。"


def test_neither_the_respondent_token_nor_the_address_is_stored_as_given(world):
    survey = make_survey(world)
    response = submit(survey, good_answers(survey), respondent="secret-token-" * 3)
    assert "secret-token" not in response.respondent and len(response.respondent) == 64
    assert "203.0.113.9" not in response.address_hash and len(response.address_hash) == 64


def test_the_same_respondent_cannot_answer_twice(world):
    survey = make_survey(world)
    submit(survey, good_answers(survey))
    with pytest.raises(answering.AlreadyAnswered):
        submit(survey, good_answers(survey))
    assert Response.objects.filter(survey=survey).count() == 1


def test_two_posts_at_once_are_settled_by_the_unique_constraint(world, monkeypatch):
    survey = make_survey(world)
    submit(survey, good_answers(survey))
    # The second post checked before the first one was stored: the database refuses it.
    monkeypatch.setattr(answering, "answered_already", lambda survey, who: False)
    with pytest.raises(answering.AlreadyAnswered):
        submit(survey, good_answers(survey))
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_one_time_code_answers_once_whatever_the_device(world):
    survey = make_survey(world, needs_code=True)
    OneTimeCode.objects.create(survey=survey, code="K7M2Q9XA")
    submit(survey, good_answers(survey), code=" k7m2q9xa ", respondent="a" * 32)
    with pytest.raises(answering.AlreadyAnswered):
        submit(survey, good_answers(survey), code="K7M2Q9XA", respondent="b" * 32)
    code = OneTimeCode.objects.get(survey=survey)
    assert code.used_at is not None and code.response.respondent
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_survey_with_codes_refuses_a_missing_or_unknown_code(world):
    survey = make_survey(world, needs_code=True)
    OneTimeCode.objects.create(survey=survey, code="K7M2Q9XA")
    with pytest.raises(answering.InvalidAnswers) as missing:
        submit(survey, good_answers(survey))
    with pytest.raises(answering.InvalidAnswers) as unknown:
        submit(survey, good_answers(survey), code="ZZZZZZZZ")
    assert "作答码" in missing.value.errors["code"] and "作答码" in unknown.value.errors["code"]
    assert not Response.objects.filter(survey=survey).exists()


def test_a_required_question_left_empty_is_stored_invalid_with_its_reason(world):
    survey = make_survey(world)
    q = questions(survey)
    response = submit(survey, good_answers(survey, **{f"q{q['您的身份'].pk}": ""}))
    response.refresh_from_db()
    assert not response.valid and response.invalid_reason == "required"
    assert response.answers.count() == 6


def test_an_answer_given_too_fast_is_stored_invalid(world):
    survey = make_survey(world)
    response = submit(survey, good_answers(survey), seconds=5)
    assert Response.objects.get(pk=response.pk).invalid_reason == "too_fast"


def test_an_answer_without_a_start_time_counts_as_too_fast(world):
    survey = make_survey(world)
    response = answering.submit(
        survey, good_answers(survey), "r" * 32, "203.0.113.9", None, None, None
    )
    assert not response.valid and response.invalid_reason == "too_fast"


def test_every_scale_question_given_the_same_level_is_straight_lining(world):
    survey = make_survey(world)
    q = questions(survey)
    same = {f"q{q[text].pk}": "很满意" for text in q if "是否满意" in text}
    response = submit(survey, good_answers(survey, **same))
    assert not response.valid and response.invalid_reason == "straight"


def test_an_option_the_question_does_not_offer_is_refused(world):
    survey = make_survey(world)
    q = questions(survey)
    with pytest.raises(answering.InvalidAnswers) as refused:
        submit(survey, good_answers(survey, **{f"q{q['您对施工进度是否满意？'].pk}": "超级满意"}))
    assert f"q{q['您对施工进度是否满意？'].pk}" in refused.value.errors
    assert not Response.objects.filter(survey=survey).exists()


def test_two_options_on_a_single_choice_are_refused(world):
    survey = make_survey(world)
    q = questions(survey)
    with pytest.raises(answering.InvalidAnswers):
        submit(survey, good_answers(survey, **{f"q{q['您的身份'].pk}": ["教师", "居民"]}))


@pytest.mark.parametrize("typed", ["abc", "NaN", "Infinity", "1e12", "12,5", "1,2345"])
def test_a_number_that_is_not_a_storable_number_is_refused(world, typed):
    survey = make_survey(world)
    q = questions(survey)
    with pytest.raises(answering.InvalidAnswers) as refused:
        submit(survey, good_answers(survey, **{f"q{q['您在本小区居住了几年？'].pk}": typed}))
    assert "数字" in refused.value.errors[f"q{q['您在本小区居住了几年？'].pk}"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1,234.5", Decimal("1234.5")), ("１２", Decimal("12")), (" 3.25 ", Decimal("3.25"))],
)
def test_a_number_is_read_as_people_type_it(world, typed, stored):
    survey = make_survey(world)
    q = questions(survey)
    question = q["您在本小区居住了几年？"]
    response = submit(survey, good_answers(survey, **{f"q{question.pk}": typed}))
    assert response.answers.get(question=question).number == stored


def test_free_text_is_kept_as_plain_characters_and_cut_to_the_size_limit(world):
    survey = make_survey(world)
    q = questions(survey)
    typed = "<script>alert('x')</script>\x00\x07" + "长" * 2000
    response = submit(survey, good_answers(survey, **{f"q{q['您还有什么意见和建议？'].pk}": typed}))
    text = response.answers.get(question=q["您还有什么意见和建议？"]).text
    assert text.startswith("<script>alert('x')</script>长")
    assert "\x00" not in text and "\x07" not in text
    assert len(text) == 500  # the rulebook's "survey" → text_chars


def test_a_posted_form_with_repeated_fields_is_read_like_a_dict(world):
    survey = make_survey(world)
    q = questions(survey)
    form = QueryDict(mutable=True)
    for name, value in good_answers(survey).items():
        form.setlist(name, value if isinstance(value, list) else [value])
    response = submit(survey, form)
    assert response.answers.get(question=q["您最关心哪些方面？"]).choices == ["道路", "停车"]


@pytest.mark.parametrize(
    "facts",
    [
        {"status": SurveyStatus.CLOSED},
        {"closes_at": timezone.now() - timedelta(minutes=1)},
        {"opens_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["closed", "past its closing time", "not yet open"],
)
def test_a_survey_that_is_not_open_takes_no_answer(world, facts):
    survey = make_survey(world, **facts)
    with pytest.raises(answering.NotOpen):
        submit(survey, good_answers(survey))
    assert not Response.objects.filter(survey=survey).exists()
