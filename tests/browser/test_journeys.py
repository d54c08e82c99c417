"""The main journeys, walked in a real browser as a user would (DESIGN.md, Tests)."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_filer_logs_in_sees_todos_and_opens_own_project(page, login, world):
    login("filer")
    expect(page.locator("main h1")).to_contain_text("工作台")
    expect(page.locator("main h2").first).to_contain_text("待办事项")

    page.locator(".sidemenu").get_by_role("link", name="项目", exact=True).click()
    page.wait_for_url("**/projects/**")
    expect(page.get_by_role("link", name="项目P1", exact=True)).to_be_visible()
    expect(page.get_by_text("项目P2")).to_have_count(0)

    page.get_by_role("link", name="项目P1", exact=True).click()
    page.wait_for_url(f"**/projects/{world.projects['P1'].id}/")
    expect(page.locator("table.money")).to_contain_text("100.123456")


def test_five_wrong_passwords_lock_the_account(page, login, world):
    for _ in range(5):
        login("filer", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("锁定")

    login("filer")  # the right password no longer helps
    expect(page.get_by_role("alert")).to_contain_text("锁定")
    expect(page.locator("main h1")).not_to_contain_text("工作台")


def test_user_of_another_unit_gets_404_for_a_project(page, login, world):
    login("other")
    response = page.goto(f"/projects/{world.projects['P1'].id}/")
    assert response.status == 404
    assert "100.123456" not in page.content()


def test_switching_to_english_translates_the_ui(page, login, world):
    login("filer")
    page.locator("select[name=language]").select_option("en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    with translation.override("en"):
        workbench = translation.gettext("工作台")
    if workbench == "工作台":
        pytest.skip("no English catalogue yet (jixiao/locale/en): only <html lang> was checked")
    expect(page.locator("main h1")).to_contain_text(workbench)
    expect(page.locator("main h1")).not_to_contain_text("工作台")


def test_project_list_screenshot_at_1366x768(page, login, world, artifacts):
    login("filer")
    page.goto("/projects/")
    expect(page.get_by_role("link", name="项目P1", exact=True)).to_be_visible()
    page.screenshot(path=artifacts / "project-list-1366x768.png")
    page.screenshot(path=artifacts / "project-list-full.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, "the project list scrolls sideways at 1366×768"
