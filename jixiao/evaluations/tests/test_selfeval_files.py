"""Self-evaluations in files (DOMAIN.md §6.1–6.2, CONTRACT.md): the official
项目支出绩效自评表 in xlsx and schemas/selfeval JSON out and back in through `selfeval_save`, one
transaction, located Chinese problems, the filer's scope; the unit's own scores kept as the
unit's and flagged, with the rule's figure beside, where they break the rules."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.core.imports import run_import
from jixiao.core.models import ImportBatch
from jixiao.core.scope import RegionReader
from jixiao.core.tabular import InputRejected
from jixiao.evaluations.exports import export_selfevals
from jixiao.evaluations.importers import SelfEvalImporter
from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation
from jixiao.evaluations.selfeval_data import selfeval_from_data
from jixiao.evaluations.services import selfeval_create, selfeval_save
from jixiao.targets.exports import export_targets
from jixiao.targets.models import Target, TargetStatus
from jixiao.targets.services import target_transition

GOOD = {"overall": "优"}
WEIGHTS = ["20", "10", "10", "10", "30", "10"]
ACTUALS = ["9个", "100%", "2022年11月完成", "9.5万元", "1600户", "92%"]
NAMES = [
    "改造老旧小区数量",
    "工程验收合格率",
    "完工时间",
    "每个小区改造成本",
    "受益居民户数",
    "居民满意度",
]


def approve(world, target):
    target = target_transition(
        actor=world.filer if target.unit.code == "U1" else world.child_filer,
        target=target,
        name="complete",
    )
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    return target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)


def approved_quickly(target) -> None:
    """Another project's target approved (the review itself is tested elsewhere)."""
    Target.objects.filter(pk=target.pk).update(status=TargetStatus.APPROVED)


@pytest.fixture
def approved(world, declare):
    return approve(world, declare())


def rows(actuals=ACTUALS, extra=None):
    extra = extra or {}
    return [
        {"position": i, "actual": a, "weight": w, **extra.get(i, {})}
        for i, (a, w) in enumerate(zip(actuals, WEIGHTS, strict=True))
    ]


@pytest.fixture
def filled(world, approved):
    """P1 filled by its unit, with its own scores: two of them (and its total) break the
    rules; a formula-like deviation and an over-achievement explained."""
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    SelfEvaluation.objects.filter(pk=selfeval.pk).update(
        self_execution_score=Decimal("10"), self_total=Decimal("100")
    )
    return selfeval_save(
        actor=world.filer,
        selfeval=selfeval,
        executed={"current": "100", "carryover": "20.5"},
        goal_achieved="完成9个小区改造，3个顺延。",
        report="项目总体按计划实施。",
        rows=rows(
            extra={
                0: {"self_score": "20", "deviation": "=拆迁滞后，3个小区顺延"},
                1: {"self_score": "10"},
                4: {"self_score": "25", "explanation": "新增安置小区纳入改造"},
            }
        ),
    )


def values() -> dict:
    """Everything a unit fills in, for every self-evaluation."""
    found = {}
    for s in SelfEvaluation.objects.order_by("project__code"):
        found[s.project.code] = (
            s.status,
            s.executed_current,
            s.executed_carryover,
            s.executed_other,
            s.goal_achieved,
            s.report,
            s.self_execution_score,
            s.self_total,
            [
                (
                    i.position,
                    i.actual,
                    i.band,
                    i.entered_score,
                    i.explanation,
                    i.deviation,
                    i.weight,
                    i.self_score,
                )
                for i in s.indicators.order_by("position")
            ],
        )
    return found


def scramble(world, selfeval) -> None:
    """Change everything a file brings back."""
    SelfEvaluation.objects.filter(pk=selfeval.pk).update(
        self_execution_score=None, self_total=Decimal("1")
    )
    selfeval_save(
        actor=world.filer,
        selfeval=selfeval,
        executed={"current": "1", "carryover": ""},
        goal_achieved="改过",
        report="项目总体按计划实施。",
        rows=[
            {
                "position": i,
                "actual": "",
                "deviation": "x",
                "explanation": "",
                "self_score": "1",
                "weight": "5",
            }
            for i in range(6)
        ],
    )


