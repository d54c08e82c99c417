"""The self-evaluation stage walked in a real browser: the
unit fills its 项目支出绩效自评表 and watches the score by the rules and its explanation change as
it types; its leader attests and submits; the business office adjusts one score with a reason,
kept beside the unit's and the rule's; the budget office confirms.

P1 is a project of 2022, evaluated in 2023: the test world has no fiscal year 2023 to switch the
top bar to, so each person opens the self-evaluation by its address. Each person works in a
browser context of their own (`session_as`), as at separate desks.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

GOOD = {"overall": "优"}
# outputs 50 (20 + 10 + 10 + 10), benefits 30, satisfaction 10: the rulebook's category totals
WEIGHTS = ["20", "10", "10", "10", "30", "10"]
ACTUALS = ["12个", "100%", "2022年11月完成", "9.5万元", "1300户", "92%"]
REASON = "满意度调查样本仅 45 份，不足以支撑 92% 的结论。"


@pytest.fixture
def selfeval(world, declare):
    """P1's target with weights, approved through the services; its self-evaluation started."""
    from jixiao.evaluations.services import selfeval_create
    from jixiao.targets.services import target_transition
    from jixiao.testing import GOOD_ROWS

    rows = [{**row, "weight": w} for row, w in zip(GOOD_ROWS, WEIGHTS, strict=True)]
    target = declare(rows=rows)
    assert target.blocking_count == 0, target.findings
    target = target_transition(actor=world.filer, target=target, name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)
    return selfeval_create(actor=world.filer, project=world.projects["P1"])


def score_line(page, position: int):
    return page.locator(f"#score li[data-indicator='{position}']")


def indicator_row(page, name: str):
    """The detail page's row of an indicator (not its explanation row below)."""
    return page.locator("table.grid tbody tr:not(.explain)").filter(has_text=name)


def test_fill_see_score_change_submit_adjust_confirm(session_as, world, selfeval, artifacts):
    from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation

    url = f"/evaluations/{selfeval.id}/"

    # --- the unit fills the table and watches the side panel -----------------------------------
    filer = session_as("filer")
    filer.goto(url + "edit/")
    expect(filer.locator("main h1")).to_contain_text("项目支出绩效自评表")
    expect(filer.locator("input[name=weight-0]")).to_have_value("20.00")  # from the target
    expect(score_line(filer, 0)).to_contain_text("没有填写实际完成值")
    filer.locator("input[name=executed_current]").fill("100")
    filer.locator("input[name=executed_carryover]").fill("20.5")
    for position, weight in enumerate(WEIGHTS):
        filer.locator(f"input[name=weight-{position}]").fill(weight)

    actual = filer.locator("input[name=actual-0]")
    actual.fill("6个")  # half of ≥12个
    expect(score_line(filer, 0)).to_contain_text("10.00")
    expect(score_line(filer, 0)).to_contain_text("20 × 6/12 = 10.00")
    expect(filer.locator("#score")).to_contain_text("执行率")
    filer.screenshot(path=artifacts / "selfeval-edit-1366x768.png")
    filer.screenshot(path=artifacts / "selfeval-edit-full.png", full_page=True)
    edit_width = filer.evaluate("document.documentElement.scrollWidth")

    actual.fill("12个")
    expect(score_line(filer, 0)).to_contain_text("20.00")
    expect(score_line(filer, 0)).not_to_contain_text("6/12")
    for position, value in enumerate(ACTUALS[1:], start=1):
        filer.locator(f"input[name=actual-{position}]").fill(value)
    # execution 10 × 120.5 / 120.623456 = 9.99; every indicator met: 90
    expect(filer.locator("#score .score-total")).to_contain_text("99.99")
    expect(filer.locator("#score .score-total")).to_contain_text("优")
    expect(filer.locator("#score .finding.blocking")).to_have_count(0)
    filer.locator("textarea[name=goal_achieved]").fill("完成12个老旧小区改造，惠及1300户居民。")
    filer.get_by_role("button", name="保存并填报完成").click()
    filer.wait_for_url(f"**{url}")
    expect(filer.locator("main h1 .status")).to_have_text("待单位审核")

    # --- the leader attests and submits --------------------------------------------------------
    leader = session_as("leader")
    leader.goto(url)
    leader.locator("form.review-form input[name=attest]").check()
    leader.get_by_role("button", name="确认并提交").click()
    expect(leader.locator("main h1 .status")).to_have_text("业务股室审核中")

    # --- the business office adjusts one score with a reason -----------------------------------
    business = session_as("business")
    business.goto(url)
    satisfaction = indicator_row(business, "居民满意度")
    adjust = satisfaction.locator("form.adjust")
    adjust.locator("input[name=score]").fill("8")
    adjust.get_by_role("button", name="调整").click()
    expect(business.locator(".messages")).to_contain_text("理由")  # refused without one
    satisfaction = indicator_row(business, "居民满意度")
    adjust = satisfaction.locator("form.adjust")
    adjust.locator("input[name=score]").fill("8")
    adjust.locator("input[name=reason]").fill(REASON)
    adjust.get_by_role("button", name="调整").click()
    expect(business.locator(".messages")).to_contain_text("已记录审核调整")
    satisfaction = indicator_row(business, "居民满意度")
    cells = satisfaction.locator("td")
    # 分值 | 单位自评 | 按规则 | 审核调整, side by side
    expect(cells.nth(5)).to_have_text("10.00")
    expect(cells.nth(7)).to_have_text("10.00")
    expect(cells.nth(8)).to_contain_text("8")
    expect(cells.nth(8)).to_contain_text(REASON)
    expect(business.locator(".facts")).to_contain_text("99.99")
    expect(business.locator(".facts")).to_contain_text("97.99")
    business.screenshot(path=artifacts / "selfeval-detail-review-1366x768.png")
    business.screenshot(path=artifacts / "selfeval-detail-review-full.png", full_page=True)
    detail_width = business.evaluate("document.documentElement.scrollWidth")
    business.get_by_role("button", name="审核通过").click()
    expect(business.locator("main h1 .status")).to_have_text("预算股确认中")

    # --- the budget office confirms ------------------------------------------------------------
    budget = session_as("budget")
    budget.goto(url)
    budget.get_by_role("button", name="确认", exact=True).click()
    expect(budget.locator("main h1 .status")).to_have_text("已确认")

    # --- what the database says ----------------------------------------------------------------
    selfeval = SelfEvaluation.objects.get(pk=selfeval.pk)
    assert selfeval.status == EvaluationStatus.CONFIRMED and selfeval.attested_by == world.leader
    assert str(selfeval.total) == "99.99" and selfeval.grade == "优"
    assert str(selfeval.reviewed_total) == "97.99"
    lines = list(selfeval.indicators.order_by("position"))
    assert [line.actual for line in lines] == ACTUALS
    assert [str(line.score) for line in lines] == [
        "20.00",
        "10.00",
        "10.00",
        "10.00",
        "30.00",
        "10.00",
    ]
    assert str(lines[5].reviewed_score) == "8.00" and lines[5].review_reason == REASON
    assert lines[5].reviewed_by == world.business
    assert edit_width <= 1366, f"the self-evaluation form scrolls sideways ({edit_width}px)"
    assert detail_width <= 1366, f"the self-evaluation page scrolls sideways ({detail_width}px)"
