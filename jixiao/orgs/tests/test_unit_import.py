"""Importing budget units (UnitImporter) from xlsx and CSV, and the unit import page.

Every bad file must say where and why in Chinese and write nothing at all."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.budgets.models import Project
from jixiao.core.imports import parse_sheet, run_import
from jixiao.core.models import AuditLog, ImportBatch
from jixiao.core.tabular import InputRejected, read_tables
from jixiao.orgs.importers import UnitImporter
from jixiao.orgs.models import Unit, UnitYear

HEADER = ("年度", "单位编码", "单位名称", "单位级次", "上级单位编码", "归口股室", "面向公众")


def xlsx_bytes(rows, title: str = "预算单位") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding: str) -> bytes:
    return "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows).encode(
        encoding
    )


GOOD = [
    HEADER,
    (2022, "U9A", "甲区文化馆", "二级", "U9", "社会事业股", "是"),  # child before its parent
    (2022, "U9", "甲区文化广电旅游局", "一级", None, "BIZ1", "是"),
    (2022, "U8", "甲区审计局", "1", None, "经济建设股", "否"),
]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Unit, UnitYear, Project, ImportBatch, AuditLog)
    }


def import_units(world, data: bytes, filename: str = "units.xlsx", user: str = "budget"):
    return run_import(UnitImporter(actor=world.users[user], region=world.region), data, filename)


def rejected(world, data: bytes, filename: str = "units.xlsx", user: str = "budget") -> str:
    """Import expecting refusal; check nothing was written; return all problems as text."""
    before = counts()
    with pytest.raises(InputRejected) as exc:
        import_units(world, data, filename, user)
    assert counts() == before
    return "\n".join(str(p) for p in exc.value.problems)


# --- good files ----------------------------------------------------------------------------------


def test_good_units_file_creates_units_for_the_year(world):
    before = counts()
    result = import_units(world, xlsx_bytes(GOOD))
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    assert counts()["Unit"] == before["Unit"] + 3
    child = UnitYear.objects.get(unit__region=world.region, unit__code="U9A", year=2022)
    assert (child.name, child.level, child.parent.code, child.office.code) == (
        "甲区文化馆",
        2,
        "U9",
        "BIZ1",
    )
    audited = UnitYear.objects.get(unit__code="U8", year=2022)
    assert audited.office.code == "BIZ2" and audited.unit.serves_public is False


def test_second_import_of_the_same_file_updates_rather_than_duplicates(world):
    import_units(world, xlsx_bytes(GOOD))
    after_first = counts()
    changed = [
        row if row[1] != "U8" else (2022, "U8", "甲区审计局（新）", "一级", None, "BIZ1", "否")
        for row in GOOD
    ]
    result = import_units(world, xlsx_bytes(changed))
    assert (result.created, result.updated) == (0, 3)
    now = counts()
    assert {k: now[k] for k in ("Unit", "UnitYear", "Project")} == {
        k: after_first[k] for k in ("Unit", "UnitYear", "Project")
    }
    assert now["ImportBatch"] == after_first["ImportBatch"] + 1
    row = UnitYear.objects.get(unit__code="U8", year=2022)
    assert (row.name, row.office.code) == ("甲区审计局（新）", "BIZ1")


def test_import_batch_and_audit_entries_share_the_batch_id(world):
    result = import_units(world, xlsx_bytes(GOOD))
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.kind, batch.rows, batch.created, batch.updated) == ("units", 3, 3, 0)
    entries = AuditLog.objects.filter(batch=batch.pk)
    assert entries.filter(object_type="orgs.unityear", action="create").count() == 3
    assert entries.filter(action="import", object_id=str(batch.pk)).count() == 1
    assert set(entries.values_list("source", flat=True)) == {"import"}
    assert set(entries.values_list("actor_name", flat=True)) == {"budget"}


def test_existing_unit_gets_a_new_year_without_changing_earlier_years(world):
    data = xlsx_bytes([HEADER, (2023, "U2", "甲区城市管理局", "一级", None, "BIZ1", None)])
    result = import_units(world, data)
    assert (result.created, result.updated) == (1, 0)
    assert UnitYear.objects.get(unit__code="U2", year=2023).office.code == "BIZ1"
    assert UnitYear.objects.get(unit__code="U2", year=2022).office.code == "BIZ2"


def test_gbk_csv_imports_chinese_names_intact(world):
    import_units(world, csv_bytes(GOOD, "gbk"), "单位.csv")
    names = dict(
        UnitYear.objects.filter(unit__code__in=["U9", "U9A", "U8"], year=2022).values_list(
            "unit__code", "name"
        )
    )
    assert names == {"U9": "甲区文化广电旅游局", "U9A": "甲区文化馆", "U8": "甲区审计局"}
    assert Unit.objects.get(region=world.region, code="U9").name == "甲区文化广电旅游局"


def test_utf8_csv_with_bom_imports_and_the_first_header_is_recognised(world):
    result = import_units(world, csv_bytes(GOOD, "utf-8-sig"), "units.csv")
    assert result.created == 3
    assert UnitYear.objects.filter(unit__code="U9A", year=2022, name="甲区文化馆").exists()


def test_codes_typed_as_numbers_in_excel_are_read_as_text(world):
    data = xlsx_bytes(
        [
            HEADER,
            (2022.0, 101.0, "甲区一零一局", 1.0, None, None, None),
            (2022, 10101, "甲区一零一所", 2, 101.0, None, None),
        ]
    )
    import_units(world, data)
    child = UnitYear.objects.get(unit__region=world.region, unit__code="10101", year=2022)
    assert child.parent.code == "101"


def test_full_width_digits_and_non_breaking_spaces_are_cleaned(world):
    data = xlsx_bytes(
        [
            HEADER,
            ("２０２２", "\u00a0Ｕ７\u00a0", "甲区\u00a0统计局 ", "一级", None, "\u00a0BIZ2", "是"),
        ]
    )
    import_units(world, data)
    row = UnitYear.objects.get(unit__region=world.region, unit__code="U7", year=2022)
    assert (row.name, row.office.code) == ("甲区 统计局", "BIZ2")


def test_header_with_notes_and_aliases_under_a_title_row_is_found(world):
    data = xlsx_bytes(
        [
            ("甲区预算单位表",),
            (
                "预算年度",
                "单位代码（必填）",
                "预算单位名称*",
                "级次",
                "主管部门编码",
                "归口业务股室",
            ),
            (2022, "U6", "甲区档案馆", "一级单位", None, None),
        ]
    )
    result = import_units(world, data)
    assert result.created == 1


# --- bad files: a located message, nothing written ------------------------------------------------


def test_projects_file_given_to_the_units_import_is_refused_as_wrong_template(world):
    data = xlsx_bytes(
        [
            ("年度", "项目编码", "项目名称", "单位编码", "项目类别"),
            (2022, "P9", "项目九", "U1", "专项资金"),
        ],
        "项目",
    )
    message = rejected(world, data)
    assert "工作表“项目”" in message and "找不到表头" in message and "单位级次" in message


def test_sheet_with_only_a_header_says_there_are_no_rows(world):
    message = rejected(world, xlsx_bytes([HEADER]))
    assert "工作表“预算单位”" in message and "没有任何数据行" in message


def test_header_only_sheet_beside_an_instructions_sheet_says_there_are_no_rows(world):
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["一级单位不填上级单位编码"])
    book.create_sheet("预算单位").append(list(HEADER))
    buffer = io.BytesIO()
    book.save(buffer)
    message = rejected(world, buffer.getvalue())
    assert "没有任何数据行" in message


def test_empty_file_is_refused(world):
    assert "文件是空的" in rejected(world, b"")


def test_non_xlsx_file_renamed_xlsx_is_refused(world):
    message = rejected(world, b"%PDF-1.4\n1 0 obj <<>> endobj\n", "单位.xlsx")
    assert "不是有效的 Excel" in message


def test_old_xls_file_is_refused(world):
    message = rejected(world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "单位.xls")
    assert ".xls" in message


def test_unknown_parent_unit_code_is_located(world):
    message = rejected(
        world, xlsx_bytes([HEADER, (2022, "U9A", "甲区文化馆", "二级", "NOPE", None, None)])
    )
    assert "第 2 行 E 列 （上级单位编码）：找不到上级单位“NOPE”" in message


def test_duplicate_code_in_the_file_names_both_rows(world):
    data = xlsx_bytes(
        [
            HEADER,
            (2022, "U9", "甲", "一级", None, None, None),
            (2022, "U8", "乙", "一级", None, None, None),
            (2022, "U9", "丙", "一级", None, None, None),
        ]
    )
    message = rejected(world, data)
    assert "第 4 行 B 列 （单位编码）" in message and "“U9”在 2022 年度重复（与第 2 行）" in message


def test_same_code_in_two_years_is_not_a_duplicate(world):
    data = xlsx_bytes(
        [
            HEADER,
            (2022, "U9", "甲", "一级", None, None, None),
            (2023, "U9", "甲", "一级", None, None, None),
        ]
    )
    assert import_units(world, data).created == 2


def test_level_two_unit_without_a_parent_is_refused(world):
    message = rejected(
        world, xlsx_bytes([HEADER, (2022, "U9A", "甲区文化馆", "二级", None, None, None)])
    )
    assert "第 2 行 E 列 （上级单位编码）：二级单位必须填写上级单位编码" in message


def test_level_one_unit_with_a_parent_is_refused(world):
    message = rejected(world, xlsx_bytes([HEADER, (2022, "U9", "甲", "一级", "U1", None, None)]))
    assert "一级单位不应填写上级单位编码" in message


def test_parent_that_is_itself_level_two_is_refused(world):
    message = rejected(world, xlsx_bytes([HEADER, (2022, "U9B", "甲", "二级", "U1A", None, None)]))
    assert "“U1A”本身是二级单位" in message


def test_unit_cannot_be_its_own_parent(world):
    message = rejected(world, xlsx_bytes([HEADER, (2022, "U9", "甲", "二级", "U9", None, None)]))
    assert "上级单位不能是本单位" in message


def test_unknown_business_office_is_located(world):
    message = rejected(
        world, xlsx_bytes([HEADER, (2022, "U9", "甲", "一级", None, "不存在股", None)])
    )
    assert "F 列 （归口股室）：找不到业务股室“不存在股”" in message


def test_office_of_another_region_or_kind_is_unknown(world):
    data = xlsx_bytes(
        [
            HEADER,
            (2022, "U9", "甲", "一级", None, "BIZ-B", None),
            (2022, "U8", "乙", "一级", None, "BUD", None),
        ]
    )
    message = rejected(world, data)
    assert "“BIZ-B”" in message and "“BUD”" in message


def test_bad_level_lists_the_allowed_values(world):
    message = rejected(world, xlsx_bytes([HEADER, (2022, "U9", "甲", "三级", None, None, None)]))
    assert "D 列 （单位级次）：“三级”不在可选值中" in message


def test_bad_year_and_empty_name_are_both_reported(world):
    message = rejected(world, xlsx_bytes([HEADER, ("明年", "U9", None, "一级", None, None, None)]))
    assert "A 列 （年度）：“明年”不是有效的年度" in message
    assert "C 列 （单位名称）：必填项为空" in message


def test_code_with_a_space_inside_is_refused(world):
    message = rejected(world, xlsx_bytes([HEADER, (2022, "U 9", "甲", "一级", None, None, None)]))
    assert "B 列 （单位编码）：编码中不能有空格" in message


def test_name_longer_than_the_database_column_is_refused(world):
    message = rejected(
        world, xlsx_bytes([HEADER, (2022, "U9", "局" * 201, "一级", None, None, None)])
    )
    assert "C 列 （单位名称）：内容过长" in message


def test_file_over_the_size_limit_is_refused(world, settings):
    settings.JIXIAO_IMPORT_MAX_BYTES = 2048
    data = xlsx_bytes(
        GOOD + [(2022, f"X{i}", f"单位{i}", "一级", None, None, None) for i in range(300)]
    )
    assert "文件过大" in rejected(world, data)


def test_file_with_too_many_rows_is_refused(world, settings):
    settings.JIXIAO_IMPORT_MAX_ROWS = 3
    assert "行上限" in rejected(world, xlsx_bytes(GOOD))


def test_filer_may_not_import_units_and_the_refusal_is_located(world):
    message = rejected(world, xlsx_bytes(GOOD), user="filer")
    assert "第 " in message and "没有维护预算单位的权限" in message


# --- the import page and template ------------------------------------------------------------------


def upload(data: bytes, name: str = "units.xlsx"):
    return {"file": SimpleUploadedFile(name, data)}


def test_import_page_shows_the_form_to_the_budget_office(client_for):
    response = client_for("budget").get(reverse("unit-import"))
    assert response.status_code == 200
    assert reverse("unit-template") in response.content.decode()


def test_import_page_imports_a_good_file_and_redirects(client_for, world):
    response = client_for("budget").post(reverse("unit-import"), upload(xlsx_bytes(GOOD)))
    assert response.status_code == 302 and response["Location"] == reverse("unit-list")
    assert UnitYear.objects.filter(unit__region=world.region, unit__code="U9A", year=2022).exists()


def test_import_page_lists_problems_with_status_400_and_writes_nothing(client_for, world):
    data = xlsx_bytes([HEADER, (2022, "U9A", "甲区文化馆", "二级", None, None, None)])
    client = client_for("budget")
    before = counts()
    response = client.post(reverse("unit-import"), upload(data))
    assert response.status_code == 400
    page = response.content.decode()
    assert "未导入任何数据" in page and "二级单位必须填写上级单位编码" in page
    assert "<td>预算单位</td><td>2</td><td>E</td><td>上级单位编码</td>" in page
    assert counts() == before


def test_import_page_refuses_an_empty_upload_and_writes_nothing(client_for):
    client = client_for("budget")
    before = counts()
    response = client.post(reverse("unit-import"), upload(b""))
    assert response.status_code != 302  # the form's own check: status 200, not 400 (reported)
    assert "空文件" in response.content.decode()
    assert counts() == before


def test_import_page_refuses_a_file_over_the_size_limit(client_for, settings):
    settings.JIXIAO_IMPORT_MAX_BYTES = 1024
    client = client_for("budget")
    before = counts()
    response = client.post(reverse("unit-import"), upload(b"x" * 4096, "u.csv"))
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert counts() == before


def test_import_page_is_forbidden_to_a_unit_filer(client_for):
    client = client_for("filer")
    before = counts()
    assert client.get(reverse("unit-import")).status_code == 403
    assert client.post(reverse("unit-import"), upload(xlsx_bytes(GOOD))).status_code == 403
    assert counts() == before


def test_import_page_sends_anonymous_users_to_login(client, db):
    response = client.get(reverse("unit-import"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("unit-import"), upload(xlsx_bytes(GOOD)))
    assert response.status_code == 302 and not Unit.objects.filter(code="U9A").exists()


def test_budget_office_of_another_region_imports_into_its_own_region_only(client_for, world):
    """The page imports into the user's working region: region B's budget office cannot
    write into region A, even by putting region A into its session."""
    client = client_for("other_region")
    session = client.session
    session["work_region_id"] = world.region.id
    session.save()
    data = xlsx_bytes([HEADER, (2022, "U1", "被改名的教育局", "一级", None, None, None)])
    response = client.post(reverse("unit-import"), upload(data))
    assert response.status_code == 302
    assert UnitYear.objects.get(unit=world.units["U1"], year=2022).name == "甲区教育局"
    created = Unit.objects.get(code="U1", region=world.region_b)
    assert created.years.get(year=2022).name == "被改名的教育局"


def test_unit_template_is_an_xlsx_the_importer_recognises(client_for):
    response = client_for("budget").get(reverse("unit-template"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = read_tables(data, "units-template.xlsx")[0]
    rows, problems = parse_sheet(sheet, UnitImporter.columns)
    assert problems == [] and len(rows) == 1
