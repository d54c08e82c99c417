"""Targets in and out of Excel and JSON: the official form (项目支出绩效目标申报表), the
import that reads it by its labels, the export that writes it, and their round trip."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.budgets.models import FiscalYear
from jixiao.core import audit
from jixiao.core.exports import workbook_bytes
from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog, ImportBatch
from jixiao.core.scope import RegionReader
from jixiao.core.tabular import InputRejected
from jixiao.targets import adapters
from jixiao.targets.excel import DeclarationForm, forms_workbook
from jixiao.targets.exports import export_targets
from jixiao.targets.importers import TargetImporter
from jixiao.targets.models import Indicator, Target, TargetStatus
from jixiao.targets.services import refresh_findings, target_create, target_save
from jixiao.testing import AMOUNTS, GOOD_ROWS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RICH_ROWS = [
    {
        **GOOD_ROWS[0],
        "weight": "20",
        "basis": "计划标准",
        "explanation": "按竣工验收的小区数统计",
        "source": "竣工验收报告",
    },
    {**GOOD_ROWS[1], "weight": "10.5", "basis": "行业标准"},
    {**GOOD_ROWS[2], "weight": "10"},
    {**GOOD_ROWS[3], "weight": "10", "explanation": "=SUM(A1:A9) 不是公式"},
    {**GOOD_ROWS[4], "weight": "30", "source": "-住户台账"},
    {**GOOD_ROWS[5], "weight": "10", "basis": "历史标准"},
]
FIELDS = (
    "category",
    "subcategory",
    "name",
    "value_text",
    "unit",
    "weight",
    "explanation",
    "basis",
    "source",
    "operator",
    "number",
    "deadline",
)


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Target, Indicator, ImportBatch)}


def declarations() -> dict:
    """Every current declaration as plain data, keyed by project code (or unit)."""
    found = {}
    for t in Target.objects.current().select_related("project", "unit"):
        key = t.project.code if t.project_id else f"unit:{t.unit.code}"
        found[key] = {
            "year": t.year,
            "unit": t.unit.code,
            "status": t.status,
            "goal": t.goal,
            "medium_term_goal": t.medium_term_goal,
            "serves_public": t.serves_public,
            "amounts": [t.amount_total, t.amount_current, t.amount_carryover, t.amount_other],
            "indicators": [
                tuple(getattr(i, f) for f in FIELDS) for i in t.indicators.order_by("position")
            ],
        }
    return found


def form(code="P1", rows=GOOD_ROWS, **extra) -> DeclarationForm:
    values = {
        "year": 2022,
        "region_code": "100101",
        "project_code": code,
        "project_name": f"项目{code}",
        "goal": "完成改造。",
        "amounts": {
            "total": Decimal("120.5"),
            "current": Decimal("100"),
            "carryover": Decimal("20.5"),
            "other": None,
        },
        "indicators": [dict(r) for r in rows],
        **extra,
    }
    return DeclarationForm(**values)


def book_bytes(*forms: DeclarationForm) -> bytes:
    return workbook_bytes(forms_workbook(forms))


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def importer(world, user="filer", **kwargs) -> TargetImporter:
    return TargetImporter(actor=world.users[user], region=world.region, **kwargs)


def imported(world, data: bytes, name="targets.xlsx", user="filer", **kwargs):
    return run_import(importer(world, user, **kwargs), data, name)


def rejected(world, data: bytes, name="targets.xlsx", user="filer", **kwargs) -> list:
    """Import a file that must fail: nothing written; its problems."""
    before = counts()
    with pytest.raises(InputRejected) as exc:
        imported(world, data, name, user, **kwargs)
    assert counts() == before
    return exc.value.problems


def text_of(problems) -> str:
    return "\n".join(str(p) for p in problems)


def cell_right_of(ws, label: str):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:  # the value cell: the next one that is not merged over
                column = cell.column + 1
                while type(ws.cell(row=cell.row, column=column)).__name__ == "MergedCell":
                    column += 1
                return ws.cell(row=cell.row, column=column)
    raise AssertionError(label)


def declare_unit_target(world, *, goal="完成年度重点工作。"):
    target = target_create(actor=world.filer, year=2022, unit=world.units["U1"])
    return target_save(
        actor=world.filer,
        target=target,
        goal=goal,
        amounts=AMOUNTS,
        serves_public=False,
        indicators=GOOD_ROWS,
    )


# --- the template ---------------------------------------------------------------------------------


def test_blank_template_opens_in_openpyxl_with_the_official_labels(world, client_for):
    response = client_for("filer").get("/targets/import/?template=project")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load(response.content)
    assert len(book.worksheets) == 1
    ws = book.active
    values = {c.value for row in ws.iter_rows() for c in row if c.value}
    assert ws["A1"].value == "（2022年度）项目支出绩效目标申报表"
    for label in (
        "项目名称",
        "项目编码",
        "主管部门",
        "实施单位",
        "项目属性",
        "项目类别",
        "资金情况（万元）",
        "资金总额",
        "当年财政拨款",
        "上年结转资金",
        "其他资金",
        "年度总体目标",
        "中期目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "度量单位",
        "分值",
        "指标值确定依据",
        "指标解释",
    ):
        assert label in values, label
    assert {"数量指标", "质量指标", "时效指标", "成本指标", "服务对象满意度指标"} <= values
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows and "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A11"].border.left.style == "thin"


def test_unit_template_is_the_whole_unit_form_and_any_user_may_download_it(world, client_for):
    response = client_for("budget").get("/targets/import/?template=unit")
    ws = load(response.content).active
    assert ws["A1"].value == "（2022年度）部门整体支出绩效目标申报表"
    assert cell_right_of(ws, "单位编码").value is None


def test_filled_in_template_imports_by_its_labels(world, client_for):
    ws_book = load(client_for("filer").get("/targets/import/?template=project").content)
    ws = ws_book.active
    cell_right_of(ws, "项目编码").value = "P1"
    cell_right_of(ws, "年度总体目标").value = "完成12个小区改造。"
    first = next(r for r in ws.iter_rows() if r[0].value == "一级指标")[0].row + 1
    for offset, row in enumerate(GOOD_ROWS[:4]):  # the prefilled rows of 产出指标
        ws.cell(row=first + offset, column=3, value=row["name"])
        ws.cell(row=first + offset, column=4, value=row["value_text"])
    result = imported(world, workbook_bytes(ws_book))
    target = Target.objects.get(project=world.projects["P1"])
    assert (result.created, target.goal) == (1, "完成12个小区改造。")
    assert [i.name for i in target.indicators.order_by("position")] == [
        r["name"] for r in GOOD_ROWS[:4]
    ]  # the unused prefilled rows are left out
    assert target.amount_current == world.projects["P1"].initial_current  # blank: the budget


def test_targets_list_offers_the_import_to_filers_only(world, client_for, declare):
    declare()
    assert "/targets/import/" in client_for("filer").get("/targets/").content.decode()
    assert "/targets/import/" not in client_for("budget").get("/targets/").content.decode()


# --- round trips ----------------------------------------------------------------------------------


@pytest.fixture
def three_declarations(world, declare):
    """P1 (rich grid, two goals), P1A (level-2 unit) and the whole unit U1."""
    p1 = declare("P1", rows=RICH_ROWS, goal="完成12个老旧小区改造，\n改善居住环境。")
    Target.objects.filter(pk=p1.pk).update(medium_term_goal="三年完成全部老旧小区改造。")
    declare("P1A")
    declare_unit_target(world)
    return declarations()


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_export_then_import_gives_the_same_declarations(world, three_declarations, fmt):
    data = export_targets(RegionReader(world.region.path), world.region, 2022, fmt)
    Target.objects.all().delete()
    result = imported(world, data, f"targets.{fmt}")
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    assert declarations() == three_declarations


def test_json_export_is_a_list_of_schema_objects_with_money_as_strings(world, three_declarations):
    items = json.loads(export_targets(RegionReader(world.region.path), world.region, 2022, "json"))
    p1 = next(i for i in items if i.get("project", {}).get("code") == "P1")
    assert p1["amounts"] == {
        "total": "120.623456",
        "current": "100.123456",
        "carryover": "20.500000",
        "other": None,
    }
    assert p1["indicators"][0] == {
        "category": "产出指标",
        "subcategory": "数量指标",
        "name": "改造老旧小区数量",
        "target": "≥12个",
        "unit": "个",
        "weight": "20.00",
        "basis": "计划标准",
        "explanation": "按竣工验收的小区数统计",
        "source": "竣工验收报告",
    }
    unit = next(i for i in items if "project" not in i)
    assert unit["unit"]["code"] == "U1" and unit["serves_public"] is False


def test_export_writes_user_text_as_text_never_as_a_formula(world, three_declarations):
    data = export_targets(RegionReader(world.region.path), world.region, 2022, "xlsx")
    ws = load(data)["P1"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if "SUM(A1:A9)" in c.value or "住户台账" in c.value]
    assert {c.value for c in risky} == {"'=SUM(A1:A9) 不是公式", "'-住户台账"}
    assert all(c.data_type == "s" for c in risky)


def test_export_names_sheets_by_project_code_and_keeps_print_settings(world, three_declarations):
    book = load(export_targets(RegionReader(world.region.path), world.region, 2022, "xlsx"))
    assert sorted(book.sheetnames) == ["P1", "P1A", "U1整体"]
    ws = book["P1"]
    assert ws["A1"].value == "（2022年度）项目支出绩效目标申报表"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows
    assert book["U1整体"]["A1"].value == "（2022年度）部门整体支出绩效目标申报表"


def test_list_page_export_downloads_the_filtered_rows(world, client_for, three_declarations):
    response = client_for("budget").get("/targets/?subject=project&export=xlsx")
    assert response["Content-Type"] == XLSX
    assert sorted(load(response.content).sheetnames) == ["P1", "P1A"]


def test_many_declarations_in_one_file_create_and_replace_drafts(world, declare):
    declare("P1")
    returned = declare("P2", actor=world.other)
    Target.objects.filter(pk=returned.pk).update(status=TargetStatus.RETURNED)
    rows = [{**GOOD_ROWS[0], "value_text": "≥20个"}, *GOOD_ROWS[1:]]
    data = book_bytes(form("P1", rows), form("P1A"), form("P2", rows))
    result = imported(world, data, user="budget")
    assert (result.rows, result.created, result.updated) == (3, 1, 2)
    found = declarations()
    assert (
        found["P1"]["status"] == TargetStatus.DRAFT
        and found["P2"]["status"] == TargetStatus.RETURNED
    )
    assert found["P2"]["indicators"][0][3] == "≥20个"
    assert Target.objects.filter(pk=returned.pk).exists()  # replaced in place, not re-created
    (entry,) = AuditLog.objects.filter(batch=result.batch_id, object_type="targets.target")
    assert sorted(e.action for e in audit.expand(entry)) == ["create", "update", "update"]
    (p2,) = [
        e
        for e in audit.object_history("targets.target", returned.pk)
        if str(e.batch) == result.batch_id
    ]
    assert p2.actor == world.budget and p2.before["indicators"][0]["value_text"] == "≥12个"
    assert p2.after["indicators"][0]["value_text"] == "≥20个"


def test_a_replaced_grid_unlinks_the_indicator_that_supported_one_of_its_rows(world, declare):
    target = declare("P1")
    other = declare("P1A")
    supported = target.indicators.order_by("position").first()
    Indicator.objects.filter(target=other, position=0).update(supports=supported)
    rows = [{**GOOD_ROWS[0], "value_text": "≥20个"}, *GOOD_ROWS[1:]]
    result = imported(world, book_bytes(form("P1", rows)), user="budget")
    assert (result.created, result.updated) == (0, 1)
    assert not Indicator.objects.filter(pk=supported.pk).exists()
    assert Indicator.objects.get(target=other, position=0).supports_id is None
    stored = Target.objects.get(pk=target.pk).indicators.order_by("position")
    assert [i.value_text for i in stored][:1] == ["≥20个"] and len(stored) == len(GOOD_ROWS)


def test_imported_findings_are_those_of_a_save_without_the_context_checks(world, declare):
    declare("P1")
    rows = [{**r, "value_text": "/"} if i == 0 else r for i, r in enumerate(GOOD_ROWS)]
    imported(world, book_bytes(form("P1", rows, goal="")))
    target = Target.objects.get(project=world.projects["P1"])
    codes = {f["code"] for f in target.findings}
    assert {"T02", "T09"} <= codes and target.blocking_count >= 2
    stored = target.findings
    refreshed = refresh_findings(target).findings
    assert stored == [f for f in refreshed if f["code"] not in ("T13", "T15", "T17")]


def test_imported_rows_are_stored_as_the_declaration_form_stores_them(world, declare):
    saved = declarations()
    declare("P1", rows=RICH_ROWS)
    by_service = declarations()["P1"]["indicators"]
    Target.objects.all().delete()
    assert declarations() == saved
    imported(world, book_bytes(form("P1", RICH_ROWS)))
    assert declarations()["P1"]["indicators"] == by_service
    parsed = adapters.parse_rows(Target(year=2022), RICH_ROWS)
    assert [r["operator"] for r in parsed] == [i[9] for i in by_service]


def test_imported_none_reads_by_each_rows_name_as_the_form_stores_it(world, declare):
    """The import remembers a value by its text: "无" under an incident count is "= 0" and
    under another name is missing (the same text, read by each row's name), and a repeated
    "≥12个" is read once with each row keeping it, as a save stores them."""
    rows = [
        *RICH_ROWS,
        {**GOOD_ROWS[4], "name": "安全事故发生起数", "value_text": "无", "weight": "5"},
        {**GOOD_ROWS[4], "name": "带动就业人数", "value_text": "无", "weight": "5"},
        {**GOOD_ROWS[0], "name": "新增停车位数量", "value_text": "≥12个", "weight": "5"},
    ]
    declare("P1", rows=rows)
    by_service = declarations()["P1"]["indicators"]
    Target.objects.all().delete()
    imported(world, book_bytes(form("P1", rows)))
    stored = declarations()["P1"]["indicators"]
    assert stored == by_service
    incident, other = stored[6], stored[7]
    assert (incident[2], incident[3], incident[9], incident[10]) == (
        "安全事故发生起数", "无", "=", Decimal("0"),
    )  # fmt: skip
    assert (other[2], other[3], other[9], other[10]) == ("带动就业人数", "无", "", None)
    assert (stored[8][9], stored[8][10]) == (">=", Decimal("12"))


def test_real_world_layout_is_read_by_labels(world):
    """Rows moved, a note inside the block, a leading 绩效指标 column, columns swapped,
    merged 一级 cells, loose category names, numbers typed as numbers, notes below."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "教育局项目"
    lines = [
        ["附件2"],
        [None, "2022年度项目支出绩效目标申报表"],
        [None, "填报单位（盖章）：甲区教育局"],
        [None, "项目名称", "项目P1", None, "项目编码（必填）", "P1"],
        [None, "其中：财政拨款", 80, None, "资金总额", "100"],
        [None, "上年结转", 20, None, "其他资金", None],
        [None, "年度目标", "改造12个小区"],
        [None, "是否有服务对象", "否"],
        [],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "度量单位", "指标值（目标值）", "权重"],
        [None, "产出指标(50分)", "数量值", "改造小区数", "个", 12, 20],
        [None, None, "质量", "验收合格率", None, "100%", 10],
        [None, None, "时效指标（必填）", "完成时间", None, "12月底前", 10],
        [None, "效益", "社会效益", "注册居民受益户数", "户", "≥1200", 30],
        [],
        [None, "注：1. 指标值请写明计算符号。"],
        [None, "满意度指标", "满意度", "不应读到这一行", None, "≥90%", None],
    ]
    for line in lines:
        ws.append(line)
    ws.merge_cells("B11:B13")
    result = imported(world, workbook_bytes(book))
    target = Target.objects.get(project=world.projects["P1"])
    assert result.created == 1 and target.goal == "改造12个小区" and not target.serves_public
    assert (target.amount_total, target.amount_current, target.amount_carryover) == (
        Decimal("100"),
        Decimal("80"),
        Decimal("20"),
    )
    rows = list(
        target.indicators.order_by("position").values_list(
            "category", "subcategory", "name", "value_text", "unit", "weight"
        )
    )
    assert rows == [
        ("产出指标", "数量指标", "改造小区数", "12", "个", Decimal("20.00")),
        ("产出指标", "质量指标", "验收合格率", "100%", "%", Decimal("10.00")),
        ("产出指标", "时效指标", "完成时间", "12月底前", "", Decimal("10.00")),
        ("效益指标", "社会效益指标", "注册居民受益户数", "≥1200", "户", Decimal("30.00")),
    ]


