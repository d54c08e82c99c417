"""One key evaluation walked in a real browser, from the plan to the archived report (issue 12).

The performance office ranks and picks a 2021 project in the 2022 plan, entrusts it to an agency,
puts three experts on its panel (each with a signed 回避 declaration) and sends the 评价通知书;
the agency writes its work plan, which the office approves. On site, at 360×640, the agency
records a visit with a phone photo whose EXIF time is kept, and asks the unit for a document,
which the unit's filer uploads from a phone; each expert scores every indicator from a phone,
without seeing another's scores until the last one has submitted. Back at the desk the agency
records a finding and writes the draft report; the unit answers it and its leader confirms from
a phone; the agency sends the final report, the office scores the agency's work and archives
the evaluation; the unit reads the delivered report and the office sees that it was read.

Each person works in a browser context of their own (`session_as`); the phone steps hold the
same page at 360×640, as the phone layout test does.
"""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
DESK = {"width": 1366, "height": 768}
SUBJECT = "城北老旧小区改造项目"
AGENCY = "江西正源绩效评价事务所"
CREDIT_CODE = "914403001922038216"  # a code whose check character is right
EXPERTS = [("expert", "张评审"), ("expert2", "李评审"), ("expert3", "王评审")]
# Every expert gives full marks but to 实施效益 (weight 20): 16, 17 and 18, a spread of 2 (under
# the 20% of the weight that flags it). The panel's result is their mean, 17, so the evaluation
# scores 100 − 3 = 97.00, which is 优 (≥ 90).
BENEFIT = "实施效益"
BENEFIT_SCORES = ["16", "17", "18"]
TOTAL, GRADE = "97.00", "优"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHOTO_TIME = "2022-06-15 09:30"


@pytest.fixture
def key_world(world):
    """The 2022 plan's candidates (two of U1's 2021 projects), an agency whose member is the
    `agency` persona, and three experts with logins (the `expert` persona and two more); made
    through the services, as the office and the budget office would."""
    from jixiao.budgets.models import ProjectKind
    from jixiao.budgets.services import project_save
    from jixiao.evaluations.key import registry
    from jixiao.orgs.models import User
    from jixiao.testing import PASSWORD

    general = ProjectKind.objects.get(code="general")
    projects = {}
    for code, name, amount in [("K21", SUBJECT, "800"), ("K22", "校园绿化维护项目", "40")]:
        projects[code] = project_save(
            actor=world.budget,
            project=None,
            region=world.region,
            year=2021,
            code=code,
            name=name,
            unit=world.units["U1"],
            kinds=[general],
            amounts={"initial_current": Decimal(amount), "full_current": Decimal(amount)},
        )
    office = world.performance
    agency = registry.agency_save(
        actor=office,
        region=world.region,
        name=AGENCY,
        credit_code=CREDIT_CODE,
        qualifications="预算绩效评价",
        contact="周经理",
        members=[world.agency],
    )
    experts = []
    for username, name in EXPERTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=name,
                roles=["expert"],
                region=world.region,
                password_changed_at=timezone.now(),
            )
            user.set_password(PASSWORD)
            user.save()
        experts.append(
            registry.expert_save(
                actor=office,
                region=world.region,
                name=name,
                fields_of_expertise="财政绩效",
                employer="江西财经大学",
                title="教授",
                user=user,
            )
        )
    return projects, agency, experts


def jpeg_with_exif() -> bytes:
    """A phone photo: a small JPEG whose EXIF DateTimeOriginal is 2022-06-15 09:30:05."""
    from PIL import Image

    tags = Image.Exif()
    tags[0x010F] = "HUAWEI"  # Make
    tags[0x0110] = "P40 Pro"  # Model
    tags.get_ifd(0x8769)[0x9003] = "2022:06:15 09:30:05"  # DateTimeOriginal
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(buffer, "JPEG", exif=tags)
    return buffer.getvalue()


def labelled(text: str) -> re.Pattern:
    """A form field's label exactly, with or without the form's colon."""
    return re.compile(f"^{re.escape(text)}[:：]?$")


