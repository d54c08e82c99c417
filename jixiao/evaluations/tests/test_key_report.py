"""The key evaluation's report (评价报告, DOMAIN.md §6.4): sections from the data in the standard
outline, versions kept, the Word document with its seven headings, the delivery to the unit and
its 主管部门 with the read receipt, the notification letter; and who may reach them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document

from jixiao.core.models import AuditLog
from jixiao.evaluations.key import report
from jixiao.evaluations.key.models import (
    Agency,
    Expert,
    ExpertScore,
    Finding,
    KeyEvaluation,
    KeyStatus,
    PanelMember,
    ReportDelivery,
    SiteVisit,
)
from jixiao.evaluations.key.rate_inputs import SATISFACTION_SOURCES
from jixiao.evaluations.key.services import evaluation_create, key_transition

HEADINGS = [
    "一、基本情况",
    "二、评价工作开展情况",
    "三、综合评价结论",
    "四、绩效分析",
    "五、主要经验、存在问题及原因",
    "六、建议",
    "七、其他需要说明的问题",
]
AGENCY = {"name": "甲区绩效评价事务所", "credit_code": "91360100MA35GXJ71B"}
SUBJECT = {
    "year": 2022,
    "subject": "教师培训专项重点评价",
    "kind": "project",
    "special_kind": "政府采购",
    "amount": Decimal("120.623456"),
}
INDICATORS = [
    {"level1": "决策", "level2": "项目立项", "level3": "立项依据充分性", "weight": "15"},
    {"level1": "过程", "level2": "资金管理", "level3": "预算执行率", "weight": "25"},
    {"level1": "产出", "level2": "产出数量", "level3": "实际完成率", "weight": "30"},
    {"level1": "效益", "level2": "满意度", "level3": "满意度", "weight": "30"},
]


def build_evaluation(world, *, unit="U1A", project="P1A", status=KeyStatus.FIELDWORK):
    """An evaluation of a level-2 unit's project (its 主管部门 is U1), done by the agency
    persona's agency with the expert persona on the panel, scored, visited, with a finding."""
    agency = Agency.objects.create(region=world.region, **AGENCY)
    agency.members.add(world.agency)
    where = {"region": world.region, "unit": world.units[unit], "project": world.projects[project]}
    evaluation = evaluation_create(indicators=INDICATORS, agency=agency, **where, **SUBJECT)
    expert = Expert.objects.create(
        region=world.region, name="张专家", user=world.expert, title="高级会计师"
    )
    member = PanelMember.objects.create(panel=evaluation.panel, expert=expert)
    indicators = list(evaluation.panel.indicators.order_by("order"))
    given = {"立项依据充分性": ("12", "可行性研究报告缺少需求测算"), "预算执行率": ("25", "")}
    for indicator in indicators:
        score, reason = given.get(indicator.level3, (str(indicator.weight), ""))
        ExpertScore.objects.create(
            member=member, indicator=indicator, score=Decimal(score), reason=reason
        )
        indicator.computed = Decimal(score)
        indicator.save(update_fields=["computed"])
    SiteVisit.objects.create(
        evaluation=evaluation,
        visited_on=dt.date(2022, 5, 10),
        place="甲区教师进修学校",
        people="评价组3人、学校财务人员",
        checked="培训签到记录和合同",
        findings="部分培训签到表缺失",
    )
    Finding.objects.create(
        evaluation=evaluation,
        level1="决策",
        indicator=indicators[0],
        problem="项目立项前未开展需求调研",
        evidence="立项申请材料",
        recommendation="立项前开展培训需求调研并形成报告",
    )
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(
        status=status, score=Decimal("97.00"), grade="优", conclusion="项目总体完成较好。"
    )
    return KeyEvaluation.objects.get(pk=evaluation.pk)


@pytest.fixture
def evaluation(world):
    return build_evaluation(world)


def _text(version) -> str:
    return "\n".join(version.sections["parts"].values())


