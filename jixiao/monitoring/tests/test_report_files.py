"""Monitoring reports in files (DOMAIN.md §5, CONTRACT.md): the official 绩效运行监控表 in xlsx
and schemas/monitoring JSON out and back in through `report_save`, one transaction, located
Chinese problems, the filer's scope, and the flat alerts export."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.budgets.models import Payment
from jixiao.core.imports import run_import
from jixiao.core.models import ImportBatch
from jixiao.core.scope import RegionReader
from jixiao.core.tabular import InputRejected, read_tables
from jixiao.monitoring.excel import read_form
from jixiao.monitoring.exports import export_alerts, export_monitoring
from jixiao.monitoring.models import Alert, Report
from jixiao.monitoring.report_data import report_from_data
from jixiao.monitoring.report_import import MonitoringReportImporter
from jixiao.monitoring.services import report_save, report_transition, round_open
from jixiao.targets.models import Target
from jixiao.targets.services import target_transition

GOOD = {"overall": "优"}


@pytest.fixture
def monitoring_round(world, declare):
    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)
    # a round takes only projects with an approved target: P1A's and P2's, bare (no indicators)
    for code in ("P1A", "P2"):
        project = world.projects[code]
        Target.objects.create(
            region=world.region, year=2022, unit=project.unit, project=project, status="approved"
        )
    return round_open(
        actor=world.performance,
        region=world.region,
        year=2022,
        code="2022-07",
        name="1–7月监控",
        period_end=dt.date(2022, 7, 31),
        deadline=dt.date(2022, 8, 15),
    )


def report_of(monitoring_round, code: str) -> Report:
    return Report.objects.get(round=monitoring_round, project__code=code)


@pytest.fixture
def filled(world, monitoring_round):
    """P1 with figures and every indicator reported (a formula-like note among them), P2 with
    figures only (its approved target is bare, hence no indicators)."""
    p1 = report_of(monitoring_round, "P1")
    rows = [
        {
            "position": i,
            "progress": f"{i + 2}个",
            "expected": "按计划完成",
            "likelihood": "确定能",
            "cause": "",
            "explanation": "",
            "measures": "",
        }
        for i in range(6)
    ]
    rows[0] |= {
        "likelihood": "完全不可能",
        "cause": "经费保障",
        "explanation": "拆迁未完成",
        "measures": "=调整实施计划",
    }
    rows[4] |= {"likelihood": "有可能", "cause": "人员保障", "explanation": "人手不足\n第二行"}
    report_save(
        actor=world.filer,
        report=p1,
        executed=Decimal("70.123456"),
        expected_full_year=Decimal("120.5"),
        contract_amount=Decimal("80"),
        execution_note="上半年拨付缓慢",
        indicators=rows,
    )
    report_save(
        actor=world.other,
        report=report_of(monitoring_round, "P2"),
        executed=Decimal("12"),
        expected_full_year=Decimal("100"),
        execution_note="",
    )
    return monitoring_round


def values(monitoring_round) -> dict:
    """What a unit fills in, for every report of the round."""
    found = {}
    for report in Report.objects.filter(round=monitoring_round).order_by("project__code"):
        found[report.project.code] = (
            report.executed,
            report.expected_full_year,
            report.contract_amount,
            report.execution_note,
            report.status,
            [
                (
                    i.position,
                    i.progress,
                    i.expected,
                    i.likelihood,
                    i.cause,
                    i.explanation,
                    i.measures,
                )
                for i in report.indicators.order_by("position")
            ],
        )
    return found


def scramble(world, monitoring_round) -> None:
    """Change everything the file will bring back."""
    report_save(
        actor=world.filer,
        report=report_of(monitoring_round, "P1"),
        executed=Decimal("1"),
        expected_full_year=Decimal("2"),
        contract_amount=Decimal("3"),
        execution_note="改过",
        indicators=[
            {
                "position": i,
                "progress": "",
                "expected": "",
                "likelihood": "",
                "cause": "其他",
                "explanation": "x",
                "measures": "y",
            }
            for i in range(6)
        ],
    )
    report_save(
        actor=world.other,
        report=report_of(monitoring_round, "P2"),
        executed=None,
        expected_full_year=None,
        execution_note="改过",
    )


def export(world, fmt: str) -> bytes:
    return export_monitoring(RegionReader(world.region.path), world.region, 2022, fmt)


def do_import(world, data: bytes, name: str, actor=None, **kwargs):
    importer = MonitoringReportImporter(actor=actor or world.budget, region=world.region, **kwargs)
    return run_import(importer, data, name)


def rejected(world, monitoring_round, data: bytes, name: str, actor=None) -> list:
    """Import a file that must fail; nothing written; its problems."""
    before, batches = values(monitoring_round), ImportBatch.objects.count()
    alerts = sorted(Alert.objects.values_list("id", "status"))
    with pytest.raises(InputRejected) as info:
        do_import(world, data, name, actor=actor)
    assert values(monitoring_round) == before
    assert ImportBatch.objects.count() == batches
    assert sorted(Alert.objects.values_list("id", "status")) == alerts
    return info.value.problems


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def find(ws, text: str):
    """The cell holding `text` (a label of the form)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"no cell {text!r}")


