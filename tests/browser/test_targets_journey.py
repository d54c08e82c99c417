"""The targets stage walked in a real browser: a unit declares a
project's target from the indicator library and fixes what the quality check finds, its leader
submits, the business office passes, the budget office approves, and only then can the project be
arranged in the budget. And the other way round: a target returned with a reason, fixed, redone.

Each person works in a browser context of their own (`session_as`), as at separate desks.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The library rows this test needs (the live_server flush removes the migration's library):
# one indicator per subcategory a sound declaration needs, with measurable value hints, plus a
# row of another sector that the sector filter must leave out.
LIBRARY = [
    ("城市管理", "产出指标", "数量指标", "新建（改造）公共厕所数量", "≥20座", "座"),
    ("城市管理", "产出指标", "质量指标", "公厕保洁考核达标率", "≥95%", "%"),
    ("城市管理", "产出指标", "时效指标", "公厕建设完工时间", "10月底前完成", ""),
    ("城市管理", "产出指标", "成本指标", "生活垃圾清运处理单价", "≤180元/吨", "元/吨"),
    ("城市管理", "效益指标", "社会效益指标", "市容环境卫生考核得分", "≥90分", "分"),
    ("城市管理", "满意度指标", "服务对象满意度指标", "市民对市容环境满意度", "≥90%", "%"),
    ("教育", "产出指标", "数量指标", "资助家庭经济困难学生人数", "≥1200人", "人"),
]
GOAL = "新建（改造）公共厕所20座，提升市容环境卫生水平，市民满意度达到90%以上。"
GRADES = {"completeness": "优", "relevance": "优", "appropriateness": "良", "feasibility": "优"}


@pytest.fixture
def library(world):
    from jixiao.indicators.models import IndicatorTemplate

    # Exactly these rows: the migration's library is still there in the run's first
    # transactional test and gone (flushed) in the later ones.
    IndicatorTemplate.objects.all().delete()
    IndicatorTemplate.objects.bulk_create(
        IndicatorTemplate(
            sector=s,
            category=c,
            subcategory=sc,
            name=n,
            value_hint=v,
            unit=u,
            explanation=f"{n}的统计口径",
        )
        for s, c, sc, n, v, u in LIBRARY
    )


def findings(page):
    return page.locator("#findings")


def review_form(page, button: str):
    """The 办理 form that holds the button `button` (each transition has a form of its own)."""
    return page.locator("form.review-form").filter(
        has=page.get_by_role("button", name=button, exact=True)
    )


def grade(form, overall: str = "优"):
    for key, value in GRADES.items():
        form.locator(f"select[name=grade_{key}]").select_option(value)
    form.locator("select[name=grade_overall]").select_option(overall)


def test_declare_from_library_fix_finding_review_approve_and_arrange(
    session_as, world, library, artifacts
):
    from jixiao.budgets.models import Project
    from jixiao.targets.models import Target, TargetStatus

    p1, p2 = world.projects["P1"], world.projects["P2"]

    # --- the filer declares P1's target from the library ---------------------------------------
    filer = session_as("filer")
    filer.goto(f"/projects/{p1.id}/")
    expect(filer.get_by_text("尚未申报绩效目标。")).to_be_visible()
    filer.get_by_role("button", name="申报绩效目标").click()
    filer.wait_for_url(re.compile(r"/targets/\d+/edit/$"))
    target = Target.objects.get(project=p1)
    expect(filer.locator("main h1")).to_contain_text("项目支出绩效目标申报表")
    filer.locator("textarea[name=goal]").fill(GOAL)

    panel = filer.locator(".library-panel")
    panel.locator("select[name=sector]").select_option("城市管理")
    inserts = panel.get_by_role("button", name="插入")
    expect(inserts).to_have_count(6)
    expect(panel).not_to_contain_text("资助家庭经济困难学生人数")
    names = filer.locator("#grid [name=ind-name]")
    for i in range(6):
        inserts.nth(i).click()
        # wait for each insert to land before the next click (a loaded CI machine is slow)
        expect(names).to_have_count(max(3, i + 1), timeout=20_000)
        expect(names.nth(i)).not_to_have_value("", timeout=20_000)
    expect(names).to_have_count(6)  # three blank rows filled, three added
    expect(names.nth(0)).to_have_value("生活垃圾清运处理单价")  # library order: by subcategory
    grid_rows = filer.locator("#grid tbody tr")
    quantity = grid_rows.nth(1)  # (filled by script: no value attribute to filter on)
    expect(quantity.locator("[name=ind-name]")).to_have_value("新建（改造）公共厕所数量")
    expect(quantity.locator("select.category")).to_have_value("产出指标")
    expect(quantity.locator("select.subcategory")).to_have_value("数量指标")
    expect(quantity.locator("[name=ind-value_text]")).to_have_value("≥20座")
    expect(findings(filer).locator(".finding.blocking")).to_have_count(0)

    # a placeholder value: the side panel says it must be fixed, and the row is marked
    quantity.locator("[name=ind-value_text]").fill("/")
    t02 = findings(filer).locator(".finding.blocking", has_text="T02")
    expect(t02).to_have_count(1)
    expect(t02).to_contain_text("占位符")
    expect(quantity).to_have_class(re.compile(r"\bhas-blocking\b"))
    filer.screenshot(path=artifacts / "target-declare-1366x768.png")
    filer.screenshot(path=artifacts / "target-declare-full.png", full_page=True)
    declare_width = filer.evaluate("document.documentElement.scrollWidth")

    quantity.locator("[name=ind-value_text]").fill("≥20")
    expect(t02).to_have_count(0)
    expect(findings(filer).locator(".finding.blocking")).to_have_count(0)
    expect(quantity).not_to_have_class(re.compile(r"\bhas-blocking\b"))

    filer.get_by_role("button", name="保存", exact=True).click()
    expect(filer.locator(".messages")).to_contain_text("已保存。")
    expect(filer.locator("#grid [name=ind-name]")).to_have_count(6)
    filer.get_by_role("button", name="保存并填报完成").click()
    filer.wait_for_url(f"**/targets/{target.id}/")
    expect(filer.locator("main h1 .status")).to_have_text("待单位审核")
    expect(filer.locator(".messages")).to_contain_text("已填报完成")

    # --- the unit leader attests and submits ---------------------------------------------------
    leader = session_as("leader")
    leader.goto(f"/targets/{target.id}/")
    submit = review_form(leader, "确认并提交")
    submit.locator("input[name=attest]").check()
    submit.get_by_role("button", name="确认并提交").click()
    expect(leader.locator("main h1 .status")).to_have_text("业务股室初审中")
    expect(leader.locator(".messages")).to_contain_text("已确认并提交")

    # --- the business office passes it with grades ---------------------------------------------
    business = session_as("business")
    business.goto(f"/targets/{target.id}/")
    expect(business.locator("table.grid").nth(1)).to_contain_text("≥20")
    business.screenshot(path=artifacts / "target-detail-review-1366x768.png")
    business.screenshot(path=artifacts / "target-detail-review-full.png", full_page=True)
    detail_width = business.evaluate("document.documentElement.scrollWidth")
    passing = review_form(business, "初审通过")
    grade(passing)
    passing.locator("textarea[name=comment]").fill("指标细化量化，同意。")
    passing.get_by_role("button", name="初审通过").click()
    expect(business.locator("main h1 .status")).to_have_text("预算股终审中")

    # --- the budget office: the gate refuses a project without a target, then approves P1 ------
    budget = session_as("budget")
    budget.goto(f"/projects/{p2.id}/")
    expect(budget.get_by_text("没有已批复的绩效目标，安排预算将被拒绝。")).to_be_visible()
    budget.get_by_role("button", name="安排预算").click()
    expect(budget.locator(".messages")).to_contain_text("没有已批复的绩效目标")
    expect(budget.locator(".messages")).to_contain_text("未申报")

    budget.goto(f"/targets/{target.id}/")
    expect(budget.get_by_role("button", name="安排预算")).to_have_count(0)  # not before approval
    approving = review_form(budget, "终审批复")
    grade(approving)
    approving.get_by_role("button", name="终审批复").click()
    expect(budget.locator("main h1 .status")).to_have_text("已批复")
    expect(budget.locator(".messages")).to_contain_text("已终审批复")
    expect(budget.get_by_role("button", name="安排预算")).to_be_visible()

    budget.goto(f"/projects/{p1.id}/")
    expect(budget.get_by_text("没有已批复的绩效目标，安排预算将被拒绝。")).to_have_count(0)
    budget.get_by_role("button", name="安排预算").click()
    expect(budget.locator(".messages")).to_contain_text("已安排预算。")
    expect(budget.locator(".status-approved", has_text="已安排")).to_be_visible()
    expect(budget.get_by_role("button", name="安排预算")).to_have_count(0)
    budget.goto(f"/targets/{target.id}/")
    expect(budget.get_by_text("已安排预算", exact=True)).to_be_visible()

    # --- what the database says ----------------------------------------------------------------
    target.refresh_from_db()
    assert target.status == TargetStatus.APPROVED
    assert target.attested_by == world.leader
    assert target.grades["first"]["overall"] == "优"
    assert target.grades["final"] == {**GRADES, "overall": "优"}
    assert target.blocking_count == 0
    assert [i.value_text for i in target.indicators.order_by("position")] == [
        "≤180元/吨",
        "≥20",
        "10月底前完成",
        "≥95%",
        "≥90分",
        "≥90%",
    ]
    assert Project.objects.get(pk=p1.pk).arranged
    assert not Project.objects.get(pk=p2.pk).arranged
    assert declare_width <= 1366, f"the declaration form scrolls sideways ({declare_width}px)"
    assert detail_width <= 1366, f"the target page scrolls sideways ({detail_width}px)"


@pytest.fixture
def submitted_target(world):
    """P1's target, declared, completed and submitted by its unit (through the services)."""
    from jixiao.targets import services

    rows = [
        {"category": c, "subcategory": sc, "name": n, "value_text": v, "unit": u}
        for s, c, sc, n, v, u in LIBRARY
        if s == "城市管理"
    ]
    target = services.target_create(
        actor=world.filer, year=2022, unit=world.units["U1"], project=world.projects["P1"]
    )
    target = services.target_save(
        actor=world.filer,
        target=target,
        goal=GOAL,
        serves_public=True,
        indicators=rows,
        amounts={
            "total": target.amount_total,
            "current": target.amount_current,
            "carryover": target.amount_carryover,
            "other": target.amount_other,
        },
    )
    assert target.blocking_count == 0, target.findings
    target = services.target_transition(actor=world.filer, target=target, name="complete")
    return services.target_transition(actor=world.leader, target=target, name="submit", attest=True)


