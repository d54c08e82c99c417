"""The unit's own year walked at 1366×768 (ux40): the filer fills the monitoring report the
night before the deadline and makes the mistakes people make.

- A decimal comma ("12,5") and words in an amount are refused, both at once, and the page keeps
  the note and every indicator row typed (they came back blank: all the typing lost); "12,5"
  was saved as 125 万元 before.
- Full-width digits from a Chinese input method are read.
- Until every indicator has its progress the page says why "填报完成" is not offered (there was
  no 办理 card and no reason); once filled, the button is there.
- In English the likelihood and cause options read in English.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

GOOD = {"overall": "优"}


@pytest.fixture
def open_report(world, declare):
    """P1's report in an open round, its target approved through the services."""
    from jixiao.monitoring.services import round_open
    from jixiao.targets.services import target_transition

    target = target_transition(actor=world.filer, target=declare("P1"), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)
    monitoring_round = round_open(
        actor=world.performance,
        region=world.region,
        year=2022,
        code="2022-07",
        name="1–7月监控",
        period_end=dt.date(2022, 7, 31),
        deadline=dt.date(2022, 8, 15),
    )
    return monitoring_round.reports.get(project__code="P1")


def test_the_filer_mistypes_amounts_and_keeps_every_row_typed(session_as, open_report):
    from jixiao.monitoring.models import Report

    report = open_report
    filer = session_as("filer")
    filer.goto(f"/monitoring/reports/{report.id}/")
    expect(filer.locator(".blocked-step")).to_contain_text("还不能“填报完成”")
    expect(filer.locator(".blocked-step")).to_contain_text("请填写截至监控期的执行数。")
    filer.get_by_role("link", name="填写 / 修改").click()
    filer.wait_for_url(f"**/monitoring/reports/{report.id}/edit/")
    filer.locator("input[name=executed]").fill("12,5")
    filer.locator("input[name=expected_full_year]").fill("１２０")
    filer.locator("input[name=contract_amount]").fill("约100万")
    filer.locator("textarea[name=execution_note]").fill("招标延期，下半年集中支付。")
    rows = filer.locator("table.monitor-grid tbody tr")
    count = rows.count()
    for i in range(count):
        rows.nth(i).locator("input[name^=progress-]").fill(f"完成{i + 1}成")
    rows.nth(0).locator("select[name^=likelihood-]").select_option("有可能")
    rows.nth(0).locator("select[name^=cause-]").select_option("经费保障")
    rows.nth(0).locator("textarea[name^=explanation-]").fill("资金下半年到位")
    filer.get_by_role("button", name="保存并计算预警").click()
    filer.wait_for_load_state()

    errors = filer.locator("main p.error")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_have_text("执行数“12,5”不是数字。")
    expect(errors.nth(1)).to_have_text("合同或进度应付金额“约100万”不是数字。")
    assert filer.input_value("input[name=executed]") == "12,5"
    assert filer.input_value("input[name=contract_amount]") == "约100万"
    assert filer.input_value("textarea[name=execution_note]") == "招标延期，下半年集中支付。"
    for i in range(count):
        assert rows.nth(i).locator("input[name^=progress-]").input_value() == f"完成{i + 1}成"
    assert rows.nth(0).locator("select[name^=likelihood-]").input_value() == "有可能"
    assert rows.nth(0).locator("select[name^=cause-]").input_value() == "经费保障"
    assert rows.nth(0).locator("textarea[name^=explanation-]").input_value() == "资金下半年到位"
    assert filer.evaluate("document.documentElement.scrollWidth") <= 1366
    assert Report.objects.get(pk=report.pk).executed is None  # nothing saved

    filer.locator("input[name=executed]").fill("12.5")
    filer.locator("input[name=contract_amount]").fill("")
    filer.get_by_role("button", name="保存并计算预警").click()
    filer.wait_for_url(f"**/monitoring/reports/{report.id}/")
    stored = Report.objects.get(pk=report.pk)
    assert (str(stored.executed), str(stored.expected_full_year)) == ("12.500000", "120.000000")
    expect(filer.locator(".blocked-step")).to_have_count(0)
    expect(filer.get_by_role("button", name="填报完成")).to_be_visible()


def test_in_english_the_options_and_the_reason_read_in_english(browser, live_server, open_report):
    from jixiao.testing import PASSWORD

    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="en-US", base_url=live_server.url
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.goto("/login/")
    page.locator("input[name=username]").fill("filer")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button").click()
    page.wait_for_load_state()
    page.goto(f"/monitoring/reports/{open_report.id}/")
    expect(page.locator(".blocked-step")).to_contain_text("“Mark as complete” is not possible yet")
    page.goto(f"/monitoring/reports/{open_report.id}/edit/")
    options = page.locator("select[name=likelihood-0] option").all_inner_texts()
    assert options == ["", "Certain", "Possible", "Impossible"]
    causes = page.locator("select[name=cause-0] option").all_inner_texts()
    assert "Funding" in causes and "经费保障" not in causes
    context.close()