def test_generated_sections_hold_the_data_in_the_standard_outline(world, evaluation):
    version = report.report_generate(actor=world.agency, evaluation=evaluation)
    parts = version.sections["parts"]
    assert list(parts) == [key for key, _h in report.OUTLINE]
    assert "甲区教师进修学校" in parts["basics"] and "120.62万元" in parts["basics"]
    assert "政府采购" in parts["basics"]
    assert "甲区绩效评价事务所" in parts["conduct"] and "张专家（高级会计师）" in parts["conduct"]
    assert "部分培训签到表缺失" in parts["conduct"]  # the site visit
    assert "97.00分" in parts["conclusion"] and "“优”" in parts["conclusion"]
    assert "项目总体完成较好。" in parts["conclusion"]
    assert "扣分原因：可行性研究报告缺少需求测算" in parts["analysis"]
    assert "（一）决策指标（分值15.00分，得分12.00分）" in parts["analysis"]
    assert "项目立项前未开展需求调研" in parts["findings"]
    assert "立项前开展培训需求调研并形成报告" in parts["recommendations"]
    rows = version.sections["table"]
    assert [(r["level1"], r["level3"], r["weight"], r["score"]) for r in rows] == [
        ("决策", "立项依据充分性", "15.00", "12.00"),
        ("过程", "预算执行率", "25.00", "25.00"),
        ("产出", "实际完成率", "30.00", "30.00"),
        ("效益", "满意度", "30.00", "30.00"),
    ]


def test_the_survey_slot_takes_a_survey_rate_when_a_survey_stage_gives_one(world, evaluation):
    assert "未开展公众测评" in report.report_sections(evaluation)["parts"]["conduct"]
    SATISFACTION_SOURCES.append(lambda e: Decimal("0.9235"))
    try:
        conduct = report.report_sections(evaluation)["parts"]["conduct"]
    finally:
        SATISFACTION_SOURCES.pop()
    assert "满意率为92.35%" in conduct


def test_edits_are_saved_as_new_versions_and_old_ones_are_kept(world, evaluation):
    first = report.report_generate(actor=world.agency, evaluation=evaluation)
    second = report.report_edit(
        actor=world.agency,
        evaluation=evaluation,
        sections={"other": "评价期间单位积极配合。"},
        note="补充其他说明",
    )
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert "评价期间单位积极配合。" not in _text(first)
    assert second.sections["parts"]["other"] == "评价期间单位积极配合。"
    assert second.sections["parts"]["basics"] == first.sections["parts"]["basics"]
    assert second.note == "补充其他说明" and second.created_by == world.agency


def test_only_the_agency_in_its_stages_or_the_office_writes_the_report(world, evaluation):
    with pytest.raises(PermissionDenied):
        report.report_generate(actor=world.filer, evaluation=evaluation)
    with pytest.raises(PermissionDenied):
        report.report_generate(actor=world.expert, evaluation=evaluation)
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.FINAL)
    evaluation.refresh_from_db()
    with pytest.raises(PermissionDenied, match="第三方机构不能修改"):
        report.report_generate(actor=world.agency, evaluation=evaluation)
    assert report.report_generate(actor=world.performance, evaluation=evaluation).number == 1


def test_docx_opens_and_has_the_seven_headings_and_the_score_table(world, evaluation):
    version = report.report_generate(actor=world.agency, evaluation=evaluation)
    doc = Document(io.BytesIO(report.report_docx(version)))
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1 == HEADINGS
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    table = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["一级指标", "二级指标", "三级指标", "分值", "得分"]
    assert cells[1] == ["决策", "项目立项", "立项依据充分性", "15.00", "12.00"]
    assert cells[-1][0] == "合计" and cells[-1][3] == "100.00" and cells[-1][4] == "97.00 优"
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "项目立项前未开展需求调研" in body


def _archive(world, evaluation):
    report.report_generate(actor=world.agency, evaluation=evaluation)
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(
        status=KeyStatus.FINAL, agency_quality_score=Decimal("90")
    )
    evaluation.refresh_from_db()
    return key_transition(actor=world.performance, evaluation=evaluation, name="approve_final")


