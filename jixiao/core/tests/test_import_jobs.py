"""A file import past the rulebook's row threshold runs as a background job of its user with
the page's own importer (core/import_jobs.py), and the performance office runs the scheduled
job (`tick`) as a background job from the alert list (monitoring/tick_job.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from jixiao.budgets.importers import ProjectImporter
from jixiao.budgets.models import Project
from jixiao.budgets.tests.test_project_import import GOOD, HEADER, project_row, xlsx_bytes
from jixiao.core import import_jobs
from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog, ImportBatch, Job
from jixiao.core.rulebook import rulebook_save
from jixiao.monitoring.models import Alert
from jixiao.monitoring.tests.test_services import approved, monitoring_round  # noqa: F401
from jixiao.targets.tests.test_excel import three_declarations  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def threshold(world, rows: int) -> None:
    rulebook_save(
        region_code="100101",
        year=2022,
        values={"jobs": {"threshold_rows": rows}},
        actor=world.admin,
    )


def upload(data: bytes, name: str = "projects.xlsx"):
    return {"file": SimpleUploadedFile(name, data)}


def projects_state() -> list[tuple]:
    """What an import of GOOD leaves: each project of 2022 with its amounts and parent."""
    return sorted(
        (p.code, p.name, p.unit.code, str(p.full_total), str(p.initial_current), p.parent_code)
        for p in Project.objects.filter(region__code="100101", year=2022)
        .select_related("unit")
        .annotate(parent_code=F("parent__code"))
    )


def stored_uploads(tmp_path: Path) -> list[Path]:
    folder = tmp_path / import_jobs.UPLOADS
    return list(folder.iterdir()) if folder.exists() else []


# --- counting rows before parsing -------------------------------------------------------------


def xlsx_of(rows: int, sheets: int = 1) -> bytes:
    book = openpyxl.Workbook()
    for n in range(sheets):
        ws = book.active if n == 0 else book.create_sheet(f"S{n}")
        for i in range(rows):
            ws.append([i, "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def without_dimension(data: bytes) -> bytes:
    """The same workbook with its worksheets' <dimension> elements removed."""
    import re

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension[^>]*/>", b"", content)
            target.writestr(info, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "rows"),
    [
        (b"a,b\n1,2\n3,4\n", "p.csv", 3),
        (b"a,b\r\n1,2\r\n3,4", "p.csv", 3),
        ("项目编码\n甲\n".encode("gbk"), "p.csv", 2),
        (b"", "p.csv", 0),
        (json.dumps([{"code": "P1"}, {"code": "P2", "full": {"total": 1}}]).encode(), "p.json", 3),
        (xlsx_of(40), "p.xlsx", 40),
        (xlsx_of(30, sheets=3), "p.xlsx", 90),
        (without_dimension(xlsx_of(25, sheets=2)), "p.xlsx", 50),
        (b"PK\x03\x04 not really a zip", "p.xlsx", 0),
        (b"just text", "p.xlsx", 0),
    ],
)
def test_rows_are_counted_without_parsing_the_file(data, name, rows):
    assert import_jobs.count_rows(data, name) == rows


# --- an import past the threshold -----------------------------------------------------------------


def test_a_file_past_the_threshold_becomes_a_job_with_the_in_request_result(
    world, client_for, tmp_path
):
    data = xlsx_bytes(GOOD)
    with transaction.atomic():  # the same file imported in the request, then undone
        direct = run_import(
            ProjectImporter(actor=world.budget, region=world.region), data, "p.xlsx"
        )
        expected = projects_state()
        transaction.set_rollback(True)
    before = projects_state()
    threshold(world, 1)
    response = client_for("budget").post(reverse("project-import"), upload(data, "p.xlsx"))
    job = Job.objects.get(kind="import")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.user == world.budget and job.status == Job.Status.DONE, job.error
    assert job.params["rows"] == len(GOOD) > 1
    assert {k: job.result[k] for k in ("rows", "created", "updated")} == {
        "rows": direct.rows,
        "created": direct.created,
        "updated": direct.updated,
    }
    assert projects_state() == expected != before
    batch = ImportBatch.objects.get(pk=job.result["batch"])
    assert batch.actor == world.budget and batch.filename == "p.xlsx"
    assert stored_uploads(tmp_path) == []  # the uploaded bytes are gone with the job
    page = client_for("budget").get(f"/jobs/{job.pk}/").content.decode()
    assert f"导入成功：共 {direct.rows} 行，新增 {direct.created}，更新 {direct.updated}。" in page
    assert 'class="status status-done"' in page


