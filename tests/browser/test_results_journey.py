"""One problem followed in a real browser from a red alert to its publication (issue 14, "Must
hold"): a red alert, a closed rectification, a cut in next year's proposal, a published result.

U1's project P1 of 2021 continues in 2022 (the same code). In 2021 its monitoring raised a red
alert (M04, an indicator reported 完全不可能) that nobody disposed of by its deadline; its
self-evaluation of 2021 was confirmed with the grade 差. Both are set up directly (their own
stages' journeys walk them through the pages), and the scheduled job (`jixiao tick`) suspends
the alert's funds, as cron would.

1. The business office (BIZ1, U1's office) works in 2021, finds the sources of rectification and
   issues the alert's rectification; the unit's filer opens the notice from the home page's
   to-dos (received), writes the plan, which the leader confirms; the filer writes the
   completion report (the step is not offered before the evidence is there), uploads the evidence through the attachment section
   and submits; the leader confirms; the business office verifies: closed.
2. The budget office generates the 2022 linkage proposals from the 2021 results: P1 is proposed
   压减, −30% of its 150 万元, with the grade 差 as the reason; it accepts, and 105.00 万元 is
   decided with no difference.
3. The performance office draws up the 2022 disclosure records (the 2021 self-evaluations,
   published with the final accounts) and publishes U1's; an anonymous reader finds it on
   /public/ and opens it; U2's record, not published, answers 404 at its public address.

Every person works in a browser context of their own at 1366×768; the pages do not scroll
sideways there, another unit's filer gets 404 for the rectification and the proposal, and no page
asks another host.
"""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALERT_MESSAGE = "指标“居民满意度”填报为完全不可能完成"
PLAN = "一、重新测算改造户数；二、9月底前完成居民意见征集；三、每月报送进度。"
REPORT = "已完成改造户数调整和意见征集，满意度回访达到91%。"
VERIFIED = "佐证材料齐全，同意销号。"
# P1's 2021 budget, the 差 row's −30% of the linkage table (DOMAIN.md §8.2), written by hand.
BUDGET_2021 = Decimal("150")
CUT_TO = "105.00"


@pytest.fixture
def problem(world):
    """P1 of 2021 (continued by the world's P1 of 2022) with a red alert past its disposal
    deadline, its self-evaluation confirmed as 差, and U2's P2 of 2021 self-evaluated as 良
    (a second disclosure record, left unpublished)."""
    import datetime as dt

    from jixiao.budgets.models import Project
    from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation
    from jixiao.monitoring.models import Alert

    def project_2021(code: str, unit: str) -> Project:
        return Project.objects.create(
            region=world.region,
            year=2021,
            code=code,
            name=f"项目{code}",
            unit=world.units[unit],
            full_current=BUDGET_2021,
            initial_current=BUDGET_2021,
        )

    def confirmed(project: Project, grade: str, total: str) -> SelfEvaluation:
        return SelfEvaluation.objects.create(
            region=world.region,
            year=2021,
            unit=project.unit,
            project=project,
            status=EvaluationStatus.CONFIRMED,
            self_total=Decimal(total) + 5,
            total=Decimal(total),
            grade=grade,
            executed_current=Decimal("96.50"),
        )

    p1, p2 = project_2021("P1", "U1"), project_2021("P2", "U2")
    alert = Alert.objects.create(
        region=world.region,
        year=2021,
        unit=p1.unit,
        project=p1,
        code="M04",
        level="red",
        indicator=5,
        message=ALERT_MESSAGE,
        due_date=dt.date(2021, 8, 13),  # ten working days after the report, long passed
    )
    return {
        "p1": p1,
        "alert": alert,
        "selfeval": confirmed(p1, "差", "55.00"),
        "other_selfeval": confirmed(p2, "良", "84.00"),
    }


@pytest.fixture
def desk(session_as):
    """`desk("business")`: a signed-in page of its own; every URL it asks for is kept in
    `desk.requested`."""

    def open_desk(username: str):
        page = session_as(username)
        page.on("request", lambda request: open_desk.requested.append(request.url))
        return page

    open_desk.requested = []
    return open_desk


def work_in(page, year: int) -> None:
    """Choose the working year in the top bar, as a person does (the select submits itself)."""
    with page.expect_navigation():
        page.locator("form.switcher select[name=year]").select_option(str(year))


def follow(page, link) -> None:
    with page.expect_navigation():
        link.click()


def act(page, button: str, *, attest: bool = False, comment: str = "") -> None:
    """Take a step in the 办理 card (the leader's steps need the attestation box)."""
    card = page.locator("form.review-form")
    if attest:
        card.locator("input[name=attest]").check()
    if comment:
        card.locator("textarea[name=comment]").fill(comment)
    with page.expect_navigation():
        card.get_by_role("button", name=button, exact=True).click()


def status_of(page):
    return page.locator("main h1 .status").first


def width_of(page) -> int:
    """How wide the page draws: above 1366 it scrolls sideways at 1366×768."""
    return page.evaluate("document.documentElement.scrollWidth")


