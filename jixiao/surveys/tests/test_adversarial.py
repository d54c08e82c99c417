"""Abuse of the public survey page (issue 13, "Must hold"): a thousand submissions from one
respondent and one address are cut by the rate limit and the one-answer rule and only the first
counts; fresh cookies or a forged proxy header from one address store no more than the
rulebook's per-address limit; script, HTML and spreadsheet formulas typed as free text come out
as text on the results page and in the raw answers xlsx.

Everything goes through the public page with Django's test client, as a script would post it.
"""

from __future__ import annotations

import html
import io

import openpyxl
import pytest
from django.test import Client, override_settings

from jixiao.surveys.models import Response
from jixiao.surveys.rules import SURVEY_DEFAULTS

from .test_public import form_of, post
from .test_results import make_survey

pytestmark = pytest.mark.django_db

ATTEMPTS = 1000
ADDRESS = "198.51.100.77"
#: The rulebook's default: at most this many submissions per source address per survey an hour.
PER_ADDRESS = SURVEY_DEFAULTS["rate_limits"]["address"]["limit"]
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
]


def answers(survey, text: str) -> dict[str, object]:
    """A complete answer to `test_results.make_survey`'s questionnaire with `text` as the
    free-text opinion."""
    q = {question.text: question for question in survey.questions.all()}
    return {
        f"q{q['您的身份'].pk}": "学生家长",
        f"q{q['您对资助工作是否满意'].pk}": "满意",
        f"q{q['您从哪里了解到资助政策'].pk}": ["学校"],
        f"q{q['家中在读学生人数'].pk}": "1",
        f"q{q['意见和建议'].pk}": text,
    }


def stored_texts(survey) -> list[str]:
    return [
        answer.text
        for response in Response.objects.filter(survey=survey)
        for answer in response.answers.exclude(text="")
    ]


def test_a_thousand_posts_from_one_respondent_and_address_keep_only_the_first(world):
    survey = make_survey(world)
    client = Client(REMOTE_ADDR=ADDRESS)
    form_of(client, survey)  # one respondent cookie for every post
    statuses = [
        post(client, survey, answers(survey, f"第{n}次提交")).status_code for n in range(ATTEMPTS)
    ]
    assert statuses[0] == 200
    assert statuses[1:PER_ADDRESS] == [409] * (PER_ADDRESS - 1)  # the one-answer rule
    assert statuses[PER_ADDRESS:] == [429] * (ATTEMPTS - PER_ADDRESS)  # then the rate limit
    assert stored_texts(survey) == ["第0次提交"]
    refused = post(client, survey, answers(survey, "再来一次"))
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()


def test_a_thousand_fresh_browsers_on_one_address_store_at_most_the_per_address_limit(world):
    survey = make_survey(world)
    statuses = [
        post(Client(REMOTE_ADDR=ADDRESS), survey, answers(survey, f"第{n}次")).status_code
        for n in range(ATTEMPTS)
    ]
    assert statuses.count(200) == PER_ADDRESS
    assert statuses.count(429) == ATTEMPTS - PER_ADDRESS
    assert Response.objects.filter(survey=survey).count() == PER_ADDRESS
    assert sorted(stored_texts(survey)) == sorted(f"第{n}次" for n in range(PER_ADDRESS))


@override_settings(JIXIAO_TRUST_X_REAL_IP=False)
def test_a_forged_proxy_header_does_not_escape_the_limit_when_the_proxy_is_not_trusted(world):
    survey = make_survey(world)
    statuses = [
        post(
            Client(REMOTE_ADDR=ADDRESS, HTTP_X_REAL_IP=f"10.0.{n // 250}.{n % 250}"),
            survey,
            answers(survey, "伪造地址"),
        ).status_code
        for n in range(100)
    ]
    assert statuses.count(200) == PER_ADDRESS
    assert Response.objects.filter(survey=survey).count() == PER_ADDRESS


@override_settings(JIXIAO_TRUST_X_REAL_IP=True)
def test_behind_the_trusted_proxy_each_real_address_has_its_own_limit(world):
    survey = make_survey(world)
    proxy = "127.0.0.1"
    for _n in range(PER_ADDRESS):
        post(Client(REMOTE_ADDR=proxy, HTTP_X_REAL_IP="203.0.113.5"), survey, answers(survey, "甲"))
    cut = post(
        Client(REMOTE_ADDR=proxy, HTTP_X_REAL_IP="203.0.113.5"), survey, answers(survey, "甲")
    )
    other = post(
        Client(REMOTE_ADDR=proxy, HTTP_X_REAL_IP="203.0.113.6"), survey, answers(survey, "乙")
    )
    assert cut.status_code == 429 and other.status_code == 200
    assert Response.objects.filter(survey=survey).count() == PER_ADDRESS + 1


def assert_shown_as_text(body: str, texts=HOSTILE) -> None:
    """Each text is in the page escaped, and no hostile tag is in it as markup."""
    for text in texts:
        assert html.escape(text) in body, text
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "onerror=alert(1)>" not in body


def _post_hostile(survey) -> None:
    for n, text in enumerate(HOSTILE):
        page = post(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), survey, answers(survey, text))
        assert page.status_code == 200
        assert_shown_as_text(page.content.decode(), [text])  # the receipt shows it


def test_script_and_html_typed_as_free_text_are_shown_escaped_on_the_results_page(
    world, client_for
):
    survey = make_survey(world)
    _post_hostile(survey)
    assert sorted(stored_texts(survey)) == sorted(HOSTILE)  # kept as typed, not stripped
    page = client_for("performance").get(f"/surveys/{survey.pk}/results/")
    assert page.status_code == 200
    assert_shown_as_text(page.content.decode())


def test_free_text_in_the_raw_answers_xlsx_is_never_a_formula(world, client_for):
    survey = make_survey(world)
    _post_hostile(survey)
    response = client_for("performance").get(f"/surveys/{survey.pk}/results/answers.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [str(cell.value) for cell in cells if cell.data_type == "s"]
    for text in HOSTILE:
        # kept as the text typed; one leading apostrophe at most marks it as text
        assert any(value in (text, "'" + text) for value in texts), text
