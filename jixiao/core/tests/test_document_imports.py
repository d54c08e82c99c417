"""The three document importers (targets, monitoring reports, self-evaluations) are one
importer: the same faults in a file give the same problems, located at sheet, row and column,
all listed at once, and nothing is written; a province- or city-level file routes each form to
the district its 区划代码 names."""

import copy
import datetime as dt
import io
import json

import openpyxl
import pytest

from jixiao.budgets.models import Project
from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog, ImportBatch
from jixiao.core.scope import RegionReader
from jixiao.core.tabular import InputRejected
from jixiao.evaluations.exports import export_selfevals
from jixiao.evaluations.importers import SelfEvalImporter
from jixiao.evaluations.models import SelfEvaluation
from jixiao.evaluations.services import selfeval_create
from jixiao.monitoring.exports import export_monitoring
from jixiao.monitoring.models import Report
from jixiao.monitoring.report_import import MonitoringReportImporter
from jixiao.monitoring.services import round_open
from jixiao.orgs.models import User
from jixiao.targets.exports import export_targets
from jixiao.targets.importers import TargetImporter
from jixiao.targets.models import Target
from jixiao.targets.services import target_transition

GOOD = {"overall": "优"}


def approve(world, target) -> None:
    target = target_transition(actor=world.filer, target=target, name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)


def targets_file(world, declare, fmt="xlsx"):
    declare("P1")
    return export_targets(RegionReader(world.region.path), world.region, 2022, fmt)


def reports_file(world, declare, fmt="xlsx"):
    approve(world, declare("P1"))
    round_open(
        actor=world.performance, region=world.region, year=2022, code="2022-07",
        name="1–7月监控", period_end=dt.date(2022, 7, 31), deadline=dt.date(2022, 8, 15),
    )  # fmt: skip
    Report.objects.exclude(project__code="P1").delete()
    return export_monitoring(RegionReader(world.region.path), world.region, 2022, fmt)


def selfevals_file(world, declare, fmt="xlsx"):
    approve(world, declare("P1"))
    selfeval_create(actor=world.filer, project=world.projects["P1"])
    return export_selfevals(RegionReader(world.region.path), world.region, 2022, fmt)


# kind → (importer, the file of P1's document, its model, a money label whose value is below
# it, the JSON key of that money)
KINDS = {
    "targets": (TargetImporter, targets_file, Target, "资金总额", "amounts.total"),
    "monitoring": (
        MonitoringReportImporter, reports_file, Report, "全年预计执行数",
        "budget.expected_full_year",
    ),
    "selfevals": (SelfEvalImporter, selfevals_file, SelfEvaluation, "全年执行数", "budget.executed"),
}  # fmt: skip


def written(model) -> tuple:
    """What an import would change: the documents, the audit and the batches."""
    rows = sorted(model.objects.values_list("pk", "updated_at"))
    return rows, AuditLog.objects.count(), ImportBatch.objects.count()


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def label(ws, text: str):
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == text:
                return cell
    raise AssertionError(f"no {text!r} in {ws.title}")


def beside(ws, text: str):
    """The value of a label: the first filled cell to its right."""
    cell = label(ws, text)
    return next(c for c in ws[cell.row][cell.column :] if c.value not in (None, ""))


def below(ws, text: str):
    cell = label(ws, text)
    return ws.cell(row=cell.row + 1, column=cell.column)


def place(cell) -> tuple:
    return cell.parent.title, cell.row, cell.column_letter


def rejected(importer, actor, region, data: bytes, model, name="file.xlsx") -> list:
    before = written(model)
    with pytest.raises(InputRejected) as info:
        run_import(importer(actor=actor, region=region), data, name)
    assert written(model) == before
    return info.value.problems


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_faults_give_the_same_located_problems_all_at_once(world, declare, kind):
    importer, make_file, model, money, _key = KINDS[kind]
    book = openpyxl.load_workbook(io.BytesIO(make_file(world, declare)))
    (first,) = book.worksheets
    first.title = "甲"
    twice, unknown = book.copy_worksheet(first), book.copy_worksheet(first)
    twice.title, unknown.title = "乙", "丙"
    bad = below(first, money)
    bad.value = "一百万"
    beside(unknown, "项目编码").value = "NOPE"
    roster = book.create_sheet("花名册")
    roster.append(["姓名", "年龄"])
    roster.append(["张三", 30])

    problems = rejected(importer, world.budget, world.region, saved(book), model)

    located = {(p.sheet, p.row, p.column): p.message for p in problems}
    assert set(located) == {
        place(bad),
        place(beside(twice, "项目编码")),
        place(beside(unknown, "项目编码")),
        ("花名册", None, ""),
    }, problems
    assert "一百万" in located[place(bad)]
    assert "与工作表“甲”是同一项目" in located[place(beside(twice, "项目编码"))]
    assert "一个文件中只能有一张" in located[place(beside(twice, "项目编码"))]
    assert "您可填报的项目编码“NOPE”" in located[place(beside(unknown, "项目编码"))]


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_faults_in_json_are_located_by_object_and_key(world, declare, kind):
    importer, make_file, model, _money, key = KINDS[kind]
    (item,) = json.loads(make_file(world, declare, "json"))
    section, field = key.split(".")
    bad = copy.deepcopy(item)
    bad[section][field] = "-1"
    unknown = copy.deepcopy(item)
    unknown["project"]["code"] = "NOPE"
    data = json.dumps([bad, item, unknown, "花名册"], ensure_ascii=False).encode()

    problems = rejected(importer, world.budget, world.region, data, model, "file.json")

    located = {(p.sheet, p.row, p.field): p.message for p in problems}
    assert set(located) == {
        ("JSON", 1, key),
        ("JSON", 2, "project.code"),
        ("JSON", 3, "project.code"),
        ("JSON", 4, ""),
    }, problems
    assert "负数" in located[("JSON", 1, key)]
    assert "与第 1 个对象是同一项目" in located[("JSON", 2, "project.code")]
    assert "您可填报的项目编码“NOPE”" in located[("JSON", 3, "project.code")]
    assert "应为 JSON 对象，实际为文字" in located[("JSON", 4, "")]