def test_returned_target_shows_reason_and_is_fixed_and_completed_again(
    session_as, world, submitted_target
):
    from jixiao.targets.models import TargetStatus

    target = submitted_target
    reason = "成本指标“生活垃圾清运处理单价”与本项目（公厕建设）无关，请改为公厕建设造价。"

    business = session_as("business")
    business.goto(f"/targets/{target.id}/")
    returning = review_form(business, "退回")
    returning.locator("textarea[name=comment]").fill(reason)
    returning.get_by_role("button", name="退回").click()
    expect(business.locator("main h1 .status")).to_have_text("已退回")

    filer = session_as("filer")  # lands on the home page
    todo = filer.locator("table.todos tr.urgent", has_text="修改被退回的绩效目标：项目P1")
    expect(todo).to_be_visible()
    todo.get_by_role("link").click()
    filer.wait_for_url(f"**/targets/{target.id}/")
    expect(filer.get_by_role("alert")).to_contain_text(f"退回理由：{reason}")

    filer.get_by_role("link", name="填写 / 修改").click()
    filer.wait_for_url(f"**/targets/{target.id}/edit/")
    expect(filer.get_by_role("alert")).to_contain_text(reason)
    cost = filer.locator("#grid tbody tr").filter(
        has=filer.locator("[name=ind-name]", has_text="生活垃圾清运处理单价")
    )
    cost.locator("[name=ind-name]").fill("单座公厕建设造价")
    cost.locator("[name=ind-value_text]").fill("≤40万元")
    cost.locator("[name=ind-unit]").fill("万元")
    filer.get_by_role("button", name="保存并填报完成").click()
    filer.wait_for_url(f"**/targets/{target.id}/")
    expect(filer.locator("main h1 .status")).to_have_text("待单位审核")
    expect(filer.get_by_text("退回理由")).to_have_count(0)

    target.refresh_from_db()
    assert target.status == TargetStatus.READY
    assert target.indicators.filter(name="单座公厕建设造价", value_text="≤40万元").exists()
    assert not target.indicators.filter(name="生活垃圾清运处理单价").exists()
