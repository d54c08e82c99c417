"""The import of audit findings (xlsx, CSV): a good file writes every finding with its draft
rectification; any bad row writes nothing and lists every problem at its row and column; the
nasty inputs a real file brings (a merged title row, blank lines, full-width digits, dates as
text or Excel serials, amounts with 万元 and commas, unknown codes, repeated rows, formulas);
the template; the command `jixiao import audit-findings`."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from jixiao.core.imports import run_import
from jixiao.core.tabular import InputRejected
from jixiao.results.audit_import import AuditFindingImporter, report_day
from jixiao.results.models import AuditFinding, Rectification

pytestmark = pytest.mark.django_db

HEADER = [
    "单位编码",
    "单位名称",
    "项目编码",
    "审计报告",
    "文号",
    "报告日期",
    "存在问题",
    "审计建议",
    "涉及金额（万元）",
]
REPORT = "关于甲区2021年度区级预算执行情况的审计报告"


def good_rows():
    return [
        ["U1", "甲区教育局", "P1", REPORT, "甲审报〔2022〕5号", "2022-05-10",
         "项目资金未按合同约定支付", "按合同约定支付", "12.5"],
        ["U2", "甲区城管局", "", REPORT, "甲审报〔2022〕5号", "2022-05-10",
         "结余资金未及时清理", "清理结余资金", ""],
    ]  # fmt: skip


def xlsx(rows, *, title: str | None = None, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "审计发现"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(world, data: bytes, name="审计发现.xlsx", actor=None):
    importer = AuditFindingImporter(actor=actor or world.performance, region=world.region)
    return run_import(importer, data, name)


def rejected(world, data: bytes, name="审计发现.xlsx") -> list:
    with pytest.raises(InputRejected) as caught:
        run(world, data, name)
    assert not AuditFinding.objects.exists() and not Rectification.objects.exists()
    return caught.value.problems


def test_a_good_file_writes_each_finding_with_its_draft_rectification(world):
    result = run(world, xlsx(good_rows()))
    assert (result.rows, result.created) == (2, 2)
    first = AuditFinding.objects.get(unit=world.units["U1"])
    assert first.project == world.projects["P1"]
    assert first.amount == Decimal("12.5") and first.year == 2022
    assert first.report_date == date(2022, 5, 10)
    assert AuditFinding.objects.get(unit=world.units["U2"]).amount is None
    rows = Rectification.objects.order_by("unit__code")
    assert [(r.unit.code, r.source, r.status) for r in rows] == [
        ("U1", "audit", "draft"),
        ("U2", "audit", "draft"),
    ]
    assert rows[0].required_action == "按合同约定支付"


def test_a_file_with_bad_rows_writes_nothing_and_locates_every_problem(world):
    rows = good_rows() + [
        ["U9", "", "", REPORT, "", "2022-05-10", "问题甲", "建议甲", ""],
        ["U1", "", "NOPE", REPORT, "", "2022-13-40", "问题乙", "建议乙", "-3"],
        ["U1", "", "P2", REPORT, "", "2099-01-01", "问题丙", "建议丙", "十万"],
    ]
    problems = rejected(world, xlsx(rows))
    located = {(p.row, p.column) for p in problems}
    assert (4, "A") in located  # U9: no such unit
    assert (5, "F") in located  # month 13
    assert (5, "I") in located  # negative amount
    assert (6, "I") in located  # 十万 is not a number
    texts = "\n".join(str(p) for p in problems)
    assert "找不到单位编码“U9”" in texts
    assert "工作表“审计发现” 第 5 行 I 列" in texts
    assert "金额不能为负数" in texts


def test_the_checks_needing_the_database_are_listed_together(world):
    rows = good_rows() + [
        ["U1", "", "NOPE", REPORT, "", "2022-05-10", "问题乙", "建议乙", ""],
        ["U1", "", "P2", REPORT, "", "2022-05-10", "问题丙", "建议丙", ""],
        ["U2", "", "", REPORT, "", "2099-01-01", "问题己", "建议己", ""],
        ["U1", "甲区城管局", "", REPORT, "", "2022-05-10", "问题丁", "建议丁", ""],
        ["", "", "", REPORT, "", "2022-05-10", "问题戊", "", ""],
    ]
    problems = rejected(world, xlsx(rows))
    by_place = {(p.row, p.column): p.message for p in problems}
    assert "找不到 2022 年度的项目“NOPE”" in by_place[(4, "C")]
    assert "不是单位" in by_place[(5, "C")]
    assert "晚于今天" in by_place[(6, "F")]
    assert "不一致" in by_place[(7, "B")]
    assert "至少填写一项" in by_place[(8, "A")]


def test_nasty_but_meant_inputs_are_read_as_meant(world):
    rows = [
        ["Ｕ１", None, "Ｐ１", REPORT, "甲审报〔2022〕5号", "２０２２年５月１０日",
         "问题一", "建议一", "1,234.5万元"],
        [None] * 9,
        ["U2", "甲区城管局", None, REPORT, None, 44691, "问题二", "建议二", "１２"],
        ["", "甲区城管局", None, REPORT, None, "2022/5/10", "问题三", "建议三", "0"],
        ["U1", None, None, REPORT, None, "20220510", "问题四", "建议四", None],
    ]  # fmt: skip
    result = run(world, xlsx(rows, title="甲区审计局 审计发现问题清单（2022年）"))
    assert result.created == 4
    found = {f.problem: f for f in AuditFinding.objects.all()}
    assert found["问题一"].unit == world.units["U1"]
    assert found["问题一"].project == world.projects["P1"]
    assert found["问题一"].amount == Decimal("1234.5")
    assert found["问题二"].report_date == date(2022, 5, 10)  # Excel serial 44691
    assert found["问题二"].amount == Decimal("12")
    assert found["问题三"].unit == world.units["U2"]  # by its name alone
    assert {f.report_date for f in found.values()} == {date(2022, 5, 10)}


def test_a_csv_in_gbk_is_read_too(world):
    data = csv(good_rows()).decode().encode("gb18030")
    result = run(world, data, name="审计发现.csv")
    assert result.created == 2


def test_repeated_rows_and_rows_imported_before_are_refused(world):
    row = good_rows()[0]
    problems = rejected(world, xlsx([row, row]))
    assert [(p.row, p.column) for p in problems] == [(3, "G")]
    assert "与第 2 行重复" in problems[0].message
    run(world, xlsx([row]))
    with pytest.raises(InputRejected) as caught:
        run(world, xlsx([row]))
    assert "已经导入过" in caught.value.problems[0].message
    assert AuditFinding.objects.count() == 1


def csv(rows) -> bytes:
    lines = [HEADER] + rows
    return "\n".join(",".join(f'"{v}"' if "," in v else v for v in row) for row in lines).encode()


def test_formula_text_is_refused_and_a_formula_cell_is_read_by_its_value(world):
    rows = [
        ["U1", "", "", REPORT, "", "2022-05-10", '=HYPERLINK("http://x")', "建议", ""],
        ["U1", "", "", REPORT, "", "2022-05-10", "@SUM(A1)", "建议", ""],
        ["U1", "", "", REPORT, "", "2022-05-10", "问题", "+cmd|' /C calc'!A0", ""],
        ["U1", "", "", REPORT, "", "2022-05-10", "问题", "- 按合同约定支付", ""],
    ]
    problems = rejected(world, csv(rows), name="审计发现.csv")
    assert {(p.row, p.column) for p in problems} == {(2, "G"), (3, "G"), (4, "H")}
    assert all("公式" in p.message for p in problems)
    # In a workbook a formula is a formula: its value counts (none stored here: an empty cell).
    cell = ["U1", None, None, REPORT, None, "2022-05-10", "=A1", "建议", None]
    problems = rejected(world, xlsx([cell]))
    assert [(p.row, p.column, p.message) for p in problems] == [(2, "G", "必填项为空")]


def test_script_text_is_kept_as_plain_text(world):
    row = ["U1", None, None, REPORT, None, "2022-05-10", "<script>alert(1)</script>", "建议", None]
    run(world, xlsx([row]))
    assert AuditFinding.objects.get().problem == "<script>alert(1)</script>"


def test_not_the_template_is_refused_with_the_required_columns(world):
    problems = rejected(world, xlsx([["a", "b"]], header=["姓名", "电话"]))
    assert "找不到表头" in problems[0].message
    assert "审计报告" in problems[0].message


def test_only_the_performance_office_may_import(world):
    importer = AuditFindingImporter(actor=world.auditor, region=world.region)
    with pytest.raises(InputRejected) as caught:
        run_import(importer, xlsx(good_rows()), "审计发现.xlsx")
    assert "只有绩效办" in caught.value.problems[0].message
    assert not AuditFinding.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-10-15", date(2021, 10, 15)),
        ("2021年10月15日", date(2021, 10, 15)),
        ("２０２１．１０．１５", date(2021, 10, 15)),
        ("20211015", date(2021, 10, 15)),
        (44484, date(2021, 10, 15)),
        ("44484", date(2021, 10, 15)),
        (44484.0, date(2021, 10, 15)),
    ],
)
def test_report_dates_in_their_usual_forms(value, expected):
    assert report_day(value) == expected


@pytest.mark.parametrize("value", ["2021-02-30", "下月", 12, "15/10/2021"])
def test_what_is_no_date_is_refused(value):
    from jixiao.core.imports import CellError

    with pytest.raises(CellError):
        report_day(value)


def test_the_import_page_imports_and_lists_problems(world, client_for):
    client = client_for("performance")
    url = reverse("audit-finding-import")
    template = client.get(url, {"template": "1"})
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book.active[2]][:9] == HEADER
    bad = io.BytesIO(xlsx([["U9", "", "", REPORT, "", "2022-05-10", "问题", "建议", ""]]))
    bad.name = "审计发现.xlsx"
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "找不到单位编码“U9”" in response.content.decode()
    good = io.BytesIO(xlsx(good_rows()))
    good.name = "审计发现.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 302 and AuditFinding.objects.count() == 2


def test_the_command_imports_as_the_named_office_user(world, tmp_path):
    path = tmp_path / "审计发现.xlsx"
    path.write_bytes(xlsx(good_rows()))
    call_command("import", "audit-findings", str(path), region="100101", user="performance")
    assert AuditFinding.objects.count() == 2


def test_a_json_list_is_read_by_the_columns_keys(world):
    import json

    items = [
        {
            "unit_code": "U1",
            "report_title": REPORT,
            "report_date": "2022-05-10",
            "problem": "问题一",
            "recommendation": "建议一",
            "amount": 3.25,
        }
    ]
    result = run(world, json.dumps(items, ensure_ascii=False).encode(), name="审计发现.json")
    assert result.created == 1
    assert AuditFinding.objects.get().amount == Decimal("3.25")
