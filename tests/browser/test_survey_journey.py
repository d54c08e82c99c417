"""A public satisfaction survey answered on a phone in a real browser (issue 13, "Must hold").

The performance office builds a survey of unit U1's whole-unit evaluation from the question set
"unit" and opens it (through the services). A respondent without an account, in a browser
context of their own at 360×640, takes the URL the QR code carries (the QR SVG answers and draws
a code; the public URL is what it encodes), answers every question and submits, and is thanked;
opening the page again shows the friendly refusal, and a second post of the form is refused too.
The office's results page counts one answer, then two after a second respondent in another
context. The phone page is never wider than the screen and asks nothing of another host.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
THANKS = "提交成功，感谢您的参与！"
REFUSED = "您已经填写过本问卷"


@pytest.fixture
def survey(world):
    """An open survey of U1's whole-unit evaluation of 2022, built by the performance office."""
    from jixiao.evaluations.services import unit_evaluation_save
    from jixiao.surveys.services import survey_create, survey_open

    subject = unit_evaluation_save(
        actor=world.filer, unit=world.units["U1"], year=2022, values={}, judgements={}
    )
    draft = survey_create(actor=world.performance, subject=subject, kind="unit")
    return survey_open(actor=world.performance, survey=draft)


@pytest.fixture
def phone(browser, live_server):
    """`phone()`: a fresh page at 360×640 in a context of its own (no login, no cookies) and
    the list of every URL it requested."""
    contexts = []

    def open_phone():
        context = browser.new_context(
            viewport=PHONE, locale="zh-CN", base_url=live_server.url, is_mobile=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        return page, requested

    yield open_phone
    for context in contexts:
        context.close()


def fits_the_screen(page) -> bool:
    width, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return width <= screen


def answer_every_question(page) -> int:
    """Answer each question as a person would: a varied option of every choice (so the scale
    questions are not all alike), two boxes of a multiple choice, a number, a sentence."""
    fieldsets = page.locator("form fieldset")
    count = fieldsets.count()
    for n in range(count):
        fieldset = fieldsets.nth(n)
        radios = fieldset.locator("input[type=radio]")
        boxes = fieldset.locator("input[type=checkbox]")
        if radios.count():
            radios.nth(n % min(radios.count(), 3)).check()
        elif boxes.count():
            boxes.nth(0).check()
            boxes.nth(1).check()
        elif fieldset.locator("textarea").count():
            fieldset.locator("textarea").fill("窗口服务很好，希望延长周末办理时间。")
        else:
            fieldset.locator("input[type=text]").fill("3")
    return count


def answers_counted(office, survey) -> str:
    office.goto(f"/surveys/{survey.pk}/results/")
    return office.locator('[data-count="answers"]').inner_text().strip()


def open_by_qr(phone, survey) -> tuple:
    """A fresh phone checks the QR code (an SVG drawing a code) and opens the URL it carries;
    returns the page and the URLs it requested."""
    page, requested = phone()
    qr = page.request.get(f"{survey.public_url}qr.svg")
    assert qr.status == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert "<svg" in qr.text() and "<path" in qr.text()
    page.goto(survey.public_url)
    expect(page.locator("h1")).to_have_text(survey.title)
    assert fits_the_screen(page), "the questionnaire is wider than the phone"
    return page, requested


def answer_and_submit(page, survey) -> None:
    assert answer_every_question(page) == survey.questions.count()
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()


def test_a_phone_answers_the_qr_codes_survey_once_and_the_office_sees_the_count_move(
    phone, session_as, live_server, survey
):
    from jixiao.surveys.models import Response

    office = session_as("performance")
    assert answers_counted(office, survey) == "0"

    page, requested = open_by_qr(phone, survey)
    stale = page.context.new_page()  # the same form kept open in a second tab
    stale.on("request", lambda request: requested.append(request.url))
    stale.goto(survey.public_url)
    answer_and_submit(page, survey)
    expect(page.get_by_text(THANKS)).to_be_visible()
    assert fits_the_screen(page), "the thanks page is wider than the phone"
    assert answers_counted(office, survey) == "1"

    # Submitting the second tab's form after that: refused kindly, nothing stored.
    answer_and_submit(stale, survey)
    expect(stale.get_by_text(REFUSED)).to_be_visible()
    assert fits_the_screen(stale)
    # Opening the link again: the same refusal, and no form.
    page.goto(survey.public_url)
    expect(page.get_by_text(REFUSED)).to_be_visible()
    expect(page.locator("form")).to_have_count(0)
    assert Response.objects.filter(survey=survey).count() == 1
    assert answers_counted(office, survey) == "1"

    # A second respondent in another context: the office's count moves to two.
    other, more = open_by_qr(phone, survey)
    answer_and_submit(other, survey)
    expect(other.get_by_text(THANKS)).to_be_visible()
    assert answers_counted(office, survey) == "2"

    ours = urlsplit(live_server.url).netloc
    foreign = [url for url in requested + more if urlsplit(url).netloc != ours]
    assert foreign == [], f"the phone asked another host: {foreign}"
    assert any(url.endswith(survey.public_url) for url in requested)
