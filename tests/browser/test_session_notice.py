"""The night before a deadline: a filer writes a long text and must not lose it to the idle
timeout. Typing keeps the session; a notice warns before an idle session ends; a page whose
session has ended can still be saved after signing in again in another window.

The idle limit is set to a few seconds here (the `settings` fixture reaches the live server,
which runs in this process).
"""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser


def still_signed_in(page) -> bool:
    page.goto("/projects/")
    return "/login/" not in page.url


def test_typing_for_longer_than_the_idle_limit_keeps_the_session(session_as, settings):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 5
    filer = session_as("filer")
    filer.goto("/ex-ante/new/")
    for _ in range(8):  # 8 s of typing, a character every second
        filer.locator("textarea[name=necessity]").press_sequentially("字")
        filer.wait_for_timeout(1000)
    assert still_signed_in(filer)


def test_a_warning_before_the_end_and_going_on_keeps_the_session(session_as, settings):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 6
    filer = session_as("filer")
    filer.goto("/ex-ante/new/")
    notice = filer.locator("#session-notice")
    notice.locator(".session-warn").wait_for(state="visible", timeout=8000)
    assert "自动退出" in notice.inner_text() and ":" in notice.locator(".session-end").inner_text()
    notice.get_by_role("button", name="继续工作").click()
    notice.wait_for(state="hidden")
    filer.wait_for_timeout(3500)  # past the first limit, within the one renewed by the button
    assert still_signed_in(filer)


def test_a_page_whose_session_ended_is_saved_after_signing_in_again(session_as, settings, world):
    from jixiao.evaluations.key.models import ExAnteAssessment
    from jixiao.testing import PASSWORD

    settings.JIXIAO_SESSION_IDLE_SECONDS = 3
    filer = session_as("filer")
    filer.goto("/ex-ante/new/")
    filer.fill("input[name=subject]", "夜间填写的事前评估申请")
    filer.fill("input[name=amount]", "8.5")
    filer.fill("textarea[name=necessity]", "深夜写完的必要性说明，不能丢。")
    ended = filer.locator("#session-notice .session-ended")
    ended.wait_for(state="visible", timeout=8000)
    settings.JIXIAO_SESSION_IDLE_SECONDS = 600  # the second sign-in must not time out in turn
    with filer.context.expect_page() as opened:
        ended.get_by_role("link").click()
    login = opened.value
    login.get_by_label("账号").fill("filer")
    login.get_by_label("密码").fill(PASSWORD)
    login.get_by_role("button", name="登录").click()
    login.wait_for_load_state()
    filer.bring_to_front()
    filer.get_by_role("button", name="创建申请").click()
    filer.wait_for_load_state()
    (made,) = ExAnteAssessment.objects.filter(subject="夜间填写的事前评估申请")
    assert made.necessity == "深夜写完的必要性说明，不能丢。" and made.amount == Decimal("8.5")
