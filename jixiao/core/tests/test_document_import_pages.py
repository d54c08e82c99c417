"""The web import pages of monitoring reports and self-evaluations: the core
import page over the shared document importer (`DocumentImporter.for_page`), for a unit's filer
into their own units. A good file is written whole; a bad one lists its located problems and
writes nothing; another unit's filer writes nothing of ours; the bureau (代录 is the command
line's) gets 403; an anonymous visitor goes to the login page."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jixiao.core.models import AuditLog
from jixiao.core.tests.test_document_imports import (
    below,
    reports_file,
    saved,
    selfevals_file,
    written,
)
from jixiao.evaluations.models import SelfEvaluation
from jixiao.monitoring.models import Report

# kind → (import page, list page, the file of P1's document, its model, a money label)
PAGES = {
    "monitoring": (
        "/monitoring/reports/import/",
        "/monitoring/reports/",
        reports_file,
        Report,
        "全年预计执行数",
    ),
    "selfevals": (
        "/evaluations/import/",
        "/evaluations/",
        selfevals_file,
        SelfEvaluation,
        "全年执行数",
    ),
}


def post(client, url: str, name: str, data: bytes):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("kind", PAGES)
def test_the_filer_imports_a_good_xlsx_file(world, declare, client_for, kind):
    url, list_url, make_file, model, _money = PAGES[kind]
    data = make_file(world, declare)
    client = client_for("filer")
    page = client.get(url)
    assert page.status_code == 200 and "?template=1" in page.content.decode()
    assert "文件（.xlsx 或 .json）" in page.content.decode()
    response = post(client, url, "表.xlsx", data)
    assert response.status_code == 302 and response["Location"] == list_url
    assert "导入成功：共 1 张表" in client.get(list_url).content.decode()
    assert AuditLog.objects.filter(action="import").exists()


def test_the_filers_json_monitoring_report_is_written(world, declare, client_for):
    (item,) = json.loads(reports_file(world, declare, "json"))
    item["execution_note"] = "网页导入：上半年拨付缓慢"
    data = json.dumps([item], ensure_ascii=False).encode()
    response = post(client_for("filer"), "/monitoring/reports/import/", "m.json", data)
    assert response.status_code == 302
    report = Report.objects.get(project__code="P1")
    assert report.execution_note == "网页导入：上半年拨付缓慢"


def test_the_filers_json_self_evaluation_is_created(world, declare, client_for):
    data = selfevals_file(world, declare, "json")
    SelfEvaluation.objects.all().delete()
    response = post(client_for("filer"), "/evaluations/import/", "s.json", data)
    assert response.status_code == 302
    (selfeval,) = SelfEvaluation.objects.all()
    assert selfeval.project.code == "P1" and selfeval.unit == world.units["U1"]


@pytest.mark.parametrize("kind", PAGES)
def test_a_bad_file_lists_its_located_problems_and_writes_nothing(world, declare, client_for, kind):
    url, _list, make_file, model, money = PAGES[kind]
    book = openpyxl.load_workbook(io.BytesIO(make_file(world, declare)))
    (sheet,) = book.worksheets
    bad = below(sheet, money)
    bad.value = "一百万"
    before = written(model)
    response = post(client_for("filer"), url, "坏.xlsx", saved(book))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert (problems[0].sheet, problems[0].row, problems[0].column) == (
        sheet.title,
        bad.row,
        bad.column_letter,
    )
    assert "未导入任何数据" in response.content.decode()
    assert written(model) == before


@pytest.mark.parametrize("kind", PAGES)
def test_another_units_filer_cannot_import_into_our_unit(world, declare, client_for, kind):
    url, _list, make_file, model, _money = PAGES[kind]
    data = make_file(world, declare, "json")
    before = written(model)
    response = post(client_for("other"), url, "ours.json", data)
    assert response.status_code == 400
    assert "没有您可填报的项目编码“P1”" in response.content.decode()
    assert written(model) == before


@pytest.mark.parametrize("kind", PAGES)
def test_the_bureau_is_refused_the_page_and_anonymous_goes_to_login(world, client_for, kind):
    url, list_url, *_ = PAGES[kind]
    assert client_for("budget").get(url).status_code == 403
    assert f'href="{url}"' not in client_for("budget").get(list_url).content.decode()
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("kind", PAGES)
def test_the_list_links_the_filer_to_the_page(world, client_for, kind):
    url, list_url, *_ = PAGES[kind]
    assert f'href="{url}"' in client_for("filer").get(list_url).content.decode()


@pytest.mark.parametrize("kind", PAGES)
def test_the_template_is_the_filers_own_forms_and_is_logged_as_an_export(
    world, declare, client_for, kind
):
    url, _list, make_file, *_ = PAGES[kind]
    make_file(world, declare)
    response = client_for("filer").get(url + "?template=1")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.worksheets
    (entry,) = AuditLog.objects.filter(action="export")
    assert entry.object_type == kind and entry.actor_name == "filer"