def export(world, fmt: str, region=None) -> bytes:
    region = region or world.region
    return export_selfevals(RegionReader(region.path), region, 2022, fmt)


def do_import(world, data: bytes, name: str, actor=None, **kwargs):
    importer = SelfEvalImporter(actor=actor or world.budget, region=world.region, **kwargs)
    return run_import(importer, data, name)


def rejected(world, data: bytes, name: str, actor=None) -> list:
    """Import a file that must fail; nothing written; its problems."""
    before, batches = values(), ImportBatch.objects.count()
    with pytest.raises(InputRejected) as info:
        do_import(world, data, name, actor=actor)
    assert values() == before
    assert ImportBatch.objects.count() == batches
    return info.value.problems


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def find(ws, text: str):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(text)


def unit_table(
    code="P1",
    *,
    scores=("20", 10, 10, 10, 30, 10),
    execution="10",
    total="100",
    actuals=ACTUALS,
    name_of_first=NAMES[0],
    title="（2022年度）项目支出绩效自评表",
):
    """A table as a unit fills it in its own Excel: the official layout with its own spacing
    and labels ("产出指标（50分）"), no 单位自评得分 column: 得分 holds the unit's scores."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = code
    lines = [
        [title],
        [],
        ["项目名称", f"项目{code}", None, "项目编码", code],
        ["主管部门", "甲区教育局", None, "实施单位：", "甲区教育局"],
        [
            "项目资金\n（万元）",
            None,
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        [None, "年度资金总额", 90, 120.623456, 120.5, 10, "99.90%", execution],
        [None, "其中：当年财政拨款", 90, 100.123456, 100],
        [None, "上年结转资金", 0, 20.5, 20.5],
        [None, "其他资金", None, None, None],
        ["年度总体目标", "预期目标", None, None, "实际完成情况"],
        [None, "完成12个老旧小区改造", None, None, "完成9个"],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
    ]
    subs = ["数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标", "服务对象满意度指标"]
    cats = ["产出指标（50分）", None, None, None, "效益指标", "满意度指标"]
    names = [name_of_first, *NAMES[1:]]
    for i in range(6):
        lines.append(
            [
                cats[i],
                subs[i],
                names[i],
                None,
                actuals[i],
                int(WEIGHTS[i]),
                scores[i],
                "拆迁滞后" if i == 0 else None,
            ]
        )
    lines += [
        ["总分", None, None, None, None, 100, total],
        ["等级", None, None, None, None, None, "优"],
        [],
        ["填报人：张三", None, None, "联系电话：123"],
    ]
    for line in lines:
        ws.append(line)
    return book


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_export_then_import_gives_the_same_self_evaluation(world, filled, fmt):
    expected = values()
    data = export(world, fmt)
    scramble(world, filled)
    assert values() != expected
    result = do_import(world, data, f"selfevals.{fmt}")
    assert (result.rows, result.created, result.updated) == (1, 0, 1)
    assert values() == expected
    selfeval = SelfEvaluation.objects.get(pk=filled.pk)
    assert selfeval.total == Decimal("94.99") and selfeval.grade == "优"


def test_import_creates_the_self_evaluation_from_the_approved_target(world, filled):
    expected = values()
    data = export(world, "json")
    SelfEvaluation.objects.all().delete()
    result = do_import(world, data, "selfevals.json")
    assert (result.created, result.updated) == (1, 0)
    assert values() == expected


def test_xlsx_is_the_official_layout_printable_a4_portrait(world, filled):
    ws = workbook(export(world, "xlsx"))["P1"]
    assert ws["A1"].value == "（2022年度）项目支出绩效自评表"
    for label in (
        "项目名称",
        "主管部门",
        "实施单位",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "执行率",
        "年度资金总额",
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
        "年度总体目标",
        "预期目标",
        "实际完成情况",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "偏差原因分析及改进措施",
        "总分",
        "等级",
    ):
        find(ws, label)
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
    header = find(ws, "一级指标").row
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.print_area and "$I$" in ws.print_area  # the supplementary columns not printed
    deviation = find(ws, "'=拆迁滞后，3个小区顺延")  # user text never becomes a formula
    assert deviation.data_type == "s"


def test_xlsx_writes_rule_scores_with_the_units_own_flagged_beside(world, filled):
    ws = workbook(export(world, "xlsx"))["P1"]
    score = find(ws, "得分").column  # the money block's 得分 comes first
    header = find(ws, "一级指标").row
    first = ws.cell(row=header + 1, column=1)
    assert first.value == "产出指标"
    rule, own = ws.cell(row=header + 1, column=7), ws.cell(row=header + 1, column=9)
    assert ws.cell(row=header, column=7).value == "得分"
    assert ws.cell(row=header, column=9).value == "单位自评得分"
    assert rule.value == 15 and own.value == 20  # 20 × 9/12 by the rules; the unit said 20
    assert "与规则不符" in own.number_format and own.font.color.rgb.endswith("C00000")
    agreeing = ws.cell(row=header + 2, column=9)
    assert agreeing.value == 10 and "不符" not in agreeing.number_format
    total = find(ws, "总分")
    assert ws.cell(row=total.row, column=7).value == pytest.approx(94.99)
    assert "与规则不符" in ws.cell(row=total.row, column=9).number_format
    money = find(ws, "年度资金总额").row
    assert ws.cell(row=money, column=score).value == pytest.approx(9.99)


def test_json_export_is_schema_objects_with_the_computed_figures(world, filled):
    items = json.loads(export(world, "json"))
    assert len(items) == 1
    item = items[0]
    parsed, errors = selfeval_from_data(item)
    assert parsed is not None and errors == []
    assert item["year"] == 2022 and item["project"]["code"] == "P1"
    first = item["indicators"][0]
    assert (first["self_score"], first["rule_score"], first["self_score_differs"]) == (
        "20.00",
        "15.00",
        True,
    )
    assert "score" in first and first["score"] is None  # the evaluator's entered score
    assert item["total"] == "94.99" and item["self_total"] == "100.00"
    assert item["self_total_differs"] is True and item["status"] == "draft"


# --- the unit's own scores -----------------------------------------------------------------------


def test_units_table_scores_are_its_own_and_flagged_where_they_break_the_rules(world, approved):
    result = do_import(world, saved(unit_table()), "自评表.xlsx")
    assert (result.rows, result.created) == (1, 1)
    selfeval = SelfEvaluation.objects.get(project=world.projects["P1"])
    assert selfeval.self_execution_score == Decimal("10") and selfeval.self_total == Decimal("100")
    assert selfeval.executed_current == Decimal("100") and selfeval.executed_carryover == Decimal(
        "20.5"
    )
    assert selfeval.goal_achieved == "完成9个"
    first = selfeval.indicators.get(position=0)
    assert first.self_score == Decimal("20") and first.score == Decimal("15.00")
    flag = next(p for p in first.problems if p["code"] == "self_score_differs")
    assert "单位自评20分" in flag["message"] and "按规则应为15.00分" in flag["message"]
    assert first.deviation == "拆迁滞后" and first.weight == Decimal("20")
    assert not any(
        p["code"] == "self_score_differs" for p in selfeval.indicators.get(position=1).problems
    )
    flags = [
        w["message"]
        for w in selfeval.result["warnings"]
        if w["code"] in ("self_score_differs", "self_total_differs")
    ]
    assert "预算执行率：单位自评10分，按规则应为9.99分" in flags
    assert "单位自评总分100分，按规则应为94.99分" in flags
    # the export shows the rule's figure in 得分 and the unit's 20, flagged, beside it
    ws = workbook(export(world, "xlsx"))["P1"]
    header = find(ws, "一级指标").row
    assert ws.cell(row=header + 1, column=7).value == 15
    assert ws.cell(row=header + 1, column=9).value == 20


def test_many_tables_in_one_file(world, approved, declare):
    approved_quickly(declare("P1A"))
    approved_quickly(declare("P2", actor=world.other))
    book = unit_table("P1")
    for code in ("P1A", "P2"):
        ws = book.copy_worksheet(book["P1"])
        ws.title = code
        find(ws, "P1").value = code
    notes = book.create_sheet("填表说明")
    notes["A1"] = "说明：每个工作表一张自评表。"
    result = do_import(world, saved(book), "三张.xlsx")
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    assert set(values()) == {"P1", "P1A", "P2"}
    by_code = {s.project.code: s for s in SelfEvaluation.objects.all()}
    assert by_code["P2"].indicators.get(position=0).self_score == Decimal("20")


# --- bad files: every problem located, nothing written ---------------------------------------------


def test_unknown_project_is_located(world, approved):
    problems = rejected(world, saved(unit_table("P9")), "t.xlsx")
    assert len(problems) == 1
    p = problems[0]
    assert (p.sheet, p.row, p.column) == ("P9", 3, "E")
    assert "没有您可填报的项目编码“P9”" in p.message


def test_project_without_approved_target_is_refused(world, declare):
    declare()  # a draft target only
    problems = rejected(world, saved(unit_table()), "t.xlsx")
    assert "没有已批复的绩效目标" in problems[0].message and problems[0].row == 3


def test_table_no_longer_editable_is_refused(world, filled):
    data = export(world, "xlsx")
    SelfEvaluation.objects.filter(pk=filled.pk).update(status=EvaluationStatus.CONFIRMED)
    problems = rejected(world, data, "t.xlsx")
    assert "已确认" in problems[0].message and problems[0].sheet == "P1"


def test_bad_numbers_are_located_and_nothing_is_written(world, filled):
    book = unit_table(scores=("二十", 10, 10, 10, 300, 10), execution="满分")
    problems = rejected(world, saved(book), "t.xlsx")
    where = {(p.row, p.column): p.message for p in problems}
    assert "“二十”不是数字" in where[(13, "G")]
    assert "0 到 100" in where[(17, "G")]
    assert "“满分”不是数字" in where[(6, "H")]
    assert all(str(p).startswith("工作表“P1”") for p in problems)


def test_bad_amount_and_unknown_indicator_are_located(world, filled):
    book = unit_table(name_of_first="改造小区数")
    book.active["E7"] = "一百"
    problems = rejected(world, saved(book), "t.xlsx")
    messages = {(p.row, p.column): p.message for p in problems}
    assert "不是有效的金额数字" in messages[(7, "E")]
    assert "没有三级指标“改造小区数”" in messages[(13, "C")]


def test_empty_files_and_wrong_templates_are_refused(world, filled, declare):
    assert "空" in rejected(world, b"", "t.xlsx")[0].message
    assert "空" in rejected(world, b"  ", "t.json")[0].message
    assert "没有项目支出绩效自评表" in rejected(world, b"[]", "t.json")[0].message
    targets = export_targets(RegionReader(world.region.path), world.region, 2022, "xlsx")
    problem = rejected(world, targets, "targets.xlsx")[0]
    assert "不是项目支出绩效自评表" in problem.message and problem.sheet == "P1"
    book = openpyxl.Workbook()
    book.active["A1"] = "单位名称"
    book.active["A2"] = "随便什么"
    assert "不是项目支出绩效自评表" in rejected(world, saved(book), "x.xlsx")[0].message


def test_json_problems_are_located_by_object_and_key(world, filled):
    items = json.loads(export(world, "json"))
    broken = json.loads(json.dumps(items[0]))
    broken["indicators"][1]["self_score"] = "十分"
    broken["budget"]["sources"][0]["executed"] = "abc"
    missing = {**items[0], "project": {"code": "P9", "name": "无此项目"}}
    not_schema = {"indicators": "none"}
    problems = rejected(world, json.dumps([broken, missing, not_schema]).encode(), "t.json")
    where = {(p.row, p.field): p.message for p in problems}
    assert "“十分”不是数字" in where[(1, "indicators[1].self_score")]
    assert "金额" in where[(1, "budget.sources[0].executed")]
    assert "P9" in where[(2, "project.code")]
    assert any(p.row == 3 and "indicators" in p.message for p in problems)


def test_total_disagreeing_with_its_sources_is_an_error(world, filled):
    book = unit_table()
    book.active["E6"] = 200
    problems = rejected(world, saved(book), "t.xlsx")
    assert (problems[0].row, problems[0].column) == (6, "E") and "不一致" in problems[0].message


# --- who may import -------------------------------------------------------------------------------


def test_a_filer_imports_own_units_and_is_refused_the_rest(world, filled):
    data = export(world, "json")
    scramble(world, filled)
    problems = rejected(world, data, "t.json", actor=world.other)
    assert "没有您可填报的项目编码“P1”" in problems[0].message
    importer = SelfEvalImporter.for_page(actor=world.filer, region=world.region)
    assert run_import(importer, data, "t.json").updated == 1
    with pytest.raises(PermissionDenied):  # the page import is for filers only
        SelfEvalImporter.for_page(actor=world.budget, region=world.region)
    problems = rejected(world, data, "t.json", actor=world.business)
    assert "只有单位填报人员" in problems[0].message


def test_the_bureau_imports_as_the_units_filer(world, filled):
    data = export(world, "json")
    scramble(world, filled)
    do_import(world, data, "t.json", actor=world.performance)
    selfeval = SelfEvaluation.objects.get(pk=filled.pk)
    assert selfeval.goal_achieved == "完成9个小区改造，3个顺延。"
    from jixiao.core.models import AuditLog

    assert AuditLog.objects.filter(action="import", actor=world.performance).exists()


def test_another_regions_reader_exports_nothing(world, filled):
    assert json.loads(export(world, "json", region=world.region_b)) == []
    ws = workbook(export(world, "xlsx", region=world.region_b)).active
    assert ws["A1"].value.endswith("项目支出绩效自评表")


# --- the command line ------------------------------------------------------------------------------


def test_cli_export_and_import(world, filled, tmp_path):
    expected = values()
    for fmt in ("xlsx", "json"):
        path = tmp_path / f"selfevals.{fmt}"
        call_command(
            "export",
            "selfevals",
            "--region",
            "100101",
            "--year",
            "2022",
            "--format",
            fmt,
            "-o",
            str(path),
            "--quiet",
        )
        scramble(world, filled)
        out = io.StringIO()
        call_command(
            "import", "selfevals", str(path), "--region", "100101", stdout=out, stderr=io.StringIO()
        )
        assert "导入成功：共 1 张表" in out.getvalue()
        assert values() == expected


def test_cli_import_with_user_is_limited_to_that_filers_units(world, filled, tmp_path):
    path = tmp_path / "selfevals.json"
    call_command(
        "export",
        "selfevals",
        "--region",
        "100101",
        "--year",
        "2022",
        "--format",
        "json",
        "-o",
        str(path),
        "--quiet",
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command(
            "import",
            "selfevals",
            str(path),
            "--region",
            "100101",
            "--user",
            "other",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "未写入任何数据" in str(info.value)
    assert "没有您可填报的项目编码“P1”" in err.getvalue()


def test_national_export_then_import_gives_the_same_self_evaluation(world, filled):
    """The national 一体化 data elements (PM_PERF_SELF_EVAL and its three tables) carry a
    self-evaluation out and back in with the same entries and the same score."""
    from jixiao.core.exports import national_bytes

    expected = values()
    data = national_bytes("selfevals", export(world, "json"))
    assert b"PM_SELF_EVAL_INDICATOR" in data and b"year_exe_amt" in data
    scramble(world, filled)
    result = do_import(world, data, "selfevals.json")
    assert (result.rows, result.updated) == (1, 1)
    assert values() == expected
    selfeval = SelfEvaluation.objects.get(pk=filled.pk)
    assert selfeval.total == Decimal("94.99") and selfeval.grade == "优"


def test_a_decimal_comma_in_an_amount_is_refused_and_sums_read_as_written(world, filled):
    book = unit_table()
    book.active["E6"] = "12,5"  # 12.5 typed the European way: 125 before
    problems = rejected(world, saved(book), "t.xlsx")
    assert (problems[0].row, problems[0].column) == (6, "E")
    assert "“12,5”不是有效的金额数字（小数点请用“.”）" in problems[0].message
    book.active["E6"] = 200.1
    problems = rejected(world, saved(book), "t.xlsx")
    assert "合计 120.5 万元" in problems[0].message and "200.1 万元" in problems[0].message