# --- round trips -------------------------------------------------------------------------------


def test_xlsx_round_trip_many_reports_in_one_file(world, filled):
    expected = values(filled)
    data = export(world, "xlsx")
    book = workbook(data)
    assert book.sheetnames == ["P1", "P1A", "P2"]
    ws = book["P1"]
    assert ws["A1"].value == "（2022年1–7月）项目支出绩效运行监控表"
    assert find(ws, "1–7月执行数") and find(ws, "1–7月完成值") and find(ws, "全年预算（调整后）")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert find(ws, "'=调整实施计划")  # formula-safe: user text never becomes a formula
    scramble(world, filled)
    assert values(filled) != expected
    lagging = Alert.objects.filter(report__project__code="P1", code="M02").exclude(status="cleared")
    assert lagging.exists()  # 1 of 120.62 万元 executed by the end of July
    result = do_import(world, data, "monitoring.xlsx")
    assert (result.rows, result.updated) == (3, 3)
    assert values(filled) == expected
    assert not lagging.exists()  # alerts recomputed by report_save


def test_json_round_trip_is_schema_valid(world, filled):
    expected = values(filled)
    data = export(world, "json")
    items = json.loads(data)
    assert [i["project"]["code"] for i in items] == ["P1", "P1A", "P2"]
    p1 = items[0]
    assert p1["round"] == "2022-07" and p1["as_of"] == "2022-07-31"
    assert p1["budget"]["executed"] == "70.123456"
    assert p1["indicators"][0]["likelihood"] == "完全不可能"
    assert all(report_from_data(item)[1] == [] for item in items)
    scramble(world, filled)
    result = do_import(world, data, "monitoring.json")
    assert result.updated == 3
    assert values(filled) == expected


def test_json_without_round_code_matches_the_open_round_by_as_of(world, filled):
    items = json.loads(export(world, "json"))[:1]
    del items[0]["round"]
    items[0]["budget"] = {"executed": 33.5}  # only the executed amount: the rest stays
    items[0]["indicators"] = [
        {
            "category": "产出指标",
            "subcategory": "数量指标",
            "name": "改造老旧小区数量",
            "progress": {"op": ">=", "number": 7, "unit": "个"},
            "cause": ["制度保障"],
        }
    ]
    before = report_of(filled, "P1")
    do_import(world, json.dumps(items, ensure_ascii=False).encode(), "one.json")
    after = report_of(filled, "P1")
    assert after.executed == Decimal("33.5")
    assert after.expected_full_year == before.expected_full_year
    assert after.execution_note == "上半年拨付缓慢"
    first = after.indicators.get(position=0)
    assert (first.progress, first.cause, first.likelihood) == ("7个", "制度保障", "完全不可能")


def test_a_hand_made_form_with_other_wording_is_read_by_its_labels(world, monitoring_round):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "教育局"
    for row in [
        ["2022年项目支出绩效运行监控表"],
        [],
        [None, "项目代码", "P1", None, "项目名称", "项目P1"],
        [None, "监控截止日期", "2022年7月31日"],
        [None, "年初预算数", "全年预算", "截至监控期执行数", "预计全年执行数", "合同应付金额"],
        [None, 90, 120.623456, "65.5", 118, None],
        [
            None,
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "截至7月底完成值",
            "预计完成值",
            "完成可能性",
            "偏差原因",
            "偏差原因说明",
            "改进措施",
        ],
        [
            None,
            "产出指标",
            "数量指标",
            "改造老旧小区数量",
            "≥12个",
            "6个",
            "12个",
            "有可能",
            "其他",
            "雨季停工",
            "加快进度",
        ],
        [None, None, "质量指标", "工程验收合格率", "100%", "100%", "100%", "确定能"],
        [None, "填报人：张三"],
    ]:
        ws.append(row)
    do_import(world, saved(book), "hand.xlsx", actor=world.filer)
    report = report_of(monitoring_round, "P1")
    assert (report.executed, report.expected_full_year) == (Decimal("65.5"), Decimal("118"))
    rows = {i.name: i for i in report.indicators.all()}
    assert (
        rows["改造老旧小区数量"].likelihood,
        rows["改造老旧小区数量"].cause,
        rows["改造老旧小区数量"].measures,
    ) == ("有可能", "其他", "加快进度")
    assert rows["工程验收合格率"].progress == "100%"
    assert rows["居民满意度"].progress == ""  # not in the file: left as it was


