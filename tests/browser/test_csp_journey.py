"""The pages work under the Content-Security-Policy: with inline script
forbidden, the behaviours that used to be inline handlers (print, the language and work-context
selects, the confirmation before closing a round) and the round chart run from static files, and
the browser reports no policy violation on the way, error pages and the API docs included."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def watch_violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return found


def test_pages_run_under_the_csp_without_a_violation(session_as):
    from jixiao.monitoring.models import Round

    performance = session_as("performance")
    violations = watch_violations(performance)
    response = performance.goto("/monitoring/new/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    performance.locator("input[name=code]").fill("2022-07")
    performance.locator("input[name=name]").fill("2022年1–7月绩效运行监控")
    performance.locator("input[name=period_end]").fill("2022-07-31")
    performance.locator("input[name=deadline]").fill("2022-08-15")
    performance.get_by_role("button", name="发起").click()
    performance.wait_for_url(re.compile(r"/monitoring/\d+/$"))

    # The chart, drawn by static/jixiao/round_chart.js with its translated series names.
    expect(performance.locator("#execution-chart svg")).to_have_count(1)
    expect(performance.locator("#execution-chart")).to_contain_text("执行率")

    # Print, through data-print.
    performance.evaluate("window.print = () => { window.printed = true; }")
    performance.get_by_role("button", name="打印").click()
    assert performance.evaluate("window.printed === true")

    # Closing the round asks first (data-ask); declining sends nothing.
    round_url = performance.url
    questions = []

    def decline(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    performance.once("dialog", decline)
    performance.get_by_role("button", name="结束批次").click()
    performance.wait_for_timeout(300)
    assert questions and "确定结束" in questions[0]
    assert performance.url == round_url
    assert Round.objects.get(code="2022-07").status == Round.Status.OPEN

    # The language select submits itself (data-autosubmit).
    performance.locator("select[name=language]").select_option("en")
    performance.wait_for_function("document.documentElement.lang === 'en'")

    # The error pages too: their inline style is allowed, and they have no script.
    missing = performance.goto("/no-such-page/")
    assert missing.status == 404
    expect(performance.locator("h1")).to_contain_text("404")

    # The API's browsable docs (django-ninja's Swagger UI, served locally) run under it too.
    performance.goto("/api/v1/docs")
    performance.wait_for_selector(".swagger-ui .info")

    assert not violations, violations
