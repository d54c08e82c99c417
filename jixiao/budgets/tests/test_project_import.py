"""Importing projects with amounts by funding source (ProjectImporter): xlsx, CSV, JSON and the
project import page. Money is exact to 6 decimals; a bad file writes nothing."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.budgets.api import serialize
from jixiao.budgets.importers import ProjectImporter
from jixiao.budgets.models import FiscalYear, Project
from jixiao.core.imports import parse_sheet, run_import
from jixiao.core.models import AuditLog, ImportBatch
from jixiao.core.tabular import InputRejected, read_tables
from jixiao.orgs.models import Unit, UnitYear

HEADER = (
    "年度",
    "项目编码",
    "项目名称",
    "单位编码",
    "项目类别",
    "一级项目编码",
    "年初预算-当年财政拨款",
    "年初预算-上年结转资金",
    "年初预算-其他资金",
    "年初预算-合计",
    "全年预算-当年财政拨款",
    "全年预算-上年结转资金",
    "全年预算-其他资金",
    "全年预算-合计",
    "跨年度项目",
    "有服务对象",
    "项目概况",
)
# Column letters: A 年度 … F 一级项目编码, G–J 年初预算, K–N 全年预算, O P Q.


def project_row(
    code="P9",
    *,
    unit="U1",
    name=None,
    kinds="专项资金",
    parent=None,
    initial=("100", "0", "0", "100"),
    full=("100", "20.5", "0", "120.5"),
    year=2022,
    multi_year="否",
    serves_public="是",
    description="",
):
    return (
        year,
        code,
        name or f"项目{code}",
        unit,
        kinds,
        parent,
        *initial,
        *full,
        multi_year,
        serves_public,
        description,
    )


def xlsx_bytes(rows, title: str = "项目") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Unit, UnitYear, Project, ImportBatch, AuditLog)
    }


def import_projects(world, data: bytes, filename: str = "projects.xlsx", user: str = "budget"):
    return run_import(ProjectImporter(actor=world.users[user], region=world.region), data, filename)


def rejected(world, data: bytes, filename: str = "projects.xlsx", user: str = "budget") -> str:
    """Import expecting refusal; check nothing was written; return all problems as text."""
    before = counts()
    with pytest.raises(InputRejected) as exc:
        import_projects(world, data, filename, user)
    assert counts() == before
    return "\n".join(str(p) for p in exc.value.problems)


GOOD = [
    ("甲区 2022 年项目表（金额单位：万元）",),
    HEADER,
    project_row(
        "P9A",
        unit="U1A",
        parent="P9",
        kinds="专项资金、政府采购",
        initial=("10.5", "0", "0", "10.5"),
        full=("10.5", "1.25", "0", "11.75"),
    ),
    project_row("P9", name="教师培训项目（2022）", multi_year="是", description="培训 500 人次"),
    project_row(
        "P8",
        unit="U2",
        kinds="一般项目",
        initial=("0", "0", "0", "0"),
        full=("0", "0", "3.000001", "3.000001"),
        serves_public="否",
    ),
]


def get(code: str) -> Project:
    return Project.objects.get(region__code="100101", year=2022, code=code)


# --- good files ----------------------------------------------------------------------------------


def test_good_projects_file_creates_projects_with_amounts_and_kinds(world):
    result = import_projects(world, xlsx_bytes(GOOD))
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    p9, p9a, p8 = get("P9"), get("P9A"), get("P8")
    assert p9.name == "教师培训项目（2022）" and p9.multi_year and p9.description == "培训 500 人次"
    assert (p9.initial_current, p9.full_current, p9.full_carryover) == (
        Decimal("100"),
        Decimal("100"),
        Decimal("20.5"),
    )
    assert p9a.parent == p9 and p9a.unit == world.units["U1A"]
    assert sorted(p9a.kinds.values_list("label", flat=True)) == ["专项资金", "政府采购"]
    assert p8.full_other == Decimal("3.000001") and p8.serves_public is False


def test_second_import_updates_projects_rather_than_duplicating(world):
    import_projects(world, xlsx_bytes(GOOD))
    first = counts()
    changed = [
        *GOOD[:3],
        project_row("P9", name="教师培训项目（改）", full=("100", "30", "0", "130")),
        GOOD[4],
    ]
    result = import_projects(world, xlsx_bytes(changed))
    assert (result.created, result.updated) == (0, 3)
    assert counts()["Project"] == first["Project"]
    assert counts()["ImportBatch"] == first["ImportBatch"] + 1
    assert (get("P9").name, get("P9").full_carryover) == ("教师培训项目（改）", Decimal("30"))


def test_existing_project_of_the_world_is_updated_by_code(world):
    data = xlsx_bytes([HEADER, project_row("P1", name="改名的项目P1")])
    assert import_projects(world, data).updated == 1
    assert get("P1").pk == world.projects["P1"].pk and get("P1").name == "改名的项目P1"


def test_import_batch_and_audit_entries_share_the_batch_id(world):
    result = import_projects(world, xlsx_bytes(GOOD))
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.kind, batch.rows, batch.created, batch.region_code) == (
        "projects",
        3,
        3,
        "100101",
    )
    entries = AuditLog.objects.filter(batch=batch.pk)
    created = entries.filter(object_type="budgets.project", action="create")
    assert sorted(e.after["code"] for e in created) == ["P8", "P9", "P9A"]
    assert entries.filter(action="import", object_id=str(batch.pk)).exists()
    assert not AuditLog.objects.filter(
        object_type="budgets.project", object_id=str(get("P9").pk)
    ).exclude(batch=batch.pk)


def test_excel_float_money_cells_are_stored_exactly(world):
    row = project_row("P9", initial=(207.4538, 0.1 + 0.2, 0, 207.7538), full=(0.1 + 0.2, 0, 0, 0.3))
    import_projects(world, xlsx_bytes([HEADER, row]))
    p9 = get("P9")
    assert (str(p9.initial_current), str(p9.initial_carryover)) == ("207.453800", "0.300000")
    assert str(p9.full_current) == "0.300000"
    assert p9.initial_total == Decimal("207.7538")


def test_money_typed_as_text_with_thousands_separators_and_unit_is_read(world):
    row = project_row(
        "P9",
        initial=("1,234.5", "0", "0", "1,234.5 万元"),
        full=("１，２３４．５", "０", "0", "1234.500000"),
    )
    import_projects(world, xlsx_bytes([HEADER, row]))
    assert get("P9").full_current == Decimal("1234.5")


def test_codes_typed_as_numbers_in_excel_are_read_as_text(world):
    from jixiao.orgs.services import unit_year_save

    unit_year_save(
        actor=world.users["budget"],
        region=world.region,
        code="101",
        year=2022,
        name="甲区一零一局",
        level=1,
        parent=None,
        office=None,
    )
    import_projects(world, xlsx_bytes([HEADER, project_row(2022001.0, unit=101.0)]))
    assert get("2022001").unit.code == "101"


def test_full_width_digits_and_non_breaking_spaces_are_cleaned(world):
    row = project_row(
        "\u00a0Ｐ９\u00a0",
        unit="Ｕ１\u00a0",
        year="２０２２",
        initial=("\u00a0100\u00a0", "0", "0", "100"),
    )
    import_projects(world, xlsx_bytes([HEADER, row]))
    assert get("P9").unit == world.units["U1"]


def test_gbk_csv_of_projects_imports(world):
    rows = [HEADER, *GOOD[2:]]
    data = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    result = import_projects(
        world, data.replace("专项资金、政府采购", "专项资金；政府采购").encode("gbk"), "项目.csv"
    )
    assert result.created == 3 and get("P9").name == "教师培训项目（2022）"


# --- bad files: located message, nothing written --------------------------------------------------


def test_units_file_given_to_the_projects_import_is_refused_as_wrong_template(world):
    data = xlsx_bytes(
        [("年度", "单位编码", "单位名称", "单位级次"), (2022, "U9", "甲", "一级")], "预算单位"
    )
    message = rejected(world, data)
    assert "工作表“预算单位”" in message and "找不到表头" in message and "项目编码" in message


def test_bad_number_in_a_money_cell_is_located_and_quoted(world):
    data = xlsx_bytes(
        [HEADER, project_row("P9"), project_row("P8", full=("12,3a4", "0", "0", None))]
    )
    message = rejected(world, data)
    assert (
        "工作表“项目” 第 3 行 K 列 （全年预算-当年财政拨款）：“12,3a4”不是有效的金额数字" in message
    )


def test_more_than_six_decimals_typed_as_text_is_refused(world):
    message = rejected(
        world, xlsx_bytes([HEADER, project_row(initial=("1.1234567", "0", "0", None))])
    )
    assert "第 2 行 G 列 （年初预算-当年财政拨款）：金额最多保留 6 位小数" in message


def test_negative_amount_is_refused(world):
    message = rejected(world, xlsx_bytes([HEADER, project_row(full=(-5, "0", "0", None))]))
    assert "K 列 （全年预算-当年财政拨款）：金额不能为负数" in message


def test_amount_beyond_the_database_column_is_refused(world):
    message = rejected(world, xlsx_bytes([HEADER, project_row(full=(10**13, 0, 0, None))]))
    assert "K 列" in message and "金额过大" in message


def test_total_not_equal_to_the_sum_of_sources_is_located(world):
    message = rejected(world, xlsx_bytes([HEADER, project_row(full=("100", "20.5", "0", "120"))]))
    assert "第 2 行 N 列 （全年预算-合计）" in message
    assert "合计 120 万元与各资金来源之和 120.5 万元不相等" in message


def test_unknown_unit_code_is_located(world):
    message = rejected(world, xlsx_bytes([HEADER, project_row(unit="NOPE")]))
    assert "第 2 行 D 列 （单位编码）：找不到单位编码“NOPE”" in message


def test_unit_of_another_region_is_unknown(world):
    assert "找不到单位编码“UB”" in rejected(world, xlsx_bytes([HEADER, project_row(unit="UB")]))


def test_duplicate_project_code_in_the_file_names_both_rows(world):
    data = xlsx_bytes([HEADER, project_row("P9"), project_row("P8"), project_row("P9")])
    message = rejected(world, data)
    assert "第 4 行 B 列 （项目编码）：项目编码“P9”在 2022 年度重复（与第 2 行）" in message


def test_unknown_project_kind_lists_the_kinds(world):
    message = rejected(world, xlsx_bytes([HEADER, project_row(kinds="专项资金、神秘项目")]))
    assert "E 列 （项目类别）：未知的项目类别：神秘项目" in message and "政府采购" in message


def test_unknown_parent_project_is_located(world):
    message = rejected(world, xlsx_bytes([HEADER, project_row(parent="NOPE")]))
    assert "F 列 （一级项目编码）：找不到一级项目“NOPE”" in message


def test_new_project_that_is_its_own_parent_is_refused(world):
    message = rejected(world, xlsx_bytes([HEADER, project_row("P9", parent="P9")]))
    assert "第 2 行 F 列 （一级项目编码）：项目不能以自身为上级项目" in message


def test_parent_that_is_a_level_two_project_in_the_same_file_is_refused(world):
    data = xlsx_bytes(
        [HEADER, project_row("P7", parent="P8"), project_row("P8", parent="P9"), project_row("P9")]
    )
    message = rejected(world, data)
    assert "第 2 行 F 列 （一级项目编码）：上级项目“P8”本身是二级项目" in message


def test_parent_that_is_a_level_two_project_in_the_database_is_refused_during_save(world):
    Project.objects.filter(pk=world.projects["P1A"].pk).update(parent=world.projects["P1"])
    message = rejected(
        world, xlsx_bytes([HEADER, project_row("P9"), project_row("P8", parent="P1A")])
    )
    assert "第 3 行 F 列" in message and "本身是二级项目" in message


def test_sheet_with_only_a_header_is_refused(world):
    assert "没有任何数据行" in rejected(world, xlsx_bytes([("项目表",), HEADER]))


def test_missing_required_column_is_named(world):
    data = xlsx_bytes([HEADER[:4] + HEADER[5:], (2022, "P9", "项目", "U1", None)])
    message = rejected(world, data)
    assert "找不到表头" in message and "项目类别" in message


def test_name_longer_than_the_database_column_is_refused(world):
    message = rejected(world, xlsx_bytes([HEADER, project_row(name="项" * 301)]))
    assert "C 列 （项目名称）：内容过长" in message


def test_service_refusal_for_a_unit_outside_the_actors_scope_is_located(world):
    """The filer of U1 may keep U1's projects only: the U2 row is refused while saving, and
    the U1 row saved just before it is rolled back with it."""
    data = xlsx_bytes([HEADER, project_row("P9", unit="U1"), project_row("P8", unit="U2")])
    message = rejected(world, data, user="filer")
    assert "工作表“项目” 第 3 行" in message and "不能维护该单位的项目" in message
    assert not Project.objects.filter(code="P9").exists()


def test_closed_year_refusal_is_located(world):
    FiscalYear.objects.filter(region=world.region, year=2021).update(status="closed")
    message = rejected(world, xlsx_bytes([HEADER, project_row("P9", year=2021)]))
    assert "第 2 行" in message and "2021 年度已关闭" in message


def test_too_many_rows_is_refused(world, settings):
    settings.JIXIAO_IMPORT_MAX_ROWS = 3
    assert "行上限" in rejected(world, xlsx_bytes(GOOD))


# --- JSON ----------------------------------------------------------------------------------------


def test_json_projects_with_nested_amounts_import_exactly(world):
    items = [
        {
            "year": 2022,
            "code": "P9",
            "name": "教师培训项目",
            "unit": "U1",
            "kinds": ["专项资金", "政府采购"],
            "multi_year": True,
            "serves_public": False,
            "initial": {"current": "207.4538", "carryover": 0, "other": 0, "total": "207.4538"},
            "full": {"current": 207.4538, "carryover": 0.1, "other": 0.2, "total": "207.7538"},
        },
        {
            "year": 2022,
            "code": "P9A",
            "name": "子项目",
            "unit": "U1A",
            "kinds": ["一般项目"],
            "parent": "P9",
        },
    ]
    result = import_projects(world, json.dumps(items).encode(), "projects.json")
    assert result.created == 2
    p9 = get("P9")
    assert (str(p9.initial_current), str(p9.full_carryover), str(p9.full_other)) == (
        "207.453800",
        "0.100000",
        "0.200000",
    )
    assert p9.multi_year and not p9.serves_public and get("P9A").parent == p9


def test_json_problems_count_objects_from_one(world):
    items = [
        {"year": 2022, "code": "P9", "name": "甲", "unit": "U1", "kinds": ["专项资金"]},
        {
            "year": 2022,
            "code": "P8",
            "name": "乙",
            "unit": "U1",
            "kinds": ["专项资金"],
            "full": {"current": "1", "carryover": "0", "other": "0", "total": "2"},
        },
    ]
    message = rejected(world, json.dumps(items).encode(), "projects.json")
    assert "工作表“JSON” 第 2 行" in message and "（全年预算-合计）" in message


def test_bad_json_is_refused(world):
    assert "JSON 格式错误" in rejected(world, b'[{"code": "P9",', "projects.json")


def test_json_from_the_api_shape_round_trips(world):
    exported = json.dumps([serialize(world.projects["P1"])], ensure_ascii=False).encode()
    Project.objects.filter(pk=world.projects["P1"].pk).update(full_current=0, name="临时")
    import_projects(world, exported, "p.json")
    p1 = get("P1")
    assert (p1.name, p1.full_current, p1.full_carryover) == (
        "项目P1",
        Decimal("100.123456"),
        Decimal("20.5"),
    )


# --- the import page and template ------------------------------------------------------------------


def upload(data: bytes, name: str = "projects.xlsx"):
    return {"file": SimpleUploadedFile(name, data)}


def test_import_page_shows_the_form_to_the_budget_office(client_for):
    response = client_for("budget").get(reverse("project-import"))
    assert response.status_code == 200 and reverse("project-template") in response.content.decode()


def test_import_page_imports_a_good_file_and_redirects(client_for, world):
    response = client_for("budget").post(reverse("project-import"), upload(xlsx_bytes(GOOD)))
    assert response.status_code == 302 and response["Location"] == reverse("project-list")
    assert get("P9A").parent == get("P9")


def test_import_page_lists_problems_with_status_400_and_writes_nothing(client_for, world):
    client = client_for("budget")
    before = counts()
    data = xlsx_bytes([HEADER, project_row(full=("12,3a4", "0", "0", None))])
    response = client.post(reverse("project-import"), upload(data))
    assert response.status_code == 400
    page = response.content.decode()
    assert "<td>项目</td><td>2</td><td>K</td><td>全年预算-当年财政拨款</td>" in page
    assert "“12,3a4”不是有效的金额数字" in page
    assert counts() == before


def test_import_page_refuses_a_renamed_file_with_status_400(client_for):
    client = client_for("budget")
    before = counts()
    response = client.post(reverse("project-import"), upload(b"just some text", "p.xlsx"))
    assert response.status_code == 400 and "改了扩展名" in response.content.decode()
    assert counts() == before


def test_import_page_is_forbidden_to_a_unit_filer(client_for):
    client = client_for("filer")
    before = counts()
    assert client.get(reverse("project-import")).status_code == 403
    assert client.post(reverse("project-import"), upload(xlsx_bytes(GOOD))).status_code == 403
    assert counts() == before


def test_import_page_sends_anonymous_users_to_login(client, db):
    response = client.get(reverse("project-import"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_budget_office_of_another_region_cannot_import_into_region_a(client_for, world):
    """Region B's budget office imports into its working region, B: region A's unit codes are
    unknown there, even with region A forced into its session."""
    client = client_for("other_region")
    session = client.session
    session["work_region_id"] = world.region.id
    session.save()
    before = counts()
    data = xlsx_bytes([HEADER, project_row("P1", unit="U1", name="越权修改")])
    response = client.post(reverse("project-import"), upload(data))
    assert response.status_code == 400
    assert "找不到单位编码“U1”" in response.content.decode()
    assert counts() == before and get("P1").name == "项目P1"


def test_project_template_is_an_xlsx_the_importer_recognises(client_for):
    response = client_for("budget").get(reverse("project-template"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    rows, problems = parse_sheet(read_tables(data, "t.xlsx")[0], ProjectImporter.columns)
    assert problems == [] and rows[0].values["full_total"] == Decimal("120.5")