def follow(page, link) -> None:
    """Click a link and wait for the page it opens, so that what follows measures that page."""
    with page.expect_navigation():
        link.click()


def assert_fits_the_phone(page) -> None:
    page.wait_for_load_state()
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{page.url} is {scroll_width}px wide on a {inner_width}px screen"
    )


def status_of(page):
    return page.locator("main h1 .status")


def act(page, transition: str) -> None:
    """Press a button of the page's 办理 card."""
    page.locator("form.review-form").get_by_role("button", name=transition).click()


def downloaded(page, trigger) -> tuple[str, bytes]:
    with page.expect_download() as info:
        trigger.click()
    download = info.value
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def docx_text(data: bytes) -> str:
    """The paragraphs and table cells of a Word document (it must be one: a zip with a body)."""
    from docx import Document

    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def score_sheet(page, benefit: str, reason: str = "") -> None:
    """Fill the expert's sheet: full marks everywhere (the weight the sheet shows) but 实施效益."""
    sections = page.locator("form.edit section.card")
    headings = sections.locator("h2").all_inner_texts()
    weights = sections.locator("input[type=number]").evaluate_all(
        "inputs => inputs.map(i => i.max)"
    )
    assert len(headings) == len(weights) == 17, headings  # one card per indicator
    for n, (heading, weight) in enumerate(zip(headings, weights, strict=True)):
        section = sections.nth(n)
        if BENEFIT in heading:
            section.locator("input[type=number]").fill(benefit)
            section.locator("textarea").fill(reason)
        else:
            section.locator("input[type=number]").fill(weight)


