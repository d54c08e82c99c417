"""In-year monitoring walked in a real browser: the performance
office opens a round through its page, the unit fills P1's report and sees the lag alert, gives
a disposal, completes the report, its leader submits with the attestation, the business office
returns it with a reason and the unit sees the reason. The bureau's round overview draws its
chart and exports to xlsx.

Each person works in a browser context of their own (`session_as`), as at separate desks.
"""

import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

GOOD = {"overall": "优"}
# P1's indicators (jixiao.testing.GOOD_ROWS) → progress so far, as of 31 July. None is ahead of
# the money (execution 30 / 120.623456 = 24.87%), so M03 stays quiet; M01 and M02 do not.
PROGRESS = {
    "改造老旧小区数量": "7个",
    "工程验收合格率": "100%",
    "完工时间": "按计划推进",
    "每个小区改造成本": "9万元",
    "受益居民户数": "800户",
    "居民满意度": "92%",
}
REASON = "改造进度滞后，拟将节余资金调剂用于雨污分流改造。"
RETURN = "执行数与国库支付数据不一致，请核实后重报。"


@pytest.fixture
def approved_target(world, declare):
    """P1's target, declared, submitted and approved (through the services)."""
    from jixiao.targets.services import target_transition

    target = target_transition(actor=world.filer, target=declare("P1"), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    return target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)


def review_form(page, button: str):
    return page.locator("form.review-form").filter(
        has=page.get_by_role("button", name=button, exact=True)
    )


