"""The indicator library (指标库): the national content the migration loads, its quality under the
lint, the library pages by role and region, the import (good and bad files), the load command
and the declaration form's search (targets.selectors.library_search)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from jixiao.core.imports import IMPORTERS, run_import
from jixiao.core.models import AuditLog, ImportBatch
from jixiao.core.rulebook import named
from jixiao.core.tabular import InputRejected
from jixiao.indicators.importers import HEADERS, LibraryImporter
from jixiao.indicators.models import IndicatorTemplate
from jixiao.indicators.rules import CLASSIC
from jixiao.indicators.values import parse_target_value
from jixiao.targets.declaration import Declaration, IndicatorLine
from jixiao.targets.lint import lint
from jixiao.targets.selectors import library_search

LIBRARY = Path(__file__).resolve().parents[1] / "data" / "library.json"
SECTORS = (
    "教育",
    "卫生健康",
    "农业农村",
    "城市管理",
    "住房城乡建设",
    "民政",
    "文化旅游",
    "人力资源社会保障",
    "应急管理",
    "市场监管",
    "生态环境",
    "科技",
    "交通运输",
    "政法",
    "通用",
)
OUTPUTS = ("数量指标", "质量指标", "时效指标", "成本指标")
BENEFITS = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")


def national():
    return IndicatorTemplate.objects.filter(region__isnull=True)


def xlsx_bytes(rows, title: str = "指标库") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ("甲区指标库",),  # a title above the header, as official tables have
    HEADERS,
    (
        "城市管理",
        "个性",
        "产出指标",
        "数量指标",
        "背街小巷改造条数",
        "≥30条",
        "条",
        "以竣工验收资料为准",
    ),
    ("城市管理", "", "产出指标(50分)", "时效值", "背街小巷改造完工时间", "11月底前完成", "", ""),
    ("通用", "共性", "成本指标", "经济成本指标", "单条背街小巷改造成本", "≤80万元", "万元", ""),
]


def counts():
    return (
        IndicatorTemplate.objects.count(),
        ImportBatch.objects.count(),
        AuditLog.objects.count(),
    )


def import_library(world, data: bytes, filename: str = "library.xlsx", region=None):
    importer = LibraryImporter(actor=world.performance, region=region or world.region)
    return run_import(importer, data, filename)


def rejected(world, data: bytes, filename: str = "library.xlsx") -> str:
    """Import expecting refusal; check nothing was written; return the problems as text."""
    before = counts()
    with pytest.raises(InputRejected) as exc:
        import_library(world, data, filename)
    assert counts() == before
    return "\n".join(str(p) for p in exc.value.problems)


def region_template(region, name="背街小巷保洁面积", **fields):
    defaults = {
        "sector": "城市管理",
        "category": "产出指标",
        "subcategory": "数量指标",
        "value_hint": "≥5万平方米",
        "unit": "万平方米",
    }
    return IndicatorTemplate.objects.create(region=region, name=name, **{**defaults, **fields})


# --- content: the national library the migration loads ---------------------------------------


def test_migration_loaded_the_national_library_for_every_sector_and_classic_subcategory(db):
    rows = national()
    assert rows.count() >= 200
    assert rows.count() == len(json.loads(LIBRARY.read_text(encoding="utf-8")))
    assert set(rows.values_list("sector", flat=True)) == set(SECTORS)
    classic = {(cat, sub) for cat, subs in CLASSIC.items() for sub in subs}
    assert set(rows.values_list("category", "subcategory")) == classic
    for sector in SECTORS:
        subs = set(rows.filter(sector=sector).values_list("subcategory", flat=True))
        assert set(OUTPUTS) <= subs, sector
        assert subs & set(BENEFITS), sector
        assert "服务对象满意度指标" in subs, sector
    assert set(rows.filter(sector="通用").values_list("kind", flat=True)) == {"common"}
    assert rows.filter(active=True).count() == rows.count()


def test_most_national_templates_explain_how_they_are_computed(db):
    rows = national()
    assert rows.exclude(explanation="").count() >= rows.count() * 0.9
    assert not rows.filter(value_hint="").exists()


def test_every_value_hint_parses_and_passes_the_lint_of_vague_and_process_measures(db):
    rules = named()
    lint_rules, catalogue = rules.section("lint"), rules.section("catalogue")
    failures = []
    for t in national():
        value = parse_target_value(
            t.value_hint,
            category=t.category,
            subcategory=t.subcategory,
            year=2022,
            unit=t.unit or None,
        )
        if not value.ok:
            failures.append((t.name, t.value_hint, value.problems))
            continue
        line = IndicatorLine(t.category, t.subcategory, t.name, value, unit=t.unit or None)
        result = lint(
            Declaration(goal="年度目标", indicators=(line,)), rules=lint_rules, catalogue=catalogue
        )
        found = [f.code for f in result.findings if f.code in ("T10", "T11", "T12")]
        if found or result.notes:
            failures.append((t.name, t.value_hint, found, result.notes))
    assert failures == []


def test_no_process_measure_is_offered_as_an_output_or_benefit(db):
    words = named().section("lint")["T11"]["process_words"]
    names = national().values_list("name", flat=True)
    assert [n for n in names if any(w in n for w in words)] == []


def test_migration_is_idempotent_and_load_library_reloads_without_duplicates(db):
    before = national().count()
    t = national().get(sector="教育", name="资助家庭经济困难学生人数")
    t.value_hint = "≥1人"
    t.save()
    out = io.StringIO()
    call_command("load_library", stdout=out, stderr=io.StringIO())
    assert "新增 0" in out.getvalue()
    assert national().count() == before
    t.refresh_from_db()
    assert t.value_hint == "≥1200人"


# --- the library page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["filer", "leader", "business", "budget", "performance", "auditor"]
)
def test_every_staff_role_reads_the_library(client_for, persona):
    response = client_for(persona).get(reverse("library"), {"q": "资助家庭经济困难学生人数"})
    assert response.status_code == 200
    assert "按学生资助管理信息系统中当年实际享受资助的学生人数统计" in response.content.decode()


@pytest.mark.parametrize("persona", ["admin", "expert", "agency", "public"])
def test_non_staff_roles_do_not_get_the_library(client_for, persona):
    assert client_for(persona).get(reverse("library")).status_code == 403


def test_library_page_filters_by_sector_subcategory_kind_and_keyword(client_for):
    client = client_for("filer")
    page = client.get(reverse("library"), {"sector": "卫生健康"}).context["page"]
    assert page.paginator.count == national().filter(sector="卫生健康").count()
    assert {t.sector for t in page} == {"卫生健康"}
    page = client.get(reverse("library"), {"subcategory": "时效指标", "sector": "教育"})
    assert {t.subcategory for t in page.context["page"]} == {"时效指标"}
    page = client.get(reverse("library"), {"kind": "common"}).context["page"]
    assert page.paginator.count == national().filter(kind="common").count()
    assert {t.sector for t in page} == {"通用"}
    page = client.get(reverse("library"), {"q": "疫苗"}).context["page"]
    assert page.paginator.count >= 1 and all("疫苗" in t.name + t.explanation for t in page)


def test_library_page_is_paginated_with_the_shared_pager(client_for):
    response = client_for("filer").get(reverse("library"), {"page": 2})
    assert response.context["page"].number == 2
    assert 'class="pager"' in response.content.decode()


def test_library_export_is_the_import_layout_and_keeps_the_filters(client_for):
    response = client_for("auditor").get(reverse("library"), {"sector": "科技", "export": "xlsx"})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == HEADERS
    assert len(rows) - 2 == national().filter(sector="科技").count()


def test_library_page_shows_editing_only_to_the_performance_office(client_for):
    assert client_for("performance").get(reverse("library")).context["can_edit"] is True
    body = client_for("budget").get(reverse("library")).content.decode()
    assert reverse("library-create") not in body


# --- regional templates: performance office only, own region only ----------------------------


def form_data(**changes):
    data = {
        "sector": "城市管理",
        "kind": "specific",
        "category": "产出指标",
        "subcategory": "数量指标",
        "name": "背街小巷改造条数",
        "value_hint": "≥30条",
        "unit": "条",
        "explanation": "以竣工验收资料为准",
        "active": "on",
    }
    return {**data, **changes}


def test_performance_office_adds_a_region_template(world, client_for):
    response = client_for("performance").post(reverse("library-create"), form_data())
    assert response.status_code == 302
    t = IndicatorTemplate.objects.get(name="背街小巷改造条数")
    assert (t.region, t.sector, t.subcategory, t.value_hint, t.active) == (
        world.region,
        "城市管理",
        "数量指标",
        "≥30条",
        True,
    )
    assert AuditLog.objects.filter(
        object_type="indicators.indicatortemplate", object_id=str(t.pk), action="create"
    ).exists()
    assert t in library_search(q="背街小巷", region=world.region)


def test_filer_cannot_add_edit_or_deactivate_templates(world, client_for):
    client = client_for("filer")
    own = region_template(world.region)
    assert client.get(reverse("library-create")).status_code == 403
    assert client.post(reverse("library-create"), form_data()).status_code == 403
    assert client.post(reverse("library-edit", args=[own.pk]), form_data()).status_code == 403
    assert client.post(reverse("library-deactivate", args=[own.pk])).status_code == 403
    assert client.get(reverse("library-import")).status_code == 403
    assert not IndicatorTemplate.objects.filter(name="背街小巷改造条数").exists()
    own.refresh_from_db()
    assert own.active


def test_unplaceable_subcategory_is_refused_on_the_form(client_for):
    response = client_for("performance").post(
        reverse("library-create"), form_data(category="效益指标", subcategory="数量指标")
    )
    assert response.status_code == 200
    assert "不属于一级指标" in response.content.decode()
    assert not IndicatorTemplate.objects.filter(name="背街小巷改造条数").exists()


def test_unreadable_value_hint_is_refused_on_the_form(client_for):
    response = client_for("performance").post(
        reverse("library-create"), form_data(value_hint="≥ %")
    )
    assert response.status_code == 200 and response.context["form"].errors["value_hint"]


def test_performance_office_edits_and_deactivates_its_own_template(world, client_for):
    client = client_for("performance")
    own = region_template(world.region)
    response = client.post(
        reverse("library-edit", args=[own.pk]),
        form_data(name="背街小巷保洁面积", value_hint="≥8万平方米", unit="万平方米"),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.value_hint == "≥8万平方米"
    assert client.post(reverse("library-deactivate", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.active is False
    assert own not in library_search(q="背街小巷", region=world.region)
    hidden = client.get(reverse("library"), {"q": "背街小巷"}).context["page"]
    assert own not in list(hidden)
    shown = client.get(reverse("library"), {"q": "背街小巷", "inactive": "1"}).context["page"]
    assert own in list(shown)
    client.post(reverse("library-deactivate", args=[own.pk]), {"action": "activate"})
    own.refresh_from_db()
    assert own.active is True


def test_national_templates_are_read_only(client_for):
    t = national().first()
    client = client_for("performance")
    assert client.get(reverse("library-edit", args=[t.pk])).status_code == 403
    assert client.post(reverse("library-edit", args=[t.pk]), form_data()).status_code == 403
    assert client.post(reverse("library-deactivate", args=[t.pk])).status_code == 403
    t.refresh_from_db()
    assert t.active


def test_other_regions_templates_are_invisible(world, client_for):
    theirs = region_template(world.region_b, name="乙区特色指标")
    client = client_for("performance")
    page = client.get(reverse("library"), {"q": "乙区特色指标"}).context["page"]
    assert page.paginator.count == 0
    assert client.get(reverse("library-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("library-deactivate", args=[theirs.pk])).status_code == 404
    assert (
        client_for("filer")
        .get(reverse("target-library"), {"q": "乙区特色指标"})
        .context["templates"]
        .count()
        == 0
    )


def test_library_search_returns_national_and_own_region_rows_only(world):
    own = region_template(world.region, name="甲区专用指标")
    theirs = region_template(world.region_b, name="乙区专用指标")
    rows = list(library_search(region=world.region, limit=10_000))
    assert own in rows and theirs not in rows
    assert {t.region_id for t in rows} == {None, world.region.id}
    assert len(rows) == national().count() + 1
    assert theirs in library_search(region=world.region_b, q="乙区专用指标")
    assert list(library_search(q="甲区专用指标")) == []  # no region: national only


def test_menu_lists_the_library_for_staff(client_for):
    body = client_for("filer").get(reverse("library")).content.decode()
    assert f'href="{reverse("library")}"' in body


# --- import ----------------------------------------------------------------------------------


def test_good_file_imports_region_templates_placed_in_the_catalogue(world):
    before = national().count()
    result = import_library(world, xlsx_bytes(GOOD))
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    rows = {t.name: t for t in IndicatorTemplate.objects.filter(region=world.region)}
    assert set(rows) == {"背街小巷改造条数", "背街小巷改造完工时间", "单条背街小巷改造成本"}
    done = rows["背街小巷改造完工时间"]
    assert (done.category, done.subcategory, done.kind) == ("产出指标", "时效指标", "specific")
    cost = rows["单条背街小巷改造成本"]
    assert (cost.category, cost.subcategory, cost.kind) == ("成本指标", "经济成本指标", "common")
    assert national().count() == before
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.kind, batch.region_code) == ("library", world.region.code)
    again = import_library(world, xlsx_bytes(GOOD))
    assert (again.created, again.updated) == (0, 3)


def test_json_file_with_chinese_keys_imports(world):
    items = [
        {
            "行业领域": "民政",
            "类型": "个性指标",
            "一级指标": "满意度指标",
            "二级指标": "服务对象满意度指标",
            "三级指标": "助餐服务老年人满意度",
            "参考指标值": "≥90%",
            "度量单位": "%",
            "指标解释": "问卷调查",
        }
    ]
    result = import_library(world, json.dumps(items, ensure_ascii=False).encode(), "lib.json")
    assert result.created == 1
    assert IndicatorTemplate.objects.get(region=world.region, name="助餐服务老年人满意度")


def test_unknown_subcategory_is_a_located_error_and_nothing_is_written(world):
    rows = [
        *GOOD,
        ("城市管理", "个性", "产出指标", "过程指标", "背街小巷巡查次数", "≥12次", "次", ""),
    ]
    text = rejected(world, xlsx_bytes(rows))
    assert "工作表“指标库” 第 6 行 D 列 （二级指标）" in text
    assert "二级指标“过程指标”不在传统指标体系或2021年指标体系中" in text
    assert not IndicatorTemplate.objects.filter(name__startswith="背街小巷").exists()


def test_bad_values_duplicates_and_missing_columns_are_all_reported(world):
    rows = [
        *GOOD,
        ("城市管理", "个性", "效益指标", "数量指标", "错放的指标", "≥1个", "个", ""),
        ("城市管理", "个性", "产出指标", "数量指标", "背街小巷改造条数", "≥ %", "", ""),
    ]
    text = rejected(world, xlsx_bytes(rows))
    assert "第 6 行 D 列" in text and "不属于一级指标“效益指标”" in text
    assert "第 7 行 F 列" in text  # unreadable 参考指标值
    assert "第 7 行 E 列" in text and "重复（与第 3 行）" in text
    text = rejected(
        world,
        xlsx_bytes(
            [HEADERS, ("城市管理", "其他", "产出指标", "数量指标", "类型不对", "≥1个", "个", "")]
        ),
    )
    assert "第 2 行 B 列" in text and "不在可选值中" in text
    text = rejected(world, xlsx_bytes([("行业领域", "三级指标"), ("教育", "某指标")]))
    assert "找不到表头" in text


def test_import_page_imports_for_the_working_region(world, client_for):
    client = client_for("performance")
    assert client.get(reverse("library-import")).status_code == 200
    upload = SimpleUploadedFile("lib.xlsx", xlsx_bytes(GOOD))
    response = client.post(reverse("library-import"), {"file": upload})
    assert response.status_code == 302
    assert IndicatorTemplate.objects.filter(region=world.region).count() == 3
    bad = SimpleUploadedFile(
        "bad.xlsx",
        xlsx_bytes([HEADERS, ("教育", "", "产出指标", "未知", "某指标", "≥1个", "个", "")]),
    )
    response = client.post(reverse("library-import"), {"file": bad})
    assert response.status_code == 400 and "未知" in response.content.decode()


def test_import_template_download_reimports_cleanly(world, client_for):
    response = client_for("performance").get(reverse("library-template"))
    assert response.status_code == 200
    result = import_library(world, response.content)
    assert result.created == 2


def test_cli_import_library_kind_is_registered_and_loads_for_a_region(world, tmp_path):
    assert IMPORTERS["library"] is LibraryImporter
    path = tmp_path / "lib.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    out = io.StringIO()
    call_command("import", "library", str(path), "--region", "100101", stdout=out)
    assert "新增 3" in out.getvalue()
    assert IndicatorTemplate.objects.filter(region=world.region).count() == 3


def test_load_library_command_loads_a_file_for_a_region_as_the_performance_office(world, tmp_path):
    path = tmp_path / "lib.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    call_command("load_library", str(path), "--region", "100101", stdout=io.StringIO())
    assert IndicatorTemplate.objects.filter(region=world.region).count() == 3
    batch = ImportBatch.objects.get(kind="library")
    assert batch.actor == world.performance
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes([HEADERS, ("教育", "", "产出指标", "未知", "某指标", "", "", "")]))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command(
            "load_library",
            str(bad),
            "--region",
            "100101",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError, match="没有绩效办账号"):
        call_command("load_library", str(path), "--region", "100102", stdout=io.StringIO())