def test_the_reader_finds_blocks_by_label(world, filled):
    sheets = read_tables(export(world, "xlsx"), "m.xlsx")
    form, problems = read_form(sheets[0])
    assert problems == []
    assert (form.project_code, form.round_code, form.period_end) == (
        "P1",
        "2022-07",
        dt.date(2022, 7, 31),
    )
    assert form.amounts["executed"] == Decimal("70.123456")
    assert form.amounts["full_year"] == Decimal("120.623456")
    assert len(form.indicators) == 6 and form.indicators[5]["category"] == "满意度指标"


# --- bad files: located, in Chinese, nothing written --------------------------------------------


def test_bad_xlsx_lists_every_problem_where_it_is(world, filled):
    book = workbook(export(world, "xlsx"))
    p1 = book["P1"]
    header = find(p1, "完成目标可能性")
    p1.cell(row=header.row + 1, column=header.column, value="可能吧")
    cause = find(p1, "偏差原因")
    p1.cell(row=header.row + 2, column=cause.column, value="资金不足")
    p1.cell(row=header.row + 3, column=cause.column, value="经费保障、人员保障")
    executed = find(p1, "1–7月执行数")
    p1.cell(row=executed.row + 1, column=executed.column, value=-5)
    name = find(p1, "三级指标")
    p1.cell(row=header.row + 6, column=name.column, value="不存在的指标")
    p2 = book["P2"]
    code = find(p2, "项目编码")
    p2.cell(row=code.row, column=code.column + 1, value="NOPE")
    p1a = book["P1A"]
    batch = find(p1a, "监控批次")
    p1a.cell(row=batch.row, column=batch.column + 1, value="2099-01")
    problems = rejected(world, filled, saved(book), "bad.xlsx")
    text = {(p.sheet, p.row, p.column): p.message for p in problems}
    letter = header.column_letter
    assert "确定能、有可能、完全不可能" in text[("P1", header.row + 1, letter)]
    assert "资金不足" in text[("P1", header.row + 2, cause.column_letter)]
    assert "只能选一个" in text[("P1", header.row + 3, cause.column_letter)]
    assert "负数" in text[("P1", executed.row + 1, executed.column_letter)]
    assert "不存在的指标" in text[("P1", header.row + 6, name.column_letter)]
    assert "NOPE" in text[("P2", code.row, "G")]
    assert "没有监控批次“2099-01”" in text[("P1A", batch.row, "B")]


@pytest.mark.parametrize(
    "change, needle, field",
    [
        (lambda o: o.update(round="NOPE"), "没有监控批次", "round"),
        (lambda o: o.update(round=None, as_of="2022-06-30"), "进行中的监控批次", "as_of"),
        (lambda o: o.update(as_of="2022-06-30"), "不一致", "as_of"),
        (
            lambda o: o["project"].update(code="NOPE"),
            "没有您可填报的项目编码“NOPE”",
            "project.code",
        ),
        (
            lambda o: o["budget"].update(expected_full_year="-1"),
            "负数",
            "budget.expected_full_year",
        ),
        (lambda o: o["budget"].update(executed="12.1234567"), "6 位小数", "budget.executed"),
        (lambda o: o["budget"].update(executed="abc"), "不是数字", "budget.executed"),
        (
            lambda o: o["indicators"][1].update(likelihood="能"),
            "完成目标可能性“能”",
            "indicators[1].likelihood",
        ),
        (
            lambda o: o["indicators"][1].update(cause="资金"),
            "偏差原因“资金”",
            "indicators[1].cause",
        ),
        (
            lambda o: o["indicators"][1].update(cause=["其他", "经费保障"]),
            "只能选一个",
            "indicators[1].cause",
        ),
        (
            lambda o: o["indicators"][1].update(progress="很" * 201),
            "内容过长",
            "indicators[1].progress",
        ),
    ],
)
def test_bad_json_objects_are_located(world, filled, change, needle, field):
    items = json.loads(export(world, "json"))
    change(items[0])
    problems = rejected(world, filled, json.dumps(items, ensure_ascii=False).encode(), "bad.json")
    hit = [p for p in problems if needle in p.message]
    assert hit, problems
    assert (hit[0].sheet, hit[0].row, hit[0].field) == ("JSON", 1, field)


def test_not_a_monitoring_form(world, filled):
    book = openpyxl.Workbook()
    book.active.append(["单位编码", "单位名称"])
    problems = rejected(world, filled, saved(book), "units.xlsx")
    assert "这不是项目支出绩效运行监控表" in problems[0].message
    problems = rejected(world, filled, b"{not json", "x.json")
    assert "JSON 格式错误" in problems[0].message


def test_the_same_report_twice_in_one_file(world, filled):
    items = json.loads(export(world, "json"))
    problems = rejected(world, filled, json.dumps([items[0], items[0]]).encode(), "dup.json")
    assert problems[0].row == 2 and "第 1 个对象" in problems[0].message