# --- bad files: a located message in Chinese, nothing written ------------------------------------


def test_unknown_project_code_is_located_and_nothing_is_written(world):
    problems = rejected(world, book_bytes(form("P1"), form("P9")))
    assert len(problems) == 1
    p = problems[0]
    assert (p.sheet, p.row, p.column, p.field) == ("P9", 3, "G", "项目编码")
    assert "找不到您可填报的项目编码“P9”" in p.message


def test_submitted_target_is_never_touched(world, declare):
    target = declare("P1")
    Target.objects.filter(pk=target.pk).update(status=TargetStatus.SUBMITTED)
    before = declarations()
    problems = rejected(world, book_bytes(form("P1", goal="改一改")), user="budget")
    assert "业务股室初审中" in text_of(problems) and "不能通过导入修改" in text_of(problems)
    assert declarations() == before


def test_sheet_that_is_not_a_declaration_is_refused_with_its_name(world):
    book = forms_workbook([form("P1")])
    other = book.create_sheet("花名册")
    other.append(["姓名", "年龄"])
    other.append(["张三", 30])
    book.create_sheet("填表说明").append(["请按模板填写"])  # a notes sheet is skipped
    problems = rejected(world, workbook_bytes(book))
    assert [p.sheet for p in problems] == ["花名册"]
    assert "不是绩效目标申报表" in problems[0].message


