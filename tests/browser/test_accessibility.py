"""The pages everyone uses, checked by axe-core against WCAG 2.1 A and AA.

Government sites in China are held to the accessibility standard (GB/T 37668, which follows
WCAG 2.0): a form field a screen reader can name, text dark enough to read on its background,
a link told from the text around it by more than its colour. axe-core (npm, a development
dependency: `./dev up` installs it) is run in the page by the test, never served by Jixiao.
"""

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: npm ci installs it", pytrace=False)
        pytest.skip("axe-core is not installed (npm ci)")
    return AXE.read_text()


def violations(page, axe_source: str, path: str) -> list[str]:
    """axe's findings on `path`, one line each: the rule, the first element, how many."""
    response = page.goto(path)
    assert response.status == 200, path
    page.add_script_tag(content=axe_source)
    found = page.evaluate("rules => axe.run(document, rules).then(r => r.violations)", RULES)
    return [f"{path} {v['id']}: {v['nodes'][0]['target']} (×{len(v['nodes'])})" for v in found]


@pytest.fixture
def axe_page(browser, live_server):
    """A signed-out page that may run axe-core: the test adds the script, which the site's CSP
    forbids (signed in: `session_as(username, bypass_csp=True)`)."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 768},
        locale="zh-CN",
        base_url=live_server.url,
        bypass_csp=True,
    )
    yield context.new_page()
    context.close()


def test_a_filers_pages_meet_wcag_aa(session_as, axe_source, world, declare):
    target = declare("P1")
    axe_page = session_as("filer", bypass_csp=True)
    found = []
    for path in [
        "/",
        "/targets/",
        f"/targets/{target.pk}/",
        f"/targets/{target.pk}/edit/",
        "/monitoring/reports/",
        "/alerts/",
        "/projects/",
        "/projects/new/",
        "/ex-ante/",
        "/profile/",
    ]:
        found += violations(axe_page, axe_source, path)
    assert found == []


def test_the_offices_pages_meet_wcag_aa(session_as, axe_source, world):
    axe_page = session_as("performance", bypass_csp=True)
    found = []
    for path in [
        "/",
        "/units/",
        "/years/",
        "/key-evaluations/",
        "/ex-ante/",
        "/rulebook/",
        f"/units/{world.units['U1'].pk}/",
    ]:
        found += violations(axe_page, axe_source, path)
    assert found == []


def test_the_public_portal_meets_wcag_aa(axe_page, axe_source, world):
    assert violations(axe_page, axe_source, "/public/") == []


def test_a_public_questionnaire_names_every_answer_box(axe_page, axe_source, world):
    """A respondent on a screen reader hears each question when the box for its answer is
    reached: a number, a free text and the one-time code are named by their question."""
    from jixiao.surveys.tests.test_answering import make_survey

    survey = make_survey(world, needs_code=True)
    assert violations(axe_page, axe_source, survey.public_url) == []
    named = axe_page.eval_on_selector_all(
        "form input[type=text], form textarea",
        "boxes => boxes.map(b => document.getElementById(b.getAttribute('aria-labelledby'))"
        "?.textContent.trim())",
    )
    assert named[0].startswith("作答码")
    assert [n.split(" ", 1)[1] for n in named[1:]] == [
        "您在本小区居住了几年？",
        "您还有什么意见和建议？",
    ]


def test_the_first_tab_offers_to_skip_the_menu_to_the_page(session_as, world):
    axe_page = session_as("filer")
    axe_page.goto("/targets/")
    axe_page.keyboard.press("Tab")
    skip = axe_page.locator("a.skip-link")
    assert axe_page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and skip.inner_text() == "跳到正文"
    axe_page.keyboard.press("Enter")
    assert axe_page.evaluate("document.activeElement.tagName") == "MAIN"
    axe_page.keyboard.press("Tab")
    inside = axe_page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside, "the next Tab stays in the page, not the menu"


def test_a_list_that_submits_itself_waits_for_enter_from_the_keyboard(session_as, world):
    """Stepping through the language list with the arrow keys does not reload the page at the
    first step; Enter does, in the language chosen."""
    axe_page = session_as("filer")
    axe_page.goto("/targets/")
    language = axe_page.locator("select[name=language]")
    language.focus()
    axe_page.keyboard.press("ArrowDown")
    assert language.input_value() == "en"
    axe_page.wait_for_timeout(300)
    assert axe_page.evaluate("document.documentElement.lang") == "zh-hans"
    with axe_page.expect_navigation():
        axe_page.keyboard.press("Enter")
    assert axe_page.evaluate("document.documentElement.lang") == "en"
    assert axe_page.url.endswith("/targets/")


def test_the_audit_log_meets_wcag_aa(session_as, axe_source, world, declare):
    declare("P1")  # an audited change, so the log has rows with their batch links
    axe_page = session_as("auditor", bypass_csp=True)
    assert violations(axe_page, axe_source, "/audit/") == []
