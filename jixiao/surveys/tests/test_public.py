"""The public survey pages: the questionnaire at /survey/<token>/, its QR code and its poster,
reached without an account, rate-limited, answered once."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import segno
from django.test import Client, override_settings
from django.utils import timezone

from jixiao.surveys import public
from jixiao.surveys.models import Channel, OneTimeCode, Response, SurveyStatus

from .test_answering import LEVELS, good_answers, make_survey, questions

pytestmark = pytest.mark.django_db


def form_of(client, survey, query=""):
    """GET the questionnaire; its hidden fields (the signed start time, the channel)."""
    page = client.get(f"/survey/{survey.token}/{query}")
    assert page.status_code == 200
    return page, dict(
        re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page.content.decode())
    )


def post(client, survey, data, *, seconds_ago=90, **hidden):
    """POST an answer whose form was served `seconds_ago` seconds before."""
    started = public.sign_start(survey, timezone.now() - timedelta(seconds=seconds_ago))
    return client.post(f"/survey/{survey.token}/", {"started": started, **hidden, **data})


def test_the_questionnaire_opens_without_login_with_a_fieldset_per_question(world):
    survey = make_survey(world)
    page, hidden = form_of(Client(), survey)
    html = page.content.decode()
    assert html.count("<fieldset") == 7 and "csrfmiddlewaretoken" in hidden
    scale = questions(survey)["您对改造质量是否满意？"]
    for level in LEVELS:
        assert f'type="radio" name="q{scale.pk}" value="{level}"' in html
    assert "jixiao/survey.css" in html and "jixiao/app.css" not in html  # not the staff shell


def test_the_page_loads_nothing_from_outside_and_runs_no_script(world):
    survey = make_survey(world)
    html = form_of(Client(), survey)[0].content.decode().lower()
    # The token and the signed start time are random letters that may spell "http" by chance,
    # so look for a scheme, not the bare word.
    assert not re.search(r"https?:", html) and "//" not in html.replace("<!--", "")
    assert "<script" not in html and not re.search(r"<[^>]*\son\w+=", html)


def test_the_form_gives_a_respondent_cookie_and_a_signed_start_time(world):
    survey = make_survey(world)
    page, hidden = form_of(Client(), survey)
    cookie = page.cookies[public.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/survey/"
    assert cookie["max-age"] == 180 * 24 * 3600 and len(cookie.value) >= 30
    started = public.read_start(survey, hidden["started"])
    assert abs((timezone.now() - started).total_seconds()) < 5
    assert public.read_start(survey, hidden["started"][:-2] + "xx") is None  # forged


def test_an_answer_is_stored_and_thanked(world):
    survey = make_survey(world)
    client = Client()
    form_of(client, survey)
    page = post(client, survey, good_answers(survey))
    assert page.status_code == 200 and "感谢您的参与" in page.content.decode()
    response = Response.objects.get(survey=survey)
    assert response.valid and response.group == "居民"
    assert "希望增加停车位。" in page.content.decode()


def test_a_second_answer_from_the_same_browser_is_refused_kindly(world):
    survey = make_survey(world)
    client = Client()
    form_of(client, survey)
    post(client, survey, good_answers(survey))
    again = post(client, survey, good_answers(survey))
    assert again.status_code == 409 and "已经填写过" in again.content.decode()
    reopened = client.get(f"/survey/{survey.token}/")
    assert "已经填写过" in reopened.content.decode() and "<form" not in reopened.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_used_one_time_code_is_refused_from_another_browser(world):
    survey = make_survey(world, needs_code=True)
    OneTimeCode.objects.create(survey=survey, code="K7M2Q9XA")
    first, second = Client(), Client()
    assert 'name="code"' in form_of(first, survey)[0].content.decode()
    assert post(first, survey, good_answers(survey), code="K7M2Q9XA").status_code == 200
    form_of(second, survey)
    again = post(second, survey, good_answers(survey), code="K7M2Q9XA")
    assert again.status_code == 409 and "已经填写过" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_an_unknown_code_shows_the_form_again_with_the_answers_kept(world):
    survey = make_survey(world, needs_code=True)
    client = Client()
    form_of(client, survey)
    page = post(client, survey, good_answers(survey), code="ZZZZ")
    html = page.content.decode()
    assert page.status_code == 400 and "作答码不正确" in html
    assert 'value="居民" checked' in html and not Response.objects.exists()


def test_a_required_question_left_empty_is_thanked_but_stored_invalid(world):
    survey = make_survey(world)
    q = questions(survey)
    client = Client()
    form_of(client, survey)
    page = post(client, survey, good_answers(survey, **{f"q{q['您的身份'].pk}": ""}))
    assert page.status_code == 200 and "感谢您的参与" in page.content.decode()
    response = Response.objects.get(survey=survey)
    assert not response.valid and response.invalid_reason == "required"


def test_an_answer_posted_right_after_the_form_is_served_is_too_fast(world):
    survey = make_survey(world)
    client = Client()
    _, hidden = form_of(client, survey)
    client.post(f"/survey/{survey.token}/", {**hidden, **good_answers(survey)})
    assert Response.objects.get(survey=survey).invalid_reason == "too_fast"


def test_a_forged_start_time_counts_as_too_fast(world):
    survey = make_survey(world)
    client = Client()
    form_of(client, survey)
    client.post(f"/survey/{survey.token}/", {"started": "1600000000", **good_answers(survey)})
    assert Response.objects.get(survey=survey).invalid_reason == "too_fast"


def test_straight_lining_is_thanked_but_stored_invalid(world):
    survey = make_survey(world)
    q = questions(survey)
    client = Client()
    form_of(client, survey)
    same = {f"q{q[text].pk}": "满意" for text in q if "是否满意" in text}
    assert post(client, survey, good_answers(survey, **same)).status_code == 200
    assert Response.objects.get(survey=survey).invalid_reason == "straight"


def test_script_in_free_text_is_stored_as_text_and_shown_escaped(world):
    survey = make_survey(world)
    q = questions(survey)
    typed = '<script>alert("x")</script><b>粗</b>'
    client = Client()
    form_of(client, survey)
    page = post(
        client, survey, good_answers(survey, **{f"q{q['您还有什么意见和建议？'].pk}": typed})
    )
    html = page.content.decode()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;粗&lt;/b&gt;" in html
    assert Response.objects.get(survey=survey).answers.get(text__contains="script").text == typed


def test_the_channel_tag_of_the_link_is_recorded(world):
    survey = make_survey(world)
    Channel.objects.create(survey=survey, name="微信群", tag="wechat")
    client = Client()
    _, hidden = form_of(client, survey, "?c=wechat")
    assert hidden["c"] == "wechat"
    post(client, survey, good_answers(survey), c=hidden["c"])
    assert Response.objects.get(survey=survey).channel.name == "微信群"


def test_a_thousand_posts_from_one_address_are_cut_and_only_the_first_counts(world):
    survey = make_survey(world)
    limit = 20  # the rulebook's "survey" → rate_limits → address → limit
    client = Client(REMOTE_ADDR="198.51.100.23")
    form_of(client, survey)
    statuses = [post(client, survey, good_answers(survey)).status_code for _ in range(1000)]
    assert statuses[0] == 200 and set(statuses[1:limit]) == {409}
    assert set(statuses[limit:]) == {429}
    assert Response.objects.filter(survey=survey).count() == 1
    # another address is not held back by that one
    other = Client(REMOTE_ADDR="198.51.100.24")
    form_of(other, survey)
    assert post(other, survey, good_answers(survey)).status_code == 200


def test_fresh_browsers_on_one_address_store_no_more_answers_than_the_limit(world):
    survey = make_survey(world)
    statuses = [
        post(Client(REMOTE_ADDR="198.51.100.23"), survey, good_answers(survey)).status_code
        for _ in range(25)
    ]
    assert statuses.count(200) == 20 and statuses.count(429) == 5
    limited = post(Client(REMOTE_ADDR="198.51.100.23"), survey, good_answers(survey))
    assert "提交过于频繁" in limited.content.decode() and limited["Retry-After"] == "3600"
    assert Response.objects.filter(survey=survey).count() == 20


@pytest.mark.parametrize(
    "facts",
    [{"status": SurveyStatus.CLOSED}, {"closes_at": timezone.now() - timedelta(hours=1)}],
    ids=["closed", "past its closing time"],
)
def test_a_closed_survey_says_so_and_shows_no_form(world, facts):
    survey = make_survey(world, **facts)
    for page in (
        Client().get(f"/survey/{survey.token}/"),
        post(Client(), survey, good_answers(survey)),
    ):
        html = page.content.decode()
        assert page.status_code == 200 and "已结束" in html and "<form" not in html
    assert not Response.objects.exists()


def test_a_survey_not_yet_open_says_when_it_opens(world):
    survey = make_survey(world, opens_at=timezone.now() + timedelta(days=2))
    page = Client().get(f"/survey/{survey.token}/")
    assert "尚未开始" in page.content.decode() and "<form" not in page.content.decode()


def test_a_draft_survey_and_an_unknown_token_are_not_found(world):
    survey = make_survey(world, status=SurveyStatus.DRAFT)
    for path in ("", "qr.png", "qr.svg", "poster/"):
        assert Client().get(f"/survey/{survey.token}/{path}").status_code == 404
    assert Client().get("/survey/no-such-token-here/").status_code == 404


def test_a_signed_in_user_who_must_change_the_password_still_reaches_the_survey(world):
    survey = make_survey(world)
    user = world.filer
    user.password_changed_at = None
    user.set_password("Initial-Passw0rd!")
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 302  # the gate sends other pages to the change page
    assert client.get(f"/survey/{survey.token}/").status_code == 200


def test_the_qr_code_encodes_the_absolute_public_url(world):
    survey = make_survey(world)
    with override_settings(ALLOWED_HOSTS=["jx.example.gov.cn"]):
        svg = Client().get(f"/survey/{survey.token}/qr.svg", HTTP_HOST="jx.example.gov.cn")
    png = Client().get(f"/survey/{survey.token}/qr.png")
    assert svg["Content-Type"] == "image/svg+xml" and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    expected = segno.make(f"http://jx.example.gov.cn/survey/{survey.token}/", error="m")
    assert svg.content == _svg(expected)
    assert Client().get(f"/survey/{survey.token}/qr.gif").status_code == 404


def _svg(qr) -> bytes:
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
    return out.getvalue()


def test_the_qr_code_of_a_channel_link_carries_its_tag(world):
    survey = make_survey(world)
    Channel.objects.create(survey=survey, name="海报", tag="poster")
    svg = Client().get(f"/survey/{survey.token}/qr.svg?c=poster").content
    tagged = segno.make(f"http://testserver/survey/{survey.token}/?c=poster", error="m")
    assert svg == _svg(tagged)


def test_a_closed_survey_has_no_qr_code_or_poster(world):
    survey = make_survey(world, status=SurveyStatus.CLOSED)
    for path in ("qr.png", "qr.svg", "poster/"):
        assert Client().get(f"/survey/{survey.token}/{path}").status_code == 404


def test_the_poster_shows_the_name_the_qr_code_the_url_and_the_closing_date(world):
    closes = timezone.now() + timedelta(days=30)
    survey = make_survey(world, closes_at=closes)
    page = Client().get(f"/survey/{survey.token}/poster/")
    html = page.content.decode()
    assert page.status_code == 200 and survey.title in html and "甲区教育局" in html
    assert f'src="/survey/{survey.token}/qr.svg"' in html
    assert f"http://testserver/survey/{survey.token}/" in html
    local = timezone.localtime(closes)
    assert f"{local.year}年{local.month}月{local.day}日" in html
    assert "<script" not in html


def test_a_survey_built_and_opened_by_its_builder_is_answered_on_the_page(world, declare):
    """The whole path through the builder's services: a self-evaluation's survey from the
    education question set, opened, answered from what the page offers, named on the poster."""
    from jixiao.surveys import services

    from .test_builder import make_selfeval

    selfeval = make_selfeval(world, declare)
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="education")
    survey = services.survey_open(actor=world.filer, survey=survey)
    client = Client()
    page, hidden = form_of(client, survey)
    offered: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'type="radio" name="(q\d+)" value="([^"]*)"', page.content.decode()
    ):
        offered.setdefault(name, []).append(value)
    # a different level on each question, so the answer is no straight line
    data = {name: values[i % len(values)] for i, (name, values) in enumerate(offered.items())}
    assert post(client, survey, data, c=hidden.get("c", "")).status_code == 200
    response = Response.objects.get(survey=survey)
    assert response.valid, response.invalid_reason
    poster = Client().get(f"/survey/{survey.token}/poster/").content.decode()
    assert selfeval.project.name in poster