def test_sheet_without_an_indicator_table_is_refused(world):
    book = forms_workbook([form("P1")])
    ws = book["P1"]
    ws.delete_rows(11, ws.max_row)  # the indicator header and everything under it
    problems = rejected(world, workbook_bytes(book))
    assert "找不到指标表" in text_of(problems) and problems[0].sheet == "P1"


def test_indicator_table_without_a_value_column_is_refused(world):
    book = forms_workbook([form("P1")])
    book["P1"]["D11"] = "备注"
    problems = rejected(world, workbook_bytes(book))
    assert "指标表缺少列：指标值" in text_of(problems) and problems[0].row == 11


def test_bad_amount_is_located_at_its_cell(world):
    book = forms_workbook([form("P1")])
    book["P1"]["B7"] = "12,3x"
    problems = rejected(world, workbook_bytes(book))
    p = problems[0]
    assert (p.sheet, p.row, p.column, p.field) == ("P1", 7, "B", "资金总额")
    assert "不是有效的金额数字" in p.message


def test_bad_weight_is_located_at_its_cell(world):
    rows = [{**GOOD_ROWS[0], "weight": None}, *GOOD_ROWS[1:]]
    book = forms_workbook([form("P1", rows)])
    book["P1"]["F12"] = "二十分"
    p = rejected(world, workbook_bytes(book))[0]
    assert (p.row, p.column, p.field) == (12, "F", "分值") and "不是数字" in p.message