# --- 区划代码: one city-level file, the forms of several districts -----------------------------


@pytest.fixture
def city_file(world, declare):
    """P1's declaration (甲区) and PB's (乙区, the same form with its 区划 and code changed)."""
    book = openpyxl.load_workbook(io.BytesIO(targets_file(world, declare)))
    (first,) = book.worksheets
    other = book.copy_worksheet(first)
    first.title, other.title = "P1", "PB"
    beside(other, "区划").value = "100102 乙区"
    beside(other, "项目编码").value = "PB"
    beside(other, "主管部门").value = beside(other, "实施单位").value = "乙区单位"
    Target.objects.all().delete()
    return saved(book), other


def test_a_city_level_file_routes_each_form_to_its_district(world, city_file):
    data, _sheet = city_file
    city_budget = User.objects.create(
        username="city_budget", full_name="市预算科", roles=["budget"], region=world.city
    )
    result = run_import(TargetImporter(actor=city_budget, region=world.city), data, "city.xlsx")
    assert result.created == 2
    assert sorted(Target.objects.values_list("project__code", "region__code")) == [
        ("P1", "100101"),
        ("PB", "100102"),
    ]


def test_districts_that_share_a_project_code_each_get_the_target_of_the_form_naming_them(
    world, declare
):
    """A province's districts number their projects alike (each has a 2022-00001): a form
    that names its district finds that district's project, not its namesake's."""
    Project.objects.filter(code="PB").update(code="P1")
    book = openpyxl.load_workbook(io.BytesIO(targets_file(world, declare)))
    (first,) = book.worksheets
    other = book.copy_worksheet(first)
    first.title, other.title = "甲区", "乙区"
    beside(other, "区划").value = "100102 乙区"
    beside(other, "主管部门").value = beside(other, "实施单位").value = "乙区单位"
    Target.objects.all().delete()
    city_budget = User.objects.create(
        username="city_budget", full_name="市预算科", roles=["budget"], region=world.city
    )
    result = run_import(TargetImporter(actor=city_budget, region=world.city), saved(book), "c.xlsx")
    assert result.created == 2
    assert sorted(Target.objects.values_list("project__code", "project__region__code")) == [
        ("P1", "100101"),
        ("P1", "100102"),
    ]


def test_a_district_bureau_cannot_file_for_a_district_outside_its_scope(world, city_file):
    data, sheet = city_file
    problems = rejected(TargetImporter, world.budget, world.city, data, Target)
    assert [(p.sheet, p.row, p.column) for p in problems] == [place(beside(sheet, "区划"))]
    assert "区划“100102”不在您的权限范围内" in problems[0].message


def test_a_district_file_naming_another_district_is_refused_where_it_says_so(world, city_file):
    data, sheet = city_file
    problems = rejected(TargetImporter, world.budget, world.region, data, Target)
    assert [(p.sheet, p.row, p.column) for p in problems] == [place(beside(sheet, "区划"))]
    assert "区划“100102”不在导入的区划“甲区”内" in problems[0].message


@pytest.mark.parametrize("kind", KINDS)
def test_a_json_object_naming_a_district_outside_the_import_is_refused_at_its_region(
    world, declare, kind
):
    importer, make_file, model, _money, _key = KINDS[kind]
    (item,) = json.loads(make_file(world, declare, "json"))
    item["region"] = "100102 乙区"
    data = json.dumps([item], ensure_ascii=False).encode()
    problems = rejected(importer, world.budget, world.region, data, model, "file.json")
    assert [(p.sheet, p.row, p.field) for p in problems] == [("JSON", 1, "region")]
    assert "区划“100102”不在导入的区划“甲区”内" in problems[0].message