def test_a_submitted_report_is_refused(world, filled):
    data = export(world, "xlsx")
    p1 = report_of(filled, "P1")
    report_transition(actor=world.filer, report=p1, name="complete")
    report_transition(actor=world.leader, report=p1, name="submit", attest=True)
    problems = rejected(world, filled, data, "m.xlsx")
    assert [(p.sheet, p.field) for p in problems] == [("P1", "项目编码")]
    assert "业务股室初审中" in problems[0].message and "不能通过导入修改" in problems[0].message


def test_execution_from_payments_cannot_be_overwritten(world, filled):
    Payment.objects.create(project=world.projects["P2"], month=3, amount=Decimal("9"))
    Report.objects.filter(round=filled, project__code="P2").update(
        executed=Decimal("9"), execution_from_payments=True
    )
    items = [i for i in json.loads(export(world, "json")) if i["project"]["code"] == "P2"]
    do_import(world, json.dumps(items).encode(), "same.json")  # the same figure: fine
    items[0]["budget"]["executed"] = "10"
    problems = rejected(world, filled, json.dumps(items).encode(), "diff.json")
    assert "国库支付数据" in problems[0].message


def test_a_closed_round_is_refused(world, filled):
    data = export(world, "json")
    filled.status = "closed"
    filled.save()
    problems = rejected(world, filled, data, "m.json")
    assert "已结束" in problems[0].message


# --- who may import ------------------------------------------------------------------------------


def test_a_filer_of_u2_cannot_import_u1s_report(world, filled):
    items = json.loads(export(world, "json"))
    p1 = [i for i in items if i["project"]["code"] == "P1"]
    problems = rejected(world, filled, json.dumps(p1).encode(), "p1.json", actor=world.other)
    assert "没有您可填报的项目编码“P1”" in problems[0].message
    with pytest.raises(PermissionDenied):  # the page import is for filers only
        MonitoringReportImporter.for_page(actor=world.budget, region=world.region)


def test_a_filer_imports_own_units_and_is_refused_the_rest(world, filled):
    items = json.loads(export(world, "json"))
    mine = [i for i in items if i["project"]["code"] in ("P1", "P1A")]
    importer = MonitoringReportImporter.for_page(actor=world.filer, region=world.region)
    assert run_import(importer, json.dumps(mine).encode(), "mine.json").updated == 2
    problems = rejected(world, filled, json.dumps(items).encode(), "all.json", actor=world.filer)
    assert [p.row for p in problems] == [3]  # P2 belongs to U2


def test_the_bureau_imports_as_each_units_filer(world, filled):
    data = export(world, "json")
    scramble(world, filled)
    do_import(world, data, "all.json", actor=world.performance)
    assert report_of(filled, "P2").execution_note == ""
    assert report_of(filled, "P1").execution_note == "上半年拨付缓慢"
    with pytest.raises(InputRejected):  # other roles may not
        do_import(world, data, "all.json", actor=world.business)


# --- the command line ------------------------------------------------------------------------------


def test_cli_export_and_import(world, filled, tmp_path):
    expected = values(filled)
    for fmt in ("xlsx", "json"):
        path = tmp_path / f"monitoring.{fmt}"
        call_command(
            "export",
            "monitoring",
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
            "import",
            "monitoring",
            str(path),
            "--region",
            "100101",
            stdout=out,
            stderr=io.StringIO(),
        )
        assert "导入成功：共 3 张表" in out.getvalue()
        assert values(filled) == expected


def test_cli_import_with_user_is_limited_to_that_filers_units(world, filled, tmp_path):
    path = tmp_path / "monitoring.json"
    call_command(
        "export",
        "monitoring",
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
            "monitoring",
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


def test_alerts_export_flat_xlsx_and_json(world, filled, tmp_path):
    items = json.loads(export_alerts(RegionReader(world.region.path), world.region, 2022, "json"))
    codes = {(i["project"]["code"], i["code"]) for i in items}
    assert ("P1", "M04") in codes and ("P2", "M01") in codes
    m04 = next(i for i in items if i["code"] == "M04" and i["indicator"] == 0)
    assert m04["level"] == "red" and m04["round"] == "2022-07" and m04["status"] == "open"
    path = tmp_path / "alerts.xlsx"
    call_command(
        "export",
        "alerts",
        "--region",
        "100101",
        "--year",
        "2022",
        "--format",
        "xlsx",
        "-o",
        str(path),
        "--quiet",
    )
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[2]][:3] == ["预警代码", "等级", "区划"]
    assert ws.max_row == 2 + len(items)
    other_region = export_alerts(RegionReader(world.region_b.path), world.region_b, 2022, "json")
    assert json.loads(other_region) == []