def test_cell_problems_of_the_table_are_listed_row_by_row_left_to_right(world):
    # the cells are read a column at a time; their problems still come in the form's order
    book = forms_workbook([form("P1")])
    ws = book["P1"]
    ws["F13"] = "二十分"
    ws["H12"] = "解" * 501
    ws["C12"] = "名" * 201
    problems = rejected(world, workbook_bytes(book))
    located = [(p.sheet, p.row, p.column, p.field) for p in problems]
    assert located == [
        ("P1", 12, "C", "三级指标"),
        ("P1", 12, "H", "指标解释"),
        ("P1", 13, "F", "分值"),
    ]
    assert "内容过长（201 个字符，最多 200 个）" in problems[0].message
    assert "不是数字" in problems[2].message


def test_category_outside_the_catalogue_is_located(world):
    book = forms_workbook([form("P1")])
    book["P1"]["A16"] = "管理指标"
    book["P1"]["B16"] = "过程指标"
    p = rejected(world, workbook_bytes(book))[0]
    assert (p.sheet, p.row, p.column, p.field) == ("P1", 16, "A", "一级指标")
    assert "无法归入指标体系" in p.message and "产出指标：数量指标" in p.message


def test_same_project_in_two_sheets_is_refused(world):
    book = forms_workbook([form("P1"), form("P1A")])
    book["P1A"]["G3"] = "P1"
    problems = rejected(world, workbook_bytes(book))
    assert "与工作表“P1”是同一项目的申报表" in text_of(problems)
    assert problems[0].sheet == "P1A"


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "targets.xlsx", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "targets.xlsx", "旧版 Excel（.xls）"),
        (b"[]", "targets.json", "没有绩效目标申报表"),
        (b"{not json", "targets.json", "JSON 格式错误"),
    ],
)
def test_empty_renamed_and_broken_files_are_refused(world, data, name, message):
    assert message in text_of(rejected(world, data, name))


