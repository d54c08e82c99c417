"""Buttons that work only with scripts are shown only with scripts (page.js, `data-scripted`).

Without scripts, a button that runs a script does nothing when clicked: the declaration grid's
添加一行 and row buttons, the indicator library's search and insert, 打印. Those stay hidden,
and what works without scripts shows instead: the <noscript> 添加一行 draws the form again with
a blank row, saving nothing (docs/user-guide.md), and the browser's own menu prints.
"""

import pytest
from playwright.sync_api import expect

from jixiao.targets.models import Target
from jixiao.testing import GOOD_ROWS

pytestmark = pytest.mark.browser

# A visible button that is no form's submit button: it can only run a script.
SCRIPT_BUTTONS = "button[type=button]:visible"


def test_with_scripts_the_one_visible_add_row_button_adds_a_row_in_place(session_as, declare):
    target = declare(rows=GOOD_ROWS)
    page = session_as("filer")
    page.goto(f"/targets/{target.id}/edit/")
    add = page.get_by_role("button", name="添加一行")
    expect(add).to_have_count(1)
    expect(add).to_be_visible()
    expect(page.locator("#grid tr.indicator-row").first.get_by_title("删除")).to_be_visible()
    expect(page.locator(".library-panel")).to_be_visible()
    before = page.locator("#grid tbody tr.indicator-row").count()
    url = page.url
    add.click()
    expect(page.locator("#grid tbody tr.indicator-row")).to_have_count(before + 1)
    assert page.url == url
    page.goto(f"/targets/{target.id}/")
    expect(page.get_by_role("button", name="打印")).to_be_visible()


def test_without_scripts_the_one_visible_add_row_button_adds_a_row_and_saves_nothing(
    session_as, declare
):
    target = declare(rows=GOOD_ROWS)
    page = session_as("filer", scripts=False)
    page.goto(f"/targets/{target.id}/edit/")
    add = page.get_by_role("button", name="添加一行")
    expect(add).to_have_count(1)  # the page's own button is hidden; the <noscript> one shows
    expect(add).to_be_visible()
    page.locator("textarea[name=goal]").fill("改善居住环境（未保存）")
    add.click()
    page.wait_for_load_state()
    expect(page.locator("#grid tbody tr.indicator-row")).to_have_count(len(GOOD_ROWS) + 1)
    expect(page.locator("textarea[name=goal]")).to_have_value("改善居住环境（未保存）")
    assert Target.objects.get(pk=target.pk).goal != "改善居住环境（未保存）"
    # a row's 二级指标 is changed within its 一级指标, and a row cleared is a row removed
    rows = page.locator("#grid tbody tr.indicator-row")
    rows.nth(1).locator("select[name=ind-subcategory]").select_option("数量指标")
    first = rows.nth(0)
    first.locator("select[name=ind-category]").select_option("")
    first.locator("select[name=ind-subcategory]").select_option("")
    first.locator("textarea[name=ind-name]").fill("")
    first.locator("textarea[name=ind-value_text]").fill("")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state()
    saved = list(Target.objects.get(pk=target.pk).indicators.order_by("position"))
    assert [i.name for i in saved] == [row["name"] for row in GOOD_ROWS[1:]]
    assert (saved[0].subcategory, saved[1].subcategory) == ("数量指标", "时效指标")


def test_without_scripts_no_page_shows_a_button_that_only_runs_a_script(session_as, declare):
    target = declare(rows=GOOD_ROWS)
    page = session_as("filer", scripts=False)
    for url in (f"/targets/{target.id}/edit/", f"/targets/{target.id}/", "/dashboard/"):
        page.goto(url)
        shown = page.locator(SCRIPT_BUTTONS)
        assert shown.count() == 0, (url, [b.inner_text() for b in shown.all()])
