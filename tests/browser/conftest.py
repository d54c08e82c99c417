"""Browser tests: Playwright (sync API) driving the system Chromium against `live_server`.

The system Chromium is used, never a downloaded one (`playwright install` needs the internet,
which finance networks do not have). Without Chromium the tests skip, except in CI (the `CI`
environment variable), where a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls from
# that thread (SynchronousOnlyOperation) although nothing here is actually asynchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_CANDIDATES = [
    os.environ.get("JIXIAO_CHROMIUM", ""),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    executable = _chromium_path()
    if executable is None:
        _unavailable("no system Chromium found (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def world(live_server):
    """The personas, rebuilt after the flush of the previous transactional test.

    Overrides the root `world`: `live_server` makes the test transactional, and the flush
    also removes the project kinds that a data migration created, so put those back first.
    """
    from jixiao.budgets.kinds import ensure_project_kinds
    from jixiao.budgets.models import ProjectKind
    from jixiao.testing import build_world

    ensure_project_kinds(ProjectKind)
    return build_world()


@pytest.fixture
def page(browser, live_server, world):
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """`login("filer")` signs in through the login form, as a person would."""
    from jixiao.testing import PASSWORD

    def sign_in(username: str, password: str = PASSWORD):
        page.goto("/login/")
        page.get_by_label("账号").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        return page

    return sign_in


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _sign_in(page, username: str, password: str):
    page.goto("/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


@pytest.fixture
def session_as(browser, live_server, world):
    """`session_as("leader")`: a page in a browser context of its own (own cookies, 1366×768,
    zh-CN), signed in through the login form. Journeys with several people open one each."""
    from jixiao.testing import PASSWORD

    contexts = []

    def open_session(
        username: str, password: str = PASSWORD, *, bypass_csp: bool = False, scripts: bool = True
    ):
        # bypass_csp: a test that adds a script of its own to the page (axe-core);
        # scripts=False: a browser with JavaScript turned off
        context = browser.new_context(
            viewport={"width": 1366, "height": 768},
            locale="zh-CN",
            base_url=live_server.url,
            bypass_csp=bypass_csp,
            java_script_enabled=scripts,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return _sign_in(context.new_page(), username, password)

    yield open_session
    for context in contexts:
        context.close()