def test_workbook_without_any_form_is_refused(world):
    book = openpyxl.Workbook()
    assert "没有绩效目标申报表" in text_of(rejected(world, workbook_bytes(book)))


def test_json_problems_name_the_object_and_the_key(world):
    items = [
        {
            "year": 2022,
            "project": {"code": "P1", "name": "项目P1"},
            "amounts": {"total": "abc"},
            "indicators": [{"category": "产出指标", "weight": "重要"}],
        }
    ]
    problems = rejected(world, json.dumps(items).encode(), "targets.json")
    where = {(p.sheet, p.row, p.field) for p in problems}
    assert ("JSON", 1, "amounts.total") in where and ("JSON", 1, "indicators[0].weight") in where


def test_closed_year_cannot_be_imported_into(world):
    FiscalYear.objects.filter(region=world.region, year=2022).update(status="closed")
    assert "2022 年度已关闭" in text_of(rejected(world, book_bytes(form("P1"))))


# --- scope and roles ------------------------------------------------------------------------------


def test_filer_cannot_import_for_another_units_project(world):
    problems = rejected(world, book_bytes(form("P2")))
    assert "找不到您可填报的项目编码“P2”" in text_of(problems)


def test_filer_imports_own_and_level2_units_targets_on_the_page(world, client_for):
    upload = io.BytesIO(book_bytes(form("P1"), form("P1A")))
    upload.name = "申报表.xlsx"
    response = client_for("filer").post("/targets/import/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:800]
    created = Target.objects.filter(project__code__in=["P1", "P1A"])
    assert created.count() == 2 and {t.created_by for t in created} == {world.filer}


def test_other_units_filer_cannot_touch_u1_through_the_page(world, client_for, declare):
    declare("P1")
    before = declarations()
    upload = io.BytesIO(book_bytes(form("P1", goal="别人改的")))
    upload.name = "申报表.xlsx"
    response = client_for("other").post("/targets/import/", {"file": upload})
    assert response.status_code == 400
    assert "找不到您可填报的项目编码“P1”" in response.content.decode()
    assert declarations() == before


def test_bureau_imports_region_wide_only_through_the_cli(world, client_for):
    assert client_for("budget").get("/targets/import/").status_code == 403
    assert "只有单位填报人员" in text_of(
        rejected(world, book_bytes(form("P1")), user="budget", as_filer=True)
    )
    assert imported(world, book_bytes(form("P1"), form("P2")), user="budget").created == 2


def test_roles_without_drafting_rights_cannot_import(world):
    assert "只有单位填报人员" in text_of(rejected(world, book_bytes(form("P1")), user="auditor"))


# --- the command line -----------------------------------------------------------------------------


def test_cli_export_and_import_of_targets(world, three_declarations, tmp_path):
    for fmt in ("xlsx", "json"):
        path = tmp_path / f"targets.{fmt}"
        call_command(
            "export",
            "targets",
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
        Target.objects.all().delete()
        out = io.StringIO()
        call_command("import", "targets", str(path), "--region", "100101", stdout=out)
        assert "导入成功：共 3 张表，新增 3，更新 0" in out.getvalue()
        assert declarations() == three_declarations
    assert ImportBatch.objects.filter(kind="targets").first().actor == world.budget


def test_cli_import_with_a_filer_keeps_the_filers_scope(world, tmp_path):
    path = tmp_path / "targets.xlsx"
    path.write_bytes(book_bytes(form("P1")))
    before, err = counts(), io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import",
            "targets",
            str(path),
            "--region",
            "100101",
            "--user",
            "other",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "未写入任何数据" in str(exc.value)
    assert "工作表“P1” 第 3 行 G 列 （项目编码）" in err.getvalue()
    assert counts() == before