def write(page, label: str, text: str) -> None:
    """Fill one of the rectification's text fields and save it."""
    page.get_by_label(label, exact=True).fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存。")


def test_a_red_alert_is_rectified_cuts_next_years_budget_and_is_published(
    browser, live_server, world, problem, desk, artifacts
):
    from django.core.management import call_command

    from jixiao.monitoring.models import Alert
    from jixiao.results.models import (
        Disclosure,
        LinkageProposal,
        Rectification,
        RectificationStatus,
    )

    # --- 0. the scheduled job: the red alert is still undisposed past its deadline --------------
    call_command("tick")
    alert = Alert.objects.get(pk=problem["alert"].pk)
    assert alert.status == Alert.Status.SUSPENDED

    # --- 1. the business office finds it and issues the rectification ---------------------------
    business = desk("business")
    business.goto(f"/alerts/{alert.pk}/")
    expect(business.locator("main")).to_contain_text("逾期未处置，资金暂停")
    business.goto("/rectifications/")
    work_in(business, 2021)
    expect(business.locator("main h1")).to_contain_text("2021年度")
    with business.expect_navigation():
        business.get_by_role("button", name="查找整改来源").click()
    expect(business.locator(".messages")).to_contain_text("已生成 1 件待下达的整改事项。")
    rows = business.locator("table.grid tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("项目P1")
    expect(rows.first).to_contain_text("待下达")
    follow(business, rows.first.get_by_role("link"))
    rectification = Rectification.objects.get(alert=alert)
    business.wait_for_url(f"**/rectifications/{rectification.pk}/")
    expect(status_of(business)).to_have_text("待下达")
    expect(business.locator("main")).to_contain_text(ALERT_MESSAGE)  # the problem, from the alert
    expect(business.get_by_role("link", name=re.compile("M04"))).to_have_attribute(
        "href", f"/alerts/{alert.pk}/"
    )  # linked back to its source
    act(business, "下达整改通知")
    expect(status_of(business)).to_have_text("已下达")

    # --- the unit's filer opens the notice from the home page's to-dos: received ----------------
    filer = desk("filer")
    filer.goto("/")
    follow(filer, filer.get_by_role("link", name=re.compile(re.escape(rectification.number))))
    filer.wait_for_url(f"**/rectifications/{rectification.pk}/")
    expect(status_of(filer)).to_have_text("已接收")
    expect(filer.locator("main")).to_contain_text("方案期限")
    write(filer, "整改方案", PLAN)
    act(filer, "提交整改方案")
    expect(status_of(filer)).to_have_text("整改方案待单位确认")

    leader = desk("leader")
    leader.goto(f"/rectifications/{rectification.pk}/")
    expect(leader.locator("main")).to_contain_text(PLAN)
    act(leader, "确认整改方案", attest=True)
    expect(status_of(leader)).to_have_text("整改中")

    # --- the filer reports completion: not without evidence, then with the file -----------------
    filer.reload()
    expect(status_of(filer)).to_have_text("整改中")
    write(filer, "整改完成情况", REPORT)
    # no evidence yet: the page does not offer the step
    expect(filer.get_by_role("button", name="提交整改报告")).to_have_count(0)
    upload = filer.locator("form[enctype='multipart/form-data']")
    upload.locator("input[type=file]").set_input_files(
        {"name": "满意度回访记录.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    with filer.expect_navigation():
        upload.get_by_role("button", name="上传").click()
    expect(filer.locator("main")).to_contain_text("满意度回访记录.pdf")
    act(filer, "提交整改报告")
    expect(status_of(filer)).to_have_text("整改报告待单位确认")

    leader.reload()
    act(leader, "确认整改报告", attest=True)
    expect(status_of(leader)).to_have_text("待核验")

    # --- the issuer verifies: closed -------------------------------------------------------------
    business.reload()
    expect(business.locator("main")).to_contain_text(REPORT)
    expect(business.locator("main")).to_contain_text("满意度回访记录.pdf")
    act(business, "核验销号", comment=VERIFIED)
    expect(status_of(business)).to_have_text("已销号")
    expect(business.locator("main")).to_contain_text(VERIFIED)  # the issuer's note is kept
    business.screenshot(path=artifacts / "results-rectification-closed-1366x768.png")
    widths = {"rectification": width_of(business)}
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED
    assert rectification.closed_on is not None and rectification.verified_by == world.business
    assert rectification.plan == PLAN and rectification.report == REPORT
    filer.reload()
    expect(status_of(filer)).to_have_text("已销号")

    # --- 2. the budget office: next year's proposal cuts P1 by 30% ------------------------------
    budget = desk("budget")
    budget.goto("/linkage/")
    work_in(budget, 2021)  # the results of 2021 decide the budget of 2022
    expect(budget.locator("main h1")).to_contain_text("2022年度预算建议")
    with budget.expect_navigation():
        budget.get_by_role("button", name="按评价结果生成建议").click()
    expect(budget.locator(".messages")).to_contain_text("已生成2022年度预算挂钩建议。")
    row = budget.locator("table.grid tbody tr").filter(
        has=budget.get_by_role("link", name="P1 项目P1")
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("压减")
    expect(row).to_contain_text("差")
    expect(row).to_contain_text("待决定")
    expect(row).to_contain_text(CUT_TO)
    follow(budget, row.get_by_role("link", name="P1 项目P1"))
    proposal = LinkageProposal.objects.get(year=2022, project=problem["p1"])
    budget.wait_for_url(f"**/linkage/{proposal.pk}/")
    facts = budget.locator("main dl.props").first
    expect(facts).to_contain_text("差（按规则评分）")
    expect(facts).to_contain_text("压减")
    # the reason: the grade it follows, the rule and its percent, the amount
    expect(facts).to_contain_text(f"评价等级“差”（按规则评分）；建议压减（-30%），安排{CUT_TO}万元")
    expect(facts).to_contain_text(CUT_TO)
    expect(budget.locator("input[name=decision][value=accept]")).to_be_checked()
    # Accepting as the page comes: the amount box holds the proposal with two decimals.
    expect(budget.get_by_label(re.compile("决定安排"))).to_have_value(CUT_TO)
    with budget.expect_navigation():
        budget.get_by_role("button", name="提交决定").click()
    expect(budget.locator(".messages")).to_contain_text("已记录决定。")
    decision = budget.locator("main section.card").filter(has_text="预算股决定")
    expect(decision).to_contain_text("已采纳")
    expect(decision).to_contain_text(CUT_TO)
    budget.screenshot(path=artifacts / "results-linkage-decided-1366x768.png")
    widths["linkage proposal"] = width_of(budget)
    proposal.refresh_from_db()
    assert proposal.rule == "cut" and proposal.status == "accepted"
    assert proposal.proposed_amount == proposal.decided_amount == Decimal(CUT_TO)
    assert proposal.difference == 0 and proposal.decided_by == world.budget
    assert proposal.current_amount == BUDGET_2021

    # --- 3. the performance office publishes U1's self-evaluation results -----------------------
    performance = desk("performance")
    performance.goto("/disclosures/")
    expect(performance.locator("main h1")).to_contain_text("2022年度")
    with performance.expect_navigation():
        performance.get_by_role("button", name="生成公开事项清单").click()
    expect(performance.locator(".messages")).to_contain_text("已生成本年度的公开事项清单。")
    ours = "2021年度甲区教育局项目支出绩效自评结果"
    theirs = "2021年度甲区城管局项目支出绩效自评结果"
    expect(performance.get_by_role("link", name=theirs)).to_have_count(1)
    follow(performance, performance.get_by_role("link", name=ours))
    published = Disclosure.objects.get(subject=ours)
    unpublished = Disclosure.objects.get(subject=theirs)
    performance.wait_for_url(f"**/disclosures/{published.pk}/")
    expect(performance.locator("main .status")).to_have_text("待公开")
    expect(performance.locator("main")).to_contain_text("项目P1")
    with performance.expect_navigation():
        performance.get_by_role("button", name="公开", exact=True).click()
    expect(performance.locator(".messages")).to_contain_text("已公开。")
    expect(performance.locator("main .status")).to_have_text("已公开")
    widths["disclosure"] = width_of(performance)
    published.refresh_from_db()
    assert published.status == "published" and published.published_on is not None
    unpublished.refresh_from_db()
    assert unpublished.status == "pending"

    # --- an anonymous reader finds it on the portal; the unpublished one does not exist ---------
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    try:
        public = context.new_page()
        public.on("request", lambda request: desk.requested.append(request.url))
        public.goto("/public/")
        items = public.locator("ul.items li")
        expect(items).to_have_count(1)
        expect(items.first).to_contain_text("甲区教育局")
        expect(public.get_by_role("link", name=theirs)).to_have_count(0)
        follow(public, public.get_by_role("link", name=ours))
        public.wait_for_url(f"**/public/disclosures/{published.pk}/")
        expect(public.locator("h1")).to_contain_text(ours)
        table = public.locator("table").first
        expect(table).to_contain_text("项目P1")
        expect(table).to_contain_text("差")
        public.screenshot(path=artifacts / "results-public-disclosure-1366x768.png")
        widths["public disclosure"] = width_of(public)
        for url in (
            f"/public/disclosures/{unpublished.pk}/",
            f"/public/disclosures/{unpublished.pk}.json",
        ):
            answer = public.goto(url)
            assert answer.status == 404, f"{url} answered {answer.status}"
        assert public.request.get(f"/public/disclosures/{published.pk}.json").status == 200
    finally:
        context.close()

    # another unit's filer: the rectification and the proposal do not exist for them
    other = desk("other")
    for url in (f"/rectifications/{rectification.pk}/", f"/linkage/{proposal.pk}/"):
        assert other.goto(url).status == 404, f"{url} is open to another unit"

    wide = {name: width for name, width in widths.items() if width > 1366}
    assert wide == {}, f"pages scroll sideways at 1366×768: {wide}"
    ours_host = urlsplit(live_server.url).netloc
    foreign = [url for url in desk.requested if urlsplit(url).netloc != ours_host]
    assert foreign == [], f"a page asked another host: {foreign}"
    assert len(desk.requested) > 20