def test_report_filled_alert_disposed_submitted_and_returned(
    session_as, world, approved_target, artifacts
):
    import openpyxl

    from jixiao.monitoring.models import Alert, Report, ReportStatus, Round

    # --- the performance office opens the round through its page -------------------------------
    performance = session_as("performance")
    performance.goto("/monitoring/new/")
    expect(performance.locator("main")).to_contain_text("本年度全部专项资金项目 3 个")
    performance.locator("input[name=code]").fill("2022-07")
    performance.locator("input[name=name]").fill("2022年1–7月绩效运行监控")
    performance.locator("input[name=period_end]").fill("2022-07-31")
    performance.locator("input[name=deadline]").fill("2022-08-15")
    performance.get_by_role("button", name="发起").click()
    performance.wait_for_url(re.compile(r"/monitoring/\d+/$"))
    expect(performance.locator(".messages")).to_contain_text("已为 1 个项目生成监控报告")
    # only P1 has an approved target (DOMAIN.md §5): P1A and P2 are listed as left out
    expect(performance.locator(".messages")).to_contain_text("2 个项目没有已批复的绩效目标")
    expect(performance.locator("#left-out")).to_contain_text("项目P2")
    expect(performance.locator("#left-out")).to_contain_text("无绩效目标")
    monitoring_round = Round.objects.get(code="2022-07")
    assert set(monitoring_round.reports.values_list("project__code", flat=True)) == {"P1"}
    report = monitoring_round.reports.get(project__code="P1")
    assert report.indicators.count() == len(PROGRESS)  # prefilled from the approved target

    # --- the filer finds the report in 待我处理 and fills it -----------------------------------
    filer = session_as("filer")
    filer.goto("/monitoring/reports/queue/")
    filer.get_by_role("link", name="项目P1", exact=True).click()
    filer.wait_for_url(f"**/monitoring/reports/{report.id}/")
    expect(filer.locator("#alerts")).to_contain_text("没有预警。")
    filer.get_by_role("link", name="填写 / 修改").click()
    filer.wait_for_url(f"**/monitoring/reports/{report.id}/edit/")
    filer.locator("input[name=executed]").fill("30")
    filer.locator("input[name=expected_full_year]").fill("120")
    filer.locator("textarea[name=execution_note]").fill("受施工招标延期影响，支付进度偏慢。")
    rows = filer.locator("table.monitor-grid tbody tr")
    expect(rows).to_have_count(len(PROGRESS))
    for name, progress in PROGRESS.items():
        row = rows.filter(has_text=name)
        row.locator("input[name^=progress-]").fill(progress)
        row.locator("select[name^=likelihood-]").select_option("确定能")
    filer.screenshot(path=artifacts / "monitoring-report-form-1366x768.png")
    filer.screenshot(path=artifacts / "monitoring-report-form-full.png", full_page=True)
    form_width = filer.evaluate("document.documentElement.scrollWidth")
    filer.get_by_role("button", name="保存并计算预警").click()
    filer.wait_for_url(f"**/monitoring/reports/{report.id}/")
    expect(filer.locator(".messages")).to_contain_text("已保存，预警已重新计算。")

    # the lag alert in the side panel: 24.87% against 58.08% of the year
    panel = filer.locator("aside.side-panel #alerts")
    lag = panel.locator("li.finding", has_text="M01")
    expect(lag).to_have_count(1)
    expect(lag).to_contain_text("红色")
    expect(lag).to_contain_text("预算执行进度滞后")
    expect(lag).to_have_class(re.compile(r"\bblocking\b"))
    lag.get_by_role("link", name=re.compile("处置")).click()
    filer.wait_for_url(re.compile(r"/alerts/\d+/$"))
    expect(filer.locator("main h1")).to_contain_text("M01")
    filer.get_by_label("调整调剂").check()
    filer.locator("textarea[name=reason]").fill(REASON)
    filer.get_by_role("button", name="提交处置").click()
    expect(filer.locator(".messages")).to_contain_text("已处置预警。")
    expect(filer.locator("main")).to_contain_text(f"调整调剂：{REASON}")

    filer.get_by_role("link", name="查看").click()  # back to the report
    filer.wait_for_url(f"**/monitoring/reports/{report.id}/")
    expect(panel.locator("li.finding", has_text="M01")).to_contain_text("已处置")
    review_form(filer, "填报完成").get_by_role("button", name="填报完成").click()
    expect(filer.locator("main h1 .status")).to_have_text("待单位审核")

    # --- the unit leader attests and submits ---------------------------------------------------
    leader = session_as("leader")
    leader.goto(f"/monitoring/reports/{report.id}/")
    submit = review_form(leader, "确认并提交")
    submit.locator("input[name=attest]").check()
    submit.get_by_role("button", name="确认并提交").click()
    expect(leader.locator("main h1 .status")).to_have_text("业务股室初审中")
    expect(leader.locator(".messages")).to_contain_text("已确认并提交")

    # --- the business office returns it with a reason ------------------------------------------
    business = session_as("business")
    business.goto("/monitoring/reports/queue/")
    business.get_by_role("link", name="项目P1", exact=True).click()
    business.wait_for_url(f"**/monitoring/reports/{report.id}/")
    returning = review_form(business, "退回")
    returning.locator("textarea[name=comment]").fill(RETURN)
    returning.get_by_role("button", name="退回").click()
    expect(business.locator("main h1 .status")).to_have_text("已退回")

    # --- the filer sees the reason, on the report and on the form ------------------------------
    filer.goto("/monitoring/reports/queue/")
    filer.get_by_role("link", name="项目P1", exact=True).click()
    expect(filer.get_by_role("alert")).to_contain_text(f"退回理由：{RETURN}")
    filer.get_by_role("link", name="填写 / 修改").click()
    expect(filer.get_by_role("alert")).to_contain_text(RETURN)
    expect(filer.locator("input[name=executed]")).to_have_value("30.00")

    # --- the bureau's round overview: the chart renders, the xlsx downloads ---------------------
    performance.goto(f"/monitoring/{monitoring_round.id}/")
    expect(performance.locator("#execution-chart svg")).to_have_count(1)
    expect(performance.locator("#execution-chart svg rect").first).to_be_attached()
    expect(performance.locator("main")).to_contain_text("甲区教育局")
    performance.wait_for_timeout(1200)  # let ECharts' entry animation finish before the shot
    performance.screenshot(path=artifacts / "monitoring-round-overview-1366x768.png")
    performance.screenshot(path=artifacts / "monitoring-round-overview-full.png", full_page=True)
    overview_width = performance.evaluate("document.documentElement.scrollWidth")
    with performance.expect_download() as download_info:
        performance.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename == "2022-07-overview.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert "甲区教育局" in cells and "预算单位" in cells

    # --- what the database says ----------------------------------------------------------------
    report = Report.objects.get(pk=report.pk)
    assert report.status == ReportStatus.RETURNED
    assert report.return_reason == RETURN
    assert report.attested_by == world.leader
    assert str(report.executed) == "30.000000" and report.expected_full_year == 120
    assert dict(report.indicators.values_list("name", "progress")) == PROGRESS
    m01 = Alert.objects.get(report=report, code="M01")
    assert (m01.level, m01.status, m01.disposal) == ("red", "disposed", "adjust")
    assert m01.disposal_reason == REASON and m01.disposed_by == world.filer
    assert form_width <= 1366, f"the report form scrolls sideways ({form_width}px)"
    assert overview_width <= 1366, f"the round overview scrolls sideways ({overview_width}px)"