def test_approving_the_final_report_sends_it_to_the_unit_and_its_parent(world, evaluation):
    archived = _archive(world, evaluation)
    assert archived.status == KeyStatus.ARCHIVED
    sent = ReportDelivery.objects.filter(report__evaluation=evaluation)
    assert sorted(d.unit.code for d in sent) == ["U1", "U1A"]
    assert all(d.read_at is None for d in sent)
    assert KeyEvaluation.objects.get(pk=evaluation.pk).archived_on is not None


def test_the_unit_opening_the_report_records_the_read_receipt(world, evaluation, client_for):
    _archive(world, evaluation)
    url = f"/key-evaluations/{evaluation.pk}/report/1/docx/"
    response = client_for("child_filer").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".docx")
    own = ReportDelivery.objects.get(report__evaluation=evaluation, unit=world.units["U1A"])
    parent = ReportDelivery.objects.get(report__evaluation=evaluation, unit=world.units["U1"])
    assert own.read_by == world.child_filer and own.read_at is not None
    assert parent.read_at is None
    client_for("leader").get(f"/key-evaluations/{evaluation.pk}/report/1/")
    parent.refresh_from_db()
    assert parent.read_by == world.leader
    assert AuditLog.objects.filter(action="export", actor=world.child_filer).exists()


def test_the_office_sees_who_read_the_report_when(world, evaluation, client_for):
    _archive(world, evaluation)
    client_for("child_filer").get(f"/key-evaluations/{evaluation.pk}/report/1/")
    panel = report_panel_html(world, evaluation, "performance")
    assert "甲区教师进修学校" in panel and "child_filer" in panel and "未读" in panel


def report_panel_html(world, evaluation, username) -> str:
    from django.test import RequestFactory

    from jixiao.evaluations.key.views_report import report_panel

    request = RequestFactory().get("/")
    request.user = world.users[username]
    return report_panel(request, evaluation)


def test_another_unit_and_an_unassigned_agency_get_404(world, evaluation, client_for):
    report.report_generate(actor=world.agency, evaluation=evaluation)
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.DRAFT_REPORT)
    url = f"/key-evaluations/{evaluation.pk}/report/1/docx/"
    assert client_for("other").get(url).status_code == 404
    Agency.objects.filter(pk=evaluation.agency_id).first().members.remove(world.agency)
    assert client_for("agency").get(url).status_code == 404
    assert client_for("child_filer").get(url).status_code == 200


def test_the_expert_does_not_read_the_report(world, evaluation, client_for):
    report.report_generate(actor=world.agency, evaluation=evaluation)
    assert (
        client_for("expert").get(f"/key-evaluations/{evaluation.pk}/report/1/").status_code == 404
    )


def test_the_unit_reads_no_report_before_the_draft_is_sent(world, evaluation, client_for):
    report.report_generate(actor=world.agency, evaluation=evaluation)
    assert (
        client_for("child_filer").get(f"/key-evaluations/{evaluation.pk}/report/1/").status_code
        == 404
    )


def test_edit_page_saves_a_new_version_from_the_form(world, evaluation, client_for):
    report.report_generate(actor=world.agency, evaluation=evaluation)
    client = client_for("agency")
    url = f"/key-evaluations/{evaluation.pk}/report/edit/"
    page = client.get(url)
    assert page.status_code == 200 and "七、其他需要说明的问题" in page.content.decode()
    form = {key: f"{key}文字" for key in report.PART_KEYS}
    response = client.post(url, {**form, "title": "修改后的标题", "note": "按意见修改"})
    assert response.status_code == 302
    latest = evaluation.reports.order_by("-number").first()
    assert latest.number == 2 and latest.sections["title"] == "修改后的标题"
    assert latest.sections["parts"]["findings"] == "findings文字"


def test_notice_letter_downloads_once_notified(world, evaluation, client_for):
    url = f"/key-evaluations/{evaluation.pk}/notice.docx"
    response = client_for("filer").get(url)
    assert response.status_code == 200
    body = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "甲区教师进修学校：" in body and "甲区绩效评价事务所" in body
    assert "需准备的资料" in body and "联系方式" in body
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.DRAFT)
    assert client_for("performance").get(url).status_code == 302
