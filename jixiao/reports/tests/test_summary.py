"""The annual work summary (DOMAIN.md §9): the Word document and `jixiao summary`.

Work year 2022 of 甲区 (100101), built by hand: its targets, its monitoring round, and the
evaluations done in 2022 of the 2021 projects. Every expected figure is worked out in the comments
and written as the customer's 2021 summary writes it; drafts, cleared alerts, repealed documents
and 乙区's records must never count.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from jixiao.budgets.models import Payment, Project, ProjectKind
from jixiao.budgets.services import refresh_payment_totals
from jixiao.core.scope import RegionReader
from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
from jixiao.monitoring.models import Alert, Report, Round
from jixiao.reports import charts
from jixiao.reports.models import PolicyDocument
from jixiao.reports.summary import chinese_figure, chinese_numeral, percent, summary_docx
from jixiao.targets.models import Target

TODAY = datetime.date(2023, 1, 10)


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + " 10:00"))


def finding(code):
    return {"code": code, "blocking": True, "indicator": None, "message": code}


@pytest.fixture
def year_2022(world):
    region, region_b = world.region, world.region_b
    p1, p2, pb = world.projects["P1"], world.projects["P2"], world.projects["PB"]  # 120.623456 each

    # Targets of 2022: P1 approved with 3 findings (T02 twice, T08), on time; U1's whole-unit
    # target submitted; P2's draft (with T05) does not count.
    Target.objects.create(
        region=region,
        year=2022,
        unit=p1.unit,
        project=p1,
        status="approved",
        findings=[finding("T02"), finding("T02"), finding("T08")],
        finding_codes="T02;T02;T08;",
        deadline=datetime.date(2022, 3, 1),
        submitted_at=at("2022-02-25"),
    )
    Target.objects.create(region=region, year=2022, unit=world.units["U1"], status="submitted")
    Target.objects.create(
        region=region,
        year=2022,
        unit=p2.unit,
        project=p2,
        status="draft",
        findings=[finding("T05")],
        finding_codes="T05;",
    )
    Target.objects.create(
        region=region_b,
        year=2022,
        unit=pb.unit,
        project=pb,
        status="approved",
        findings=[finding("T01")],
        finding_codes="T01;",
    )

    # The round to 30 June: P1 reported 30 万元 executed, five days late; P2 never reported.
    rnd = Round.objects.create(
        region=region,
        year=2022,
        code="2022-06",
        name="2022年1-6月",
        period_end=datetime.date(2022, 6, 30),
        deadline=datetime.date(2022, 7, 15),
    )
    Report.objects.create(
        round=rnd,
        project=p1,
        region=region,
        unit=p1.unit,
        year=2022,
        status="approved",
        executed=Decimal("30"),
        submitted_at=at("2022-07-20"),
    )
    Report.objects.create(
        round=rnd, project=p2, region=region, unit=p2.unit, year=2022, status="draft"
    )

    def alert(project, code, level, **extra):
        return Alert.objects.create(
            region=region,
            year=2022,
            unit=project.unit,
            project=project,
            round=rnd,
            code=code,
            level=level,
            message=code,
            due_date=datetime.date(2022, 7, 30),
            **extra,
        )

    alert(p1, "M01", "red", status="disposed", disposal="adjust")
    alert(p2, "M07", "yellow")  # still open after its due date: overdue
    alert(p1, "M02", "red", status="cleared")  # no longer applies

    # Evaluations done in 2022 of the 2021 projects: Q1 (120.623456, 政府债务) 优, Q1A (2.835)
    # 良 reviewed down to 差, Q2's draft does not count. Q1 paid 40 of its 100 in December.
    def project_2021(code, unit_code, **amounts):
        unit = world.units[unit_code]
        return Project.objects.create(
            region=unit.region, year=2021, code=code, name=f"项目{code}", unit=unit, **amounts
        )

    q1 = project_2021(
        "Q1", "U1", full_current=Decimal("100.123456"), full_carryover=Decimal("20.5")
    )
    q1.kinds.add(ProjectKind.objects.get(code="debt"))
    q1a = project_2021("Q1A", "U1A", full_current=Decimal("2.835"))
    q2 = project_2021("Q2", "U2", full_current=Decimal("50"))
    SelfEvaluation.objects.create(
        region=region,
        year=2021,
        unit=q1.unit,
        project=q1,
        status="confirmed",
        total=Decimal("95.00"),
        grade="优",
    )
    SelfEvaluation.objects.create(
        region=region,
        year=2021,
        unit=q1a.unit,
        project=q1a,
        status="submitted",
        total=Decimal("82.00"),
        grade="良",
        reviewed_total=Decimal("55.00"),
        reviewed_grade="差",
    )
    SelfEvaluation.objects.create(
        region=region, year=2021, unit=q2.unit, project=q2, status="draft", grade="优"
    )
    Payment.objects.bulk_create(
        [
            Payment(project=q1, month=6, amount=Decimal(60)),
            Payment(project=q1, month=12, amount=Decimal(40)),
        ]
    )
    refresh_payment_totals([q1.pk])  # as every writer of payments keeps them
    UnitEvaluation.objects.create(
        region=region,
        year=2021,
        unit=world.units["U1"],
        status="submitted",
        grade="优",
        total=Decimal("90.00"),
    )
    UnitEvaluation.objects.create(region=region, year=2021, unit=world.units["U2"], status="draft")

    def policy(reg, number, title, issued, repealed=None):
        PolicyDocument.objects.create(
            region=reg,
            number=number,
            title=title,
            issuer="甲区财政局",
            issued_on=datetime.date.fromisoformat(issued),
            repealed_on=datetime.date.fromisoformat(repealed) if repealed else None,
        )

    policy(region, "甲财绩〔2021〕1号", "甲区预算绩效管理暂行办法", "2021-03-15")
    policy(
        region,
        "甲财字〔2022〕5号",
        "甲区财政局关于开展 2022 年度预算绩效管理有关工作的通知",
        "2022-02-10",
    )
    policy(region, "甲财绩〔2020〕2号", "甲区已废止的办法", "2020-04-01", repealed="2022-05-01")
    policy(region, "甲财绩〔2023〕1号", "甲区明年的办法", "2023-01-05")
    policy(region_b, "乙财绩〔2022〕1号", "乙区的办法", "2022-01-05")
    return world


def build(world, user=None, **extra) -> Document:
    user = user or RegionReader(world.region.path)
    data = summary_docx(user=user, region=world.region, year=2022, today=TODAY, **extra)
    return Document(io.BytesIO(data))


@pytest.fixture
def document(year_2022):
    return build(year_2022)


def body_text(doc) -> str:
    """The text before the appendix, one paragraph a line."""
    lines = []
    for paragraph in doc.paragraphs:
        if paragraph.text == "附件：数据明细":
            break
        lines.append(paragraph.text)
    return "\n".join(lines)


def table_after(doc, caption: str):
    """The table that follows the caption paragraph containing `caption`."""
    body = doc.element.body
    for index, child in enumerate(body):
        if child.tag == qn("w:p") and caption in "".join(child.itertext()):
            for later in body[index + 1 :]:
                if later.tag == qn("w:tbl"):
                    return [
                        [cell_text(tc) for tc in tr.iter(qn("w:tc"))]
                        for tr in later.iter(qn("w:tr"))
                    ]
    raise AssertionError(f"no table after {caption}")


def cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


# ── the text ─────────────────────────────────────────────────────────────────────────────────
def test_summary_has_the_title_the_four_sections_and_the_signature(document):
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0].replace("\n", "") == "甲区财政局 2022 年度预算绩效管理工作总结"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == [
        "一、2022 年度绩效管理工作开展情况",
        "二、2022 年度绩效工作主要成效",
        "三、存在的问题",
        "四、下一步工作思路",
    ]
    signature = paragraphs.index("甲区财政局")
    assert paragraphs[signature + 1] == "2023年1月10日"
    assert document.paragraphs[signature].alignment == 2  # right


def test_what_was_done_is_written_with_the_hand_computed_figures(document):
    text = body_text(document)
    # First-level units U1 and U2; only U1 did something that counts → 1 of 2, 50%.
    assert "2022 年，甲区开展预算绩效管理工作预算单位数 1 个，占一级预算单位数 2 个的 50%。" in text
    assert "全覆盖" not in text
    # Q1 120.623456 + Q1A 2.835 = 123.458456 → 123.46; Q2's draft does not count.
    assert "开展预算部门绩效自评资金为 123.46 万元，涉及 2021 年度项目 2 个" in text
    # P1 and P2 are both in the round (P2 never reported): 2 × 120.623456 = 241.246912.
    assert "开展预算部门绩效运行监控的资金为 241.25 万元，涉及项目 2 个" in text
    assert "1 个预算单位开展预算部门整体支出绩效评价" in text
    assert "1 个预算单位申报部门整体支出绩效目标，1 个项目申报预算绩效目标" in text
    assert "其中 1 个项目的绩效目标已批复，涉及资金 120.62 万元" in text
    assert "收到监控报告 1 份，发出预警 2 条，其中红色预警 1 条、黄色预警 1 条" in text
    assert (
        "2021 年度政府债务、政府采购、政府性基金等特殊类别项目中有 1 个开展了绩效自评，"
        "如项目Q1（政府债务项目）" in text
    )
    assert "重点评价" not in text  # none yet: the sentence is left out


def test_policy_documents_in_force_at_year_end_are_listed_with_number_and_date(document):
    text = body_text(document)
    assert (
        "我区出台了《甲区预算绩效管理暂行办法》（甲财绩〔2021〕1号，2021年3月15日印发）、"
        "《甲区财政局关于开展 2022 年度预算绩效管理有关工作的通知》（甲财字〔2022〕5号，"
        "2022年2月10日印发）等制度办法，截至 2022 年末现行有效的预算绩效管理制度文件共 2 件"
    ) in text
    for gone in ("已废止", "明年的办法", "乙区的办法"):
        assert gone not in text


def test_results_give_grades_alerts_execution_and_timeliness(document):
    text = body_text(document)
    # Q1 优, Q1A 差 (the reviewer's grade stands): 1 and 1 of 2.
    assert (
        "2021 年度 2 个项目的绩效自评结果为：优 1 个，占 50%；良 0 个，占 0%；中 0 个，占 0%；"
        "差 1 个，占 50%。" in text
    )
    assert table_after(document, "2021 年度项目绩效自评等级分布") == [
        ["评价等级", "项目数（个）", "占比"],
        ["优", "1", "50%"],
        ["良", "0", "0%"],
        ["中", "0", "0%"],
        ["差", "1", "50%"],
    ]
    assert "执行进度落后于时间进度（M01）1 条、监控报告逾期报送（M07）1 条。" in text
    assert "已处置 1 条，其中继续实施 0 条、调整调剂 1 条、取消项目 0 条；待处置 1 条" in text
    # 30 June is day 181 of 365 → 49.59%; 30 of 241.246912 → 12.44%; 37.15 points behind.
    assert (
        "截至 2022年6月30日，运行监控项目全年预算 241.25 万元，已执行 30.00 万元，预算执行率 "
        "12.44%，时间进度 49.59%，执行率低于时间进度 37.15 个百分点。"
    ) in text
    # P1's target on time; P1's report late and P2's missing: 0 of 2 on time.
    assert (
        "设定申报期限的绩效目标 1 份，逾期申报 0 份，按时申报率 100%；应报监控报告 2 份，"
        "逾期报送 1 份，按时报送率 0%。" in text
    )


def test_problems_are_counted_from_the_data(document):
    text = body_text(document)
    problems = text[text.index("三、存在的问题") : text.index("四、下一步工作思路")]
    assert (
        "2022 年度申报的绩效目标中，1 份存在质量问题，共发现问题 3 处，主要是：指标值未填列 2 处；"
        "缺少满意度指标 1 处。" in problems
    )
    assert table_after(document, "2022 年度绩效目标质量问题") == [
        ["问题代码", "问题", "发现数（处）"],
        ["T02", "指标值未填列", "2"],
        ["T08", "缺少满意度指标", "1"],
    ]
    assert "1 个项目预算执行进度落后于时间进度或低于节点要求，其中 1 个项目为红色预警" in problems
    assert "2021 年度有 1 个项目存在年末突击拨款现象，12 月集中支付 40.00 万元" in problems
    assert "2021 年度绩效自评结果为中、差的项目 1 个（差 1 个）" in problems
    assert "逾期报送的监控报告 1 份、逾期未报送的监控报告 1 份、逾期未处置的预警 1 条。" in problems
    assert "逾期申报的绩效目标" not in problems  # 0: no sentence


def test_next_steps_are_left_to_the_bureau_as_a_highlighted_instruction(document):
    paragraphs = document.paragraphs
    start = [p.text for p in paragraphs].index("四、下一步工作思路")
    instruction = paragraphs[start + 1]
    assert instruction.text.startswith("【此处由财政局填写下一步工作思路")
    assert all(run.font.highlight_color is not None for run in instruction.runs)


def test_key_and_special_kind_evaluations_are_written_once_they_exist(year_2022, monkeypatch):
    # The bureau's own evaluations (DOMAIN.md §6.4); a year without them leaves the sentences
    # out (tested above). The figures from real records: test_key_summary.py.
    from jixiao.reports import summary

    original = summary.summary_figures

    def with_bureau_evaluations(**kwargs):
        figures = original(**kwargs)
        figures["key_evaluations"] = {
            "count": 2,
            "projects": [{"code": "Q1", "name": "项目Q1"}, {"code": "Q1A", "name": "项目Q1A"}],
            "special_kinds": [{"kind": "政府债务", "code": "Q1", "name": "城北消防站建设项目"}],
            "methods": {"site_visits": 0, "expert_scoring": 0, "public_survey": 0},
            "reports_delivered": 0,
            "findings": {"决策": 0, "过程": 0, "产出": 0, "效益": 0},
        }
        return figures

    monkeypatch.setattr(summary, "summary_figures", with_bureau_evaluations)
    doc = build(year_2022)
    text = body_text(doc)
    assert (
        "同时委托第三方机构进行重点评价，选取了 2 个覆盖面广、影响力大、社会关注度高的项目进行"
        "事后评价：项目Q1、项目Q1A。" in text
    )
    assert (
        "2022 年选取了 1 个具有特色代表性的项目开展绩效评价，如城北消防站建设项目（政府债务项目）"
        in text
    )
    assert dict(table_after(doc, "主要指标")[1:])["重点评价项目数（个）"] == "2"


def test_an_empty_year_still_renders_and_says_no_problem_was_found(world):
    data = summary_docx(
        user=RegionReader(world.region_b.path), region=world.region_b, year=2022, today=TODAY
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "占一级预算单位数 1 个的 0%" in text
    assert "开展预算部门绩效自评资金为 0.00 万元" in text
    assert "经系统统计，2022 年度未发现" in text
    assert "附图" not in text
    assert "【制度文件登记簿中没有 2022 年末现行有效的制度文件" in text


def test_a_unit_filer_gets_the_summary_of_its_own_unit_only(year_2022):
    doc = build(year_2022, user=year_2022.other)  # the filer of U2
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "开展预算部门绩效自评资金为 0.00 万元" in text  # Q2 is a draft
    assert "开展预算部门绩效运行监控的资金为 120.62 万元，涉及项目 1 个" in text  # P2 only
    assert "项目Q1" not in text and "P1" not in text


# ── charts and appendix ──────────────────────────────────────────────────────────────────────
def test_charts_page_holds_the_four_charts_as_png(document):
    captions = [p.text for p in document.paragraphs if p.text.startswith("图")]
    assert captions == [
        "图1 2021 年度项目绩效自评等级分布",
        "图2 2022 年度运行监控预警（按预警代码）",
        "图3 2022 年度绩效目标质量问题（按问题代码）",
        "图4 截至 2022年6月30日 预算执行率与时间进度",
    ]
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(images) == 4 and all(i.blob.startswith(b"\x89PNG") for i in images)


def test_appendix_lists_the_records_behind_each_figure(document):
    appendix = [p.text for p in document.paragraphs]
    appendix = appendix[appendix.index("附件：数据明细") :]
    headings = [t for t in appendix if "（共 " in t]
    assert headings[:4] == [
        "一、一级预算单位（共 2 条）",
        "二、申报绩效目标的项目（共 1 条）",
        "三、部门整体支出绩效目标（共 1 条）",
        "四、制度文件（共 2 条）",
    ]
    for expected in (
        "运行监控项目（共 2 条）",
        "运行监控预警（共 2 条）",
        "绩效自评项目（共 2 条）",
        "特殊类别项目绩效自评（共 1 条）",
        "部门整体支出绩效评价（共 1 条）",
        "绩效目标质量问题：T02 指标值未填列（共 1 条）",
        "绩效目标质量问题：T08 缺少满意度指标（共 1 条）",
        "年末突击拨款项目（共 1 条）",
    ):
        assert any(h.endswith(expected) for h in headings), expected
    selfevals = next(
        t
        for t in _tables(document)
        if t[0][:4] == ["项目编码", "项目名称", "单位名称", "全年预算（万元）"]
    )
    assert [row[:4] for row in selfevals[1:]] == [
        ["Q1", "项目Q1", "甲区教育局", "120.62"],
        ["Q1A", "项目Q1A", "甲区教师进修学校", "2.84"],
    ]
    rush = next(t for t in _tables(document) if "12月支付（万元）" in t[0])
    assert rush[1][:5] == ["Q1", "项目Q1", "甲区教育局", "100.00", "40.00"]


def _tables(doc):
    return [
        [[cell_text(tc) for tc in tr.iter(qn("w:tc"))] for tr in t._tbl.iter(qn("w:tr"))]
        for t in doc.tables
    ]


def test_a_capped_appendix_table_says_so_and_keeps_the_full_count(year_2022):
    doc = build(year_2022, cap=1)
    texts = [p.text for p in doc.paragraphs]
    heading = next(t for t in texts if t.endswith("绩效自评项目（共 2 条）"))
    assert texts[texts.index(heading) + 1] == "仅列前 1 条，完整清单见系统导出。"
    selfevals = next(
        t for t in _tables(doc) if t[0][:2] == ["项目编码", "项目名称"] and "自评得分" in t[0]
    )
    assert len(selfevals) == 2  # the header and one row


# ── layout ───────────────────────────────────────────────────────────────────────────────────
def test_east_asian_fonts_are_set_on_the_styles_and_on_every_run(document):
    styles = document.styles
    for name, font in (
        ("Normal", "仿宋"),
        ("Heading 1", "黑体"),
        ("Heading 2", "楷体"),
        ("Title", "宋体"),
    ):
        rfonts = styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == font
        assert rfonts.get(qn("w:eastAsiaTheme")) is None
    runs = list(document.element.body.iter(qn("w:r")))
    assert len(runs) > 100
    for run in runs:
        assert run.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")), run.xml
    title = document.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title.get(qn("w:eastAsia")) == "宋体" and title.get(qn("w:ascii")) == "Times New Roman"


def test_layout_is_a4_with_official_margins_body_size_and_line_spacing(document):
    def cm(*lengths):  # Word stores twips: compare to the tenth of a millimetre
        return tuple(round(length.cm, 2) for length in lengths)

    first = document.sections[0]
    assert cm(first.page_width, first.page_height) == (21, 29.7)
    assert cm(first.top_margin, first.bottom_margin, first.left_margin, first.right_margin) == (
        3.7,
        3.5,
        2.8,
        2.6,
    )
    assert cm(document.sections[-1].page_width) == (29.7,)  # the appendix is landscape
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Pt(28)
    body = next(p for p in document.paragraphs if p.text.startswith("2022 年，甲区"))
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert "PAGE" in first.footer._element.xml


# ── the command ──────────────────────────────────────────────────────────────────────────────
def run_summary(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("summary", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_json_goes_alone_to_stdout_or_to_a_file(year_2022, capsys, tmp_path):
    out, err = run_summary(
        "--region", "100101", "--year", "2022", "--format", "json", "--today", "2023-01-10"
    )
    figures = json.loads(out)
    assert figures["selfeval"]["funds"] == "123.46" and figures["units"]["covered"] == 1
    assert "正在统计" in err
    assert capsys.readouterr().out == ""  # nothing else printed
    saved = tmp_path / "figures.json"
    out, _err = run_summary(
        "--region",
        "100101",
        "--year",
        "2022",
        "--format",
        "json",
        "--today",
        "2023-01-10",
        "-o",
        str(saved),
    )
    assert out == "" and json.loads(saved.read_text(encoding="utf-8")) == figures


def test_cli_json_equals_the_figures_written_in_the_docx(year_2022, tmp_path):
    out, _err = run_summary(
        "--region",
        "100101",
        "--year",
        "2022",
        "--format",
        "json",
        "-o",
        "-",
        "--today",
        "2023-01-10",
    )
    figures = json.loads(out)
    target = tmp_path / "summary.docx"
    run_summary(
        "--region",
        "100101",
        "--year",
        "2022",
        "--format",
        "docx",
        "-o",
        str(target),
        "--today",
        "2023-01-10",
        "--quiet",
    )
    doc = Document(str(target))
    text = body_text(doc)

    def found(pattern):
        match = re.search(pattern, text)
        assert match, pattern
        return match.groups()

    units = figures["units"]
    assert found(r"预算单位数 (\d+) 个，占一级预算单位数 (\d+) 个的 ([\d.]+)%") == (
        str(units["covered"]),
        str(units["first_level"]),
        percent(units["coverage_rate"])[:-1],
    )
    selfeval, monitoring = figures["selfeval"], figures["monitoring"]
    assert found(r"绩效自评资金为 ([\d.]+) 万元，涉及 (\d+) 年度项目 (\d+) 个") == (
        selfeval["funds"],
        str(selfeval["year"]),
        str(selfeval["projects"]),
    )
    assert found(r"运行监控的资金为 ([\d.]+) 万元，涉及项目 (\d+) 个") == (
        monitoring["funds"],
        str(monitoring["projects"]),
    )
    assert found(r"(\d+) 个预算单位(?:全部)?开展预算部门整体支出绩效评价") == (
        str(figures["unit_evaluations"]),
    )
    assert found(r"(\d+) 个预算单位申报部门整体支出绩效目标，(\d+) 个项目申报") == (
        str(figures["targets"]["units_declared"]),
        str(figures["targets"]["projects_declared"]),
    )
    for grade, n in selfeval["grades"].items():
        assert found(rf"{grade} (\d+) 个，占") == (str(n),)
    execution = monitoring["execution"]
    assert found(r"预算执行率 ([\d.]+%)，时间进度 ([\d.]+%)") == (
        percent(execution["rate"]),
        percent(execution["time_progress"]),
    )
    lint = {row[0]: int(row[2]) for row in table_after(doc, "绩效目标质量问题")[1:]}
    assert lint == {code: n for code, n in figures["lint"].items() if n}
    alerts = {row[0]: int(row[2]) for row in table_after(doc, "运行监控预警情况")[1:]}
    assert alerts == {code: n for code, n in monitoring["alerts"].items() if n}
    for document in figures["policy_documents"]:
        assert f"《{document['title']}》（{document['number']}，" in text
    main = dict(table_after(doc, "预算绩效管理主要指标")[1:])
    assert main["运行监控资金（万元）"] == monitoring["funds"]
    assert main["绩效自评资金（2021 年度，万元）"] == selfeval["funds"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--region", "999999", "--year", "2022", "--format", "json"], "找不到区划“999999”"),
        (["--region", "100101", "--year", "2035", "--format", "json"], "没有 2035 年度的预算年度"),
        (["--region", "100101", "--year", "22", "--format", "json"], "年度应为四位数字"),
        (["--region", "100101", "--year", "2022", "--format", "pdf"], "不支持的格式“pdf”"),
        (["--region", "100101", "--year", "2022", "--format", "docx"], "需要用 -o 指定输出文件"),
    ],
)
def test_cli_refuses_in_chinese(world, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run_summary(*args)
    assert raised.value.returncode == 1


# ── helpers and charts ───────────────────────────────────────────────────────────────────────
def test_figures_are_written_as_the_customer_writes_them():
    assert chinese_figure(Decimal("64286.405")) == "64286.41"
    assert chinese_figure(Decimal("0")) == "0.00"
    assert percent(Decimal("1.0000")) == "100%"
    assert percent(Decimal("0.8500")) == "85%"
    assert percent(Decimal("0.4954")) == "49.54%"
    assert percent(Decimal("0.6667")) == "66.67%"
    assert percent(None) == "—"
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 19, 20, 23)] == [
        "一",
        "九",
        "十",
        "十一",
        "十九",
        "二十",
        "二十三",
    ]


@pytest.fixture
def no_cjk_font(monkeypatch):
    from matplotlib import font_manager

    charts.cjk_font_path.cache_clear()
    monkeypatch.setattr(charts, "_fontconfig_choice", lambda: None)
    latin_only = [
        f for f in font_manager.fontManager.ttflist if not charts._CJK_NAMES.search(f.name)
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin_only)
    yield
    charts.cjk_font_path.cache_clear()


def test_charts_render_without_a_cjk_font_and_warn(no_cjk_font, caplog):
    png = charts.bar_chart([charts.Label("优", "You"), charts.Label("良", "Liang")], [3, 1])
    assert png.startswith(b"\x89PNG")
    assert "未找到中文字体" in caplog.text


# ── the demo district (called from jixiao/demo/tests/test_demo.py's single build) ──────────
def check_summary(demo):
    """The demo's 2021 summary reproduces the customer's figures (DOMAIN.md §9)."""
    from jixiao.orgs.models import Region

    district = Region.objects.get(code="360102")
    data = summary_docx(
        user=RegionReader(district.path),
        region=district,
        year=2021,
        today=datetime.date(2022, 1, 17),
    )
    text = body_text(Document(io.BytesIO(data)))
    assert (
        "2021 年，东湖区开展预算绩效管理工作预算单位数 67 个，占一级预算单位数 67 个的 100%，"
        "实现全覆盖考评要求。" in text
    )
    assert "开展预算部门绩效自评资金为 64286.41 万元，涉及 2020 年度项目 183 个" in text
    assert "开展预算部门绩效运行监控的资金为 65498.42 万元" in text
    assert "67 个预算单位全部开展预算部门整体支出绩效评价" in text
    assert "《东湖区区级预算部门绩效管理暂行办法》（东财绩〔2020〕1号，" in text
    assert "东湖区财政局\n2022年1月17日" in text