@pytest.mark.django_db(transaction=True)
def test_the_uploaded_bytes_reach_a_worker_process_that_imports_them(world, client_for, tmp_path):
    from django.test.utils import override_settings

    from jixiao.core.tests.test_jobs import DATABASE_QUEUE, _worker

    threshold(world, 1)
    with override_settings(TASKS=DATABASE_QUEUE):
        client_for("budget").post(reverse("project-import"), upload(xlsx_bytes(GOOD)))
    job = Job.objects.get(kind="import")
    assert job.status == Job.Status.QUEUED and len(stored_uploads(tmp_path)) == 1
    assert not Project.objects.filter(code="P9A").exists()  # nothing imported in the request
    worker = _worker("--batch")
    _out, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result["created"] > 0 and Project.objects.filter(code="P9A").exists()
    assert stored_uploads(tmp_path) == []


def test_a_file_at_the_threshold_is_imported_in_the_request(world, client_for):
    threshold(world, len(GOOD))
    response = client_for("budget").post(reverse("project-import"), upload(xlsx_bytes(GOOD)))
    assert response.status_code == 302 and response["Location"] == reverse("project-list")
    assert not Job.objects.exists()
    assert Project.objects.filter(code="P9A").exists()


def test_a_failing_file_writes_nothing_and_its_job_lists_the_located_problems(
    world, client_for, tmp_path
):
    threshold(world, 1)
    good = project_row("P8")
    bad = project_row("P7", full=("12,3a4", "0", "0", None))
    data = xlsx_bytes([HEADER, good, bad])
    counted = (Project.objects.count(), ImportBatch.objects.count(), AuditLog.objects.count())
    client = client_for("budget")
    response = client.post(reverse("project-import"), upload(data))
    job = Job.objects.get(kind="import")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.FAILED
    assert job.error == "发现 1 个问题，未导入任何数据。"
    [problem] = job.result["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("项目", 3, "K")
    assert "“12,3a4”不是有效的金额数字" in problem["message"]
    assert (Project.objects.count(), ImportBatch.objects.count()) == counted[:2]
    assert not Project.objects.filter(code="P8").exists()  # the good row is not written either
    assert stored_uploads(tmp_path) == []
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "<td>项目</td><td>3</td><td>K</td><td>全年预算-当年财政拨款</td>" in page
    assert 'class="status status-failed"' in page


def test_another_user_cannot_see_an_import_job(world, client_for):
    threshold(world, 1)
    client_for("budget").post(reverse("project-import"), upload(xlsx_bytes(GOOD)))
    job = Job.objects.get(kind="import")
    for persona in ("other", "performance", "other_region"):
        assert client_for(persona).get(f"/jobs/{job.pk}/").status_code == 404
        assert client_for(persona).get(f"/api/v1/jobs/{job.pk}").status_code == 404


def test_a_document_importer_is_rebuilt_as_the_page_built_it(world):
    from jixiao.targets.importers import TargetImporter

    page = TargetImporter.for_page(actor=world.filer, region=world.region, year=2022)
    spec = import_jobs.importer_spec(page)
    json.dumps(spec)  # it travels in the job's JSON parameters
    rebuilt = import_jobs.rebuild(spec, world.filer)
    assert type(rebuilt) is TargetImporter
    assert (rebuilt.region, rebuilt.year, rebuilt.as_filer, rebuilt.actor) == (
        world.region,
        2022,
        True,
        world.filer,
    )


def test_a_json_file_past_the_threshold_is_a_job_too(world, client_for):
    threshold(world, 1)
    items = [
        {"year": 2022, "code": "P9", "name": "甲", "unit": "U1", "kinds": ["专项资金"]},
        {"year": 2022, "code": "P8", "name": "乙", "unit": "U1", "kinds": ["专项资金"]},
    ]
    data = json.dumps(items, ensure_ascii=False).encode()
    client_for("budget").post(reverse("project-import"), upload(data, "p.json"))
    job = Job.objects.get(kind="import")
    assert job.status == Job.Status.DONE and job.result["created"] == 2


@pytest.mark.usefixtures("three_declarations")
def test_the_api_import_of_a_document_past_the_threshold_answers_202_and_its_job_imports_it(world):
    from jixiao.api.tests.test_exchange_api import URL, call
    from jixiao.targets.models import Target

    document = call(world, "filer", "get", URL).content
    Target.objects.filter(unit__code="U1", project__code="P1").delete()
    threshold(world, 1)
    push = "/api/v1/exchange/targets?region=100101&year=2022"
    answer = call(world, "filer", "post", push, document)
    assert answer.status_code == 202, answer.content
    job = Job.objects.get(kind="import")
    assert answer.json() == {"job": job.pk, "status_url": f"/api/v1/jobs/{job.pk}"}
    assert job.user == world.filer and job.status == Job.Status.DONE, job.error
    assert job.result["created"] >= 1 and Target.objects.filter(project__code="P1").exists()
    assert call(world, "filer", "get", f"/api/v1/jobs/{job.pk}").json()["status"] == "done"
    assert call(world, "other", "get", f"/api/v1/jobs/{job.pk}").status_code == 404


# --- the tick as a job ----------------------------------------------------------------------------


def overdue_alert(world, project_code: str) -> Alert:
    project = Project.objects.get(code=project_code, year=2022)
    return Alert.objects.create(
        region=project.region,
        year=2022,
        unit=project.unit,
        project=project,
        code="M01",
        level="red",
        message="执行进度偏慢",
        due_date=dt.date(2022, 9, 1),
    )


@pytest.mark.usefixtures("monitoring_round")
def test_the_performance_office_runs_the_tick_as_a_job_that_says_what_it_did_in_its_scope(
    world, client_for
):
    mine, theirs = overdue_alert(world, "P1"), overdue_alert(world, "PB")
    client = client_for("performance")
    assert reverse("tick-start") in client.get(reverse("alert-list")).content.decode()
    response = client.post(reverse("tick-start"))
    job = Job.objects.get(kind="tick")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.user == world.performance and job.status == Job.Status.DONE, job.error
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.status == theirs.status == Alert.Status.SUSPENDED  # the tick's work is global
    late = Alert.objects.filter(code="M07", region=world.region).count()
    assert late > 0  # the round's deadline (2022-08-15) has passed: its open reports are late
    assert job.result == {
        "today": job.params["today"],
        "late_report_alerts": late,
        "suspended": 1,  # region B's suspension is not counted for region A's office
    }
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f"新增逾期未报预警 {late} 条，暂停资金的预警 1 条" in page


@pytest.mark.parametrize("persona", ["budget", "filer", "other_region", "admin"])
def test_only_the_performance_office_may_start_the_tick(world, client_for, persona):
    client = client_for(persona)
    assert client.post(reverse("tick-start")).status_code == 403
    assert not Job.objects.filter(kind="tick").exists()
    assert reverse("tick-start") not in client.get(reverse("alert-list")).content.decode()


def test_the_tick_job_is_started_by_post_only_and_seen_only_by_its_user(world, client_for):
    client = client_for("performance")
    assert client.get(reverse("tick-start")).status_code == 405
    client.post(reverse("tick-start"))
    job = Job.objects.get(kind="tick")
    assert client_for("budget").get(f"/jobs/{job.pk}/").status_code == 404
    assert client_for("performance").get(f"/jobs/{job.pk}/").status_code == 200
