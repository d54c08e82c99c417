"""`jixiao import KIND FILE` and `jixiao export KIND …`: one transaction, Chinese messages,
formula-safe files, and an export that imports back with every decimal unchanged."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.budgets.models import Project
from jixiao.budgets.services import AMOUNT_FIELDS
from jixiao.core.models import AuditLog, ImportBatch
from jixiao.orgs.models import Unit, UnitYear

UNIT_HEADER = ("年度", "单位编码", "单位名称", "单位级次", "上级单位编码", "归口股室")


def write_xlsx(path, rows, title: str = "Sheet1"):
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Unit, UnitYear, Project, ImportBatch, AuditLog)
    }


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(*args) -> tuple[str, str]:
    """Run a command that must fail; check nothing was written; return (error, stderr)."""
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    assert counts() == before
    return str(exc.value), err.getvalue()


def amounts(project: Project) -> dict:
    return {f: getattr(project, f) for f in AMOUNT_FIELDS}


# --- import --------------------------------------------------------------------------------------


def test_import_command_imports_units_as_the_regions_budget_office(world, tmp_path):
    path = write_xlsx(
        tmp_path / "units.xlsx", [UNIT_HEADER, (2022, "U9", "甲区统计局", "一级", None, "BIZ1")]
    )
    out, _err = run("import", "units", str(path), "--region", "100101")
    assert "导入成功：共 1 行，新增 1，更新 0" in out
    batch = ImportBatch.objects.get(kind="units", filename="units.xlsx")
    assert batch.actor == world.users["budget"]
    assert AuditLog.objects.filter(batch=batch.pk, object_type="orgs.unityear").count() == 1


def test_import_command_lists_located_problems_and_writes_nothing(world, tmp_path):
    path = write_xlsx(
        tmp_path / "units.xlsx",
        [
            UNIT_HEADER,
            (2022, "U9", "甲", "二级", None, None),
            (2022, "U9", "乙", "一级", None, None),
        ],
        "单位",
    )
    error, stderr = failing("import", "units", str(path), "--region", "100101")
    assert "导入失败：发现 2 个问题，未写入任何数据" in error
    assert "工作表“单位” 第 2 行 E 列 （上级单位编码）：二级单位必须填写上级单位编码" in stderr
    assert "第 3 行 B 列 （单位编码）" in stderr


def test_import_command_reads_a_gbk_csv(world, tmp_path):
    path = tmp_path / "单位.csv"
    path.write_bytes(
        "年度,单位编码,单位名称,单位级次\n2022,U9,甲区统计局（普查中心）,一级\n".encode("gbk")
    )
    run("import", "units", str(path), "--region", "100101")
    assert UnitYear.objects.get(unit__code="U9", year=2022).name == "甲区统计局（普查中心）"


def test_import_command_refuses_an_unknown_kind(world, tmp_path):
    error, _ = failing("import", "nonsense", str(tmp_path / "x.xlsx"), "--region", "100101")
    assert "未知的导入类型" in error and "units" in error


def test_import_command_refuses_a_missing_file(world, tmp_path):
    error, _ = failing("import", "units", str(tmp_path / "missing.xlsx"), "--region", "100101")
    assert "找不到文件" in error


def test_import_command_needs_a_region_when_there_are_several_districts(world, tmp_path):
    path = write_xlsx(tmp_path / "u.xlsx", [UNIT_HEADER, (2022, "U9", "甲", "一级", None, None)])
    error, _ = failing("import", "units", str(path))
    assert "--region" in error


def test_import_command_refuses_a_user_of_another_region(world, tmp_path):
    path = write_xlsx(
        tmp_path / "u.xlsx", [UNIT_HEADER, (2022, "U1", "被改名", "一级", None, None)]
    )
    error, _ = failing("import", "units", str(path), "--region", "100101", "--user", "other_region")
    assert "无权向区划“100101”导入" in error
    assert UnitYear.objects.get(unit=world.units["U1"], year=2022).name == "甲区教育局"


def test_import_command_turns_a_service_refusal_into_a_located_problem(world, tmp_path):
    path = write_xlsx(tmp_path / "u.xlsx", [UNIT_HEADER, (2022, "U9", "甲", "一级", None, None)])
    error, stderr = failing("import", "units", str(path), "--region", "100101", "--user", "filer")
    assert "第 2 行" in stderr and "没有维护预算单位的权限" in stderr and "导入失败" in error


def test_import_command_refuses_a_zip_bomb(world, tmp_path, settings):
    import zipfile

    settings.JIXIAO_IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024  # keeps the bomb small here
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (4 * 1024 * 1024))
    assert path.stat().st_size < 64 * 1024
    _error, stderr = failing("import", "units", str(path), "--region", "100101")
    assert "解压后超过" in stderr


# --- export --------------------------------------------------------------------------------------

ODD_AMOUNTS = {
    "initial_current": Decimal("207.4538"),
    "initial_carryover": Decimal("0.000001"),
    "initial_other": Decimal("123456789.123456"),
    "full_current": Decimal("0.3"),
    "full_carryover": Decimal("64286.41"),
    "full_other": Decimal("99999.999999"),
}


def test_xlsx_export_then_import_keeps_every_decimal_unchanged(world, tmp_path):
    Project.objects.filter(pk=world.projects["P1"].pk).update(**ODD_AMOUNTS)
    expected = {
        code: amounts(Project.objects.get(pk=p.pk))
        for code, p in world.projects.items()
        if code != "PB"
    }
    path = tmp_path / "projects.xlsx"
    run(
        "export",
        "projects",
        "--region",
        "100101",
        "--year",
        "2022",
        "--format",
        "xlsx",
        "-o",
        str(path),
    )
    Project.objects.filter(region=world.region).update(**{f: 0 for f in AMOUNT_FIELDS})
    out, _err = run("import", "projects", str(path), "--region", "100101")
    assert "更新 3" in out
    got = {p.code: amounts(p) for p in Project.objects.filter(region=world.region, year=2022)}
    assert got == expected
    assert str(got["P1"]["initial_carryover"]) == "0.000001"


def test_xlsx_export_keeps_money_as_numbers_not_text(world, tmp_path):
    Project.objects.filter(pk=world.projects["P1"].pk).update(**ODD_AMOUNTS)
    path = tmp_path / "projects.xlsx"
    run("export", "projects", "--region", "100101", "--year", "2022", "-o", str(path))
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    p1 = next(row for row in ws.iter_rows(min_row=2, values_only=True) if row[1] == "P1")
    assert p1[header.index("年初预算-当年财政拨款")] == pytest.approx(207.4538)
    assert p1[header.index("年初预算-合计")] == pytest.approx(123456996.577257)


def test_export_writes_user_text_starting_with_equals_with_an_apostrophe(world, tmp_path):
    formula = '=HYPERLINK("http://evil.example","点击")'
    Project.objects.filter(pk=world.projects["P1"].pk).update(name=formula, description="-减少")
    path = tmp_path / "projects.xlsx"
    run("export", "projects", "--region", "100101", "--year", "2022", "-o", str(path))
    ws = openpyxl.load_workbook(path).active
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "P1")
    assert row[2].value == "'" + formula and row[2].data_type == "s"
    assert row[-1].value == "'-减少"
    # and importing the file back restores the text as the user typed it
    run("import", "projects", str(path), "--region", "100101")
    p1 = Project.objects.get(pk=world.projects["P1"].pk)
    assert (p1.name, p1.description) == (formula, "-减少")


def test_json_export_then_import_keeps_projects_unchanged(world, tmp_path):
    Project.objects.filter(pk=world.projects["P1"].pk).update(**ODD_AMOUNTS)
    before = {p.code: (p.name, amounts(p)) for p in Project.objects.filter(region=world.region)}
    path = tmp_path / "projects.json"
    run(
        "export",
        "projects",
        "--region",
        "100101",
        "--year",
        "2022",
        "--format",
        "json",
        "-o",
        str(path),
    )
    items = json.loads(path.read_text(encoding="utf-8"))
    assert {i["code"] for i in items} == {"P1", "P1A", "P2"}
    assert items[0]["initial"]["current"] == "207.453800"  # strings, never floats
    Project.objects.filter(region=world.region).update(**{f: 0 for f in AMOUNT_FIELDS})
    run("import", "projects", str(path), "--region", "100101")
    after = {p.code: (p.name, amounts(p)) for p in Project.objects.filter(region=world.region)}
    assert after == before


def test_units_export_then_import_updates_without_duplicates(world, tmp_path):
    path = tmp_path / "units.xlsx"
    run("export", "units", "--region", "100101", "--year", "2022", "-o", str(path))
    before = counts()
    out, _ = run("import", "units", str(path), "--region", "100101")
    assert "新增 0，更新 3" in out
    assert counts()["UnitYear"] == before["UnitYear"] and counts()["Unit"] == before["Unit"]


def test_export_only_holds_the_regions_own_rows(world, tmp_path):
    path = tmp_path / "b.json"
    run(
        "export",
        "projects",
        "--region",
        "100102",
        "--year",
        "2022",
        "--format",
        "json",
        "-o",
        str(path),
    )
    assert [i["code"] for i in json.loads(path.read_text(encoding="utf-8"))] == ["PB"]


def test_export_refuses_an_unknown_kind_or_region(world, tmp_path):
    with pytest.raises(CommandError, match="未知的导出类型"):
        call_command(
            "export", "nonsense", "--region", "100101", "--year", "2022", "-o", str(tmp_path / "x")
        )
    with pytest.raises(CommandError, match="找不到区划"):
        call_command(
            "export", "projects", "--region", "999999", "--year", "2022", "-o", str(tmp_path / "x")
        )