def test_key_evaluation_from_the_plan_to_the_read_report(session_as, world, key_world):
    from jixiao.evaluations.key.models import KeyEvaluation, KeyStatus

    projects, agency, experts = key_world

    # --- 1. the office ranks the candidates, picks one, staffs it and notifies the unit --------
    perf = session_as("performance")
    perf.goto(reverse("key-plan"))
    expect(perf.locator("main h1")).to_contain_text("2022年评价")
    ranking = perf.locator("#plan-ranking tbody tr")
    expect(ranking).to_have_count(2)
    row = ranking.filter(has_text=SUBJECT)
    row.get_by_label("受益人数").fill("12000")
    row.get_by_label("涉及单位数").fill("3")
    row.get_by_label("关注度高").check()
    row.get_by_placeholder("关注情况").fill("市民热线投诉集中")
    row.get_by_role("button", name="保存").click()
    expect(perf.locator(".messages")).to_contain_text("排序已按规则重新计算")
    row = ranking.filter(has_text=SUBJECT)
    expect(row.locator("td").first).to_have_text("1")  # the larger, noticed project leads
    row.locator("details summary").click()
    explanation = row.locator(".explanation")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("金额 800万元")
    expect(explanation).to_contain_text("社会关注度高（市民热线投诉集中）")
    expect(explanation).to_contain_text("从未评价")
    expect(explanation).to_contain_text("合计")
    row.get_by_role("button", name="立项").click()
    expect(perf.locator(".messages")).to_contain_text(f"已立项：{SUBJECT}")
    ranking.filter(has_text=SUBJECT).get_by_role("link", name="已立项").click()
    evaluation = KeyEvaluation.objects.get(project=projects["K21"])
    url = reverse("key-detail", args=[evaluation.pk])
    perf.wait_for_url(f"**{url}")
    expect(status_of(perf)).to_have_text("已立项")
    expect(perf.locator("#framework > .table-scroll tbody tr")).to_have_count(17)  # the framework

    assignment = perf.locator("#assignment")
    assignment.get_by_label("第三方机构").select_option(str(agency.pk))
    assignment.get_by_role("button", name="委托").click()
    expect(perf.locator(".messages")).to_contain_text(f"已委托第三方机构：{AGENCY}")
    for expert in experts:
        assignment.get_by_label("评审专家").select_option(str(expert.pk))
        assignment.get_by_label("签署的回避声明").set_input_files(
            {"name": f"回避声明-{expert.name}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        assignment.get_by_role("button", name="选派").click()
        expect(perf.locator(".messages")).to_contain_text(f"已选派评审专家：{expert.name}")
    members = assignment.locator("tbody tr")
    expect(members).to_have_count(3)
    for expert in experts:
        expect(members.filter(has_text=expert.name)).to_contain_text(f"回避声明-{expert.name}.pdf")
    act(perf, "下达评价通知")
    expect(status_of(perf)).to_have_text("已通知")
    name, notice = downloaded(perf, perf.get_by_role("link", name="下载评价通知书"))
    assert name.endswith(".docx"), name
    assert SUBJECT in docx_text(notice)

    # --- 2. the agency's work plan, approved by the office -------------------------------------
    desk = session_as("agency")
    desk.goto(url)
    expect(status_of(desk)).to_have_text("已通知")
    desk.get_by_role("link", name="填写 / 修改工作方案").click()
    desk.get_by_label("评价工作方案").fill(
        "一、评价目的\n二、评价方法：现场勘查、比对打分\n三、时间安排"
    )
    desk.get_by_role("button", name="保存", exact=True).click()
    expect(desk.locator("#plan")).to_contain_text("现场勘查、比对打分")
    act(desk, "提交工作方案")
    expect(status_of(desk)).to_have_text("工作方案待批复")
    perf.reload()
    act(perf, "批复工作方案")
    expect(status_of(perf)).to_have_text("现场评价")

    # --- 3. on site, from a phone: a visit with a photo, a data request, the unit's upload -----
    desk.set_viewport_size(PHONE)
    agency_phone = desk
    agency_phone.goto(url)
    assert_fits_the_phone(agency_phone)
    follow(agency_phone, agency_phone.get_by_role("link", name="记录现场勘查"))
    assert_fits_the_phone(agency_phone)
    agency_phone.get_by_label(labelled("地点")).fill("城北社区3号楼")
    agency_phone.get_by_label("参加人员").fill("周经理、社区主任")
    agency_phone.get_by_label("勘查内容").fill("外墙保温和雨污分流改造")
    agency_phone.get_by_label("发现情况").fill("3号楼雨水管未接入市政管网")
    agency_phone.get_by_label("现场照片").set_input_files(
        {"name": "IMG_0615.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif()}
    )
    agency_phone.get_by_role("button", name="保存勘查记录").click()
    expect(agency_phone.locator(".messages")).to_contain_text("已记录现场勘查")
    photo = agency_phone.locator("main table.grid tbody tr").filter(has_text="IMG_0615.jpg")
    expect(photo).to_contain_text(PHOTO_TIME)  # the EXIF time, not the upload's
    expect(photo).to_contain_text("HUAWEI")
    assert_fits_the_phone(agency_phone)
    agency_phone.get_by_role("link", name="返回").click()
    expect(agency_phone.locator("#visits")).to_contain_text("城北社区3号楼")
    expect(agency_phone.locator("#visits")).to_contain_text("1 张照片")

    follow(agency_phone, agency_phone.get_by_role("link", name="添加资料需求"))
    assert_fits_the_phone(agency_phone)
    agency_phone.get_by_label("资料名称").fill("项目竣工验收报告")
    agency_phone.get_by_label(labelled("说明")).fill("含各楼栋验收记录")
    due = timezone.localdate() + dt.timedelta(days=7)
    agency_phone.get_by_label("提交期限").fill(due.isoformat())
    agency_phone.get_by_role("button", name="保存", exact=True).click()
    request_row = agency_phone.locator("#requests tbody tr").filter(has_text="项目竣工验收报告")
    expect(request_row).to_contain_text("待提交")

    filer = session_as("filer")
    filer.set_viewport_size(PHONE)
    filer.goto(url)
    assert_fits_the_phone(filer)
    request_row = filer.locator("#requests tbody tr").filter(has_text="项目竣工验收报告")
    follow(filer, request_row.get_by_role("link", name="提交资料"))
    assert_fits_the_phone(filer)
    filer.get_by_label("选择文件").set_input_files(
        {"name": "竣工验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    filer.get_by_role("button", name="上传").click()
    expect(filer.locator(".messages")).to_contain_text("已上传 1 个文件")
    expect(filer.locator("main")).to_contain_text("竣工验收报告.pdf")
    filer.get_by_label("单位说明").fill("验收报告已盖章")
    filer.get_by_role("button", name="标记为已提交").click()
    request_row = filer.locator("#requests tbody tr").filter(has_text="项目竣工验收报告")
    expect(request_row).to_contain_text("已提交")
    expect(request_row).to_contain_text("竣工验收报告.pdf")

    # --- 4. the experts score from their phones, alone ------------------------------------------
    score_url = reverse("key-score", args=[evaluation.pk])
    phones = []
    for username, name in EXPERTS:
        phone = session_as(username)
        phone.set_viewport_size(PHONE)
        phone.goto(url)  # an expert's login is sent on to the scoring page
        phone.wait_for_url(f"**{score_url}")
        expect(phone.locator("main")).to_contain_text(f"评审专家：{name}")
        expect(phone.locator("main")).to_contain_text("城北社区3号楼")  # the evidence
        expect(phone.locator("main")).to_contain_text("竣工验收报告.pdf")
        assert_fits_the_phone(phone)
        phones.append(phone)

    first, second, last = phones
    score_sheet(first, BENEFIT_SCORES[0])  # below full without a reason: refused
    first.get_by_role("button", name="提交评分").click()
    expect(first.locator(".errorlist")).to_contain_text(BENEFIT)
    score_sheet(first, BENEFIT_SCORES[0], "3号楼雨水管未接入市政管网，效益未完全实现。")
    first.get_by_role("button", name="提交评分").click()
    expect(first.locator(".messages")).to_contain_text("已提交评分")
    expect(first.locator("main")).to_contain_text("评分不能再修改")
    score_sheet(second, BENEFIT_SCORES[1], "部分楼栋改造滞后。")
    second.get_by_role("button", name="提交评分").click()
    expect(second.locator(".messages")).to_contain_text("已提交评分")

    # two of three have submitted: the last sees only their own sheet, nobody else's scores
    last.reload()
    expect(last.locator("main")).to_contain_text("全部专家提交后才能看到其他专家的评分")
    expect(last.locator("main table.grid")).to_have_count(0)
    for _username, name in EXPERTS[:2]:
        expect(last.locator("main")).not_to_contain_text(name)
    first.reload()
    expect(first.locator("main table.grid")).to_have_count(0)
    expect(first.locator("main")).not_to_contain_text(EXPERTS[1][1])
    score_sheet(last, BENEFIT_SCORES[2], "居民满意度调查样本偏少。")
    last.get_by_role("button", name="提交评分").click()
    expect(last.locator(".messages")).to_contain_text("已提交评分")

    # all submitted: every expert's score and the panel's result, on the phone too
    for phone in phones:
        phone.reload()
        table = phone.locator("main table.grid")
        expect(table).to_have_count(1)
        for _username, name in EXPERTS:
            expect(table.locator("thead")).to_contain_text(name)
        benefit = table.locator("tbody tr").filter(has_text=BENEFIT)
        cells = benefit.locator("td")
        expect(cells.nth(1)).to_have_text("20.00")
        for position, score in enumerate(BENEFIT_SCORES, start=2):
            expect(cells.nth(position)).to_have_text(f"{score}.00")
        expect(cells.nth(5)).to_have_text("17.00")  # the mean of three experts
        expect(cells.nth(6)).to_have_text("2.00")  # the spread
        assert_fits_the_phone(phone)

    # --- 5. findings, draft report, the unit's response, final report, archive -----------------
    desk.set_viewport_size(DESK)
    desk.goto(url)
    expect(desk.locator(".facts")).to_contain_text(TOTAL)
    expect(desk.locator(".facts")).to_contain_text(GRADE)
    desk.get_by_role("link", name="记录问题").click()
    desk.get_by_label("一级指标").select_option(label="效益")
    desk.get_by_label(labelled("指标")).select_option(label=BENEFIT)
    desk.get_by_label(labelled("问题")).fill("3号楼雨水管未接入市政管网")
    desk.get_by_label(labelled("依据")).fill("现场勘查记录及照片")
    desk.get_by_label(labelled("建议")).fill("限期完成雨污管网接入")
    desk.get_by_role("button", name="保存", exact=True).click()
    expect(desk.locator("#findings li")).to_contain_text("3号楼雨水管未接入市政管网")
    desk.get_by_role("button", name="根据评价数据生成报告").click()
    expect(desk.locator(".messages")).to_contain_text("已根据评价数据生成")
    expect(desk.locator("#report")).to_contain_text("第1版")
    act(desk, "提交报告初稿")
    expect(status_of(desk)).to_have_text("报告初稿待反馈")

    filer.goto(url)
    expect(filer.locator("#report")).to_contain_text("第1版")  # the unit reads the draft
    follow(filer, filer.get_by_role("link", name="填写反馈意见"))
    assert_fits_the_phone(filer)
    filer.get_by_label("单位反馈意见（交换意见）").fill("无异议，已着手整改雨污管网接入。")
    filer.get_by_role("button", name="保存", exact=True).click()
    expect(filer.locator(".messages")).to_contain_text("请单位负责人确认")

    leader = session_as("leader")
    leader.set_viewport_size(PHONE)
    leader.goto(url)
    expect(leader.locator("#response")).to_contain_text("无异议")
    assert_fits_the_phone(leader)
    act(leader, "确认反馈意见")  # without the attestation: refused
    expect(leader.locator(".messages")).to_contain_text("提交前须确认所填数据真实")
    expect(status_of(leader)).to_have_text("报告初稿待反馈")
    leader.locator("form.review-form input[name=attest]").check()
    act(leader, "确认反馈意见")
    expect(status_of(leader)).to_have_text("单位已反馈")

    desk.reload()
    desk.get_by_role("button", name="根据评价数据生成报告").click()
    expect(desk.locator("#report")).to_contain_text("第2版")  # with the unit's response
    act(desk, "提交最终报告")
    expect(status_of(desk)).to_have_text("最终报告待审定")

    perf.reload()
    quality = perf.locator("#assignment")
    quality.get_by_label("执业质量评分").fill("92")
    quality.get_by_label("执业质量评价").fill("工作底稿完整，报告按时提交")
    quality.get_by_role("button", name="评分", exact=True).click()
    expect(perf.locator(".messages")).to_contain_text("已记录第三方机构执业质量评分")
    expect(perf.locator("#assignment")).to_contain_text("92")
    act(perf, "审定报告并归档")
    expect(status_of(perf)).to_have_text("已归档")
    expect(perf.locator(".facts")).to_contain_text(TOTAL)
    expect(perf.locator(".facts")).to_contain_text(GRADE)
    delivery = perf.locator("#report table.grid").last.locator("tbody tr")
    expect(delivery).to_contain_text("甲区教育局")
    expect(delivery).to_contain_text("未读")

    filer.set_viewport_size(DESK)
    filer.goto(url)
    filer.locator("#report").get_by_role("link", name="第2版").click()
    expect(filer.locator("main h1")).to_contain_text("第2版")
    expect(filer.locator("main")).to_contain_text(f"{TOTAL} {GRADE}")  # the score table's total

    perf.reload()
    delivery = perf.locator("#report table.grid").last.locator("tbody tr")
    expect(delivery).not_to_contain_text("未读")
    expect(delivery).to_contain_text("filer")
    perf.locator("#report").get_by_role("link", name="第2版").click()
    name, report = downloaded(perf, perf.get_by_role("link", name="下载 Word"))
    assert name.endswith(".docx"), name
    text = docx_text(report)
    assert SUBJECT in text and TOTAL in text and "3号楼雨水管未接入市政管网" in text

    # --- what the database says ----------------------------------------------------------------
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.ARCHIVED
    assert evaluation.score == Decimal(TOTAL) and evaluation.grade == GRADE
    assert evaluation.agency == agency and evaluation.agency_quality_score == Decimal("92")
    assert evaluation.reports.count() == 2
    delivered = evaluation.reports.get(number=2).deliveries.get()
    assert delivered.read_by == world.filer and delivered.read_at is not None
