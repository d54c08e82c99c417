"""Background jobs (core/jobs.py): a job runs as its user and shows no more than that user
sees; it fails whole, saying why; its page, list and API show only one's own jobs; large exports
become jobs past the rulebook's threshold; the database queue runs with real worker processes,
each job exactly once."""

import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext, override_settings

from jixiao.core import jobs
from jixiao.core.models import AuditLog, Job, Rulebook
from jixiao.core.rulebook import rulebook_save
from jixiao.monitoring.tests.test_services import approved, monitoring_round  # noqa: F401
from jixiao.reports.tests.test_dashboard import year_2022  # noqa: F401 (fixture)

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["jixiao"]},
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def project_codes(data: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return sorted(
        str(c)
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if str(c) in {"P1", "P1A", "P2", "PB"}
    )


def export_params(name="projects.xlsx"):
    return {"kind": "projects", "region": "100101", "year": 2022, "name": name}


# --- running a job -----------------------------------------------------------------------------


def test_an_export_job_holds_only_what_its_user_may_see(world):
    mine = jobs.start(user=world.filer, kind="export", params=export_params())
    bureau = jobs.start(user=world.budget, kind="export", params=export_params())
    assert mine.status == bureau.status == Job.Status.DONE
    # The filer of U1 sees U1 and its level-2 unit U1A, never U2's P2; the bureau sees all three.
    assert project_codes(jobs.file_result(mine).data) == ["P1", "P1A"]
    assert project_codes(jobs.file_result(bureau).data) == ["P1", "P1A", "P2"]


def _writes_then_fails(job, progress):
    rulebook_save(
        region_code="100101", year=2022, values={"jobs": {"threshold_rows": 5}}, actor=job.user
    )
    progress(1, 2)
    raise ZeroDivisionError


def _refuses(job, progress):
    raise jobs.JobError("所选区划没有可汇总的数据。")


def test_a_failed_job_writes_nothing_and_says_why(world):
    jobs.register("test-writes-then-fails", _writes_then_fails, label="测试")
    jobs.register("test-refuses", _refuses, label="测试")
    failed = jobs.start(user=world.budget, kind="test-writes-then-fails", params={})
    assert failed.status == Job.Status.FAILED and failed.finished_at is not None
    assert "ZeroDivisionError" in failed.error and "没有写入任何数据" in failed.error
    assert not Rulebook.objects.filter(region_code="100101", year=2022).exists()
    refused = jobs.start(user=world.budget, kind="test-refuses", params={})
    assert refused.error == "所选区划没有可汇总的数据。"
    assert not refused.file


def test_progress_is_written_at_most_once_a_percent(world):
    job = Job.objects.create(user=world.budget, kind="export", params={})
    progress = jobs.Progress(job)
    with CaptureQueriesContext(connection) as queries:
        for _item in progress.over(range(1000)):
            pass
    assert len(queries) <= 102  # the start, each 1 % (10 items), the end; not 1,000 writes
    job.refresh_from_db()
    assert (job.done, job.total) == (1000, 1000)


def test_a_job_is_run_once_even_if_its_task_comes_twice(world):
    job = jobs.start(user=world.budget, kind="export", params=export_params())
    finished = job.finished_at
    jobs.run_job.call(job.pk)  # delivered again: the job is no longer queued, so nothing runs
    job.refresh_from_db()
    assert job.finished_at == finished and job.status == Job.Status.DONE


# --- pages and API ------------------------------------------------------------------------------


def test_the_job_pages_and_api_show_ones_own_jobs_and_audit_the_download(world, client_for):
    job = jobs.start(user=world.filer, kind="export", params=export_params("我的项目.xlsx"))
    client = client_for("filer")
    listing = client.get("/jobs/").content.decode()
    assert "数据导出" in listing and "我的项目.xlsx" in listing and "已完成" in listing
    detail = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/jobs/{job.pk}/result"' in detail
    assert "hx-trigger" not in detail  # finished: it no longer polls
    api = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert api == {
        "id": job.pk,
        "kind": "export",
        "status": "done",
        "done": 1,
        "total": 1,
        "error": "",
        "result_url": f"/api/v1/jobs/{job.pk}/result",
    }
    before = AuditLog.objects.filter(action="export").count()
    download = client.get(f"/jobs/{job.pk}/result")
    assert download.status_code == 200 and project_codes(download.content) == ["P1", "P1A"]
    entry = AuditLog.objects.filter(action="export").latest("pk")
    assert AuditLog.objects.filter(action="export").count() == before + 1
    assert entry.object_type == "projects" and entry.actor_name == "filer"
    assert entry.after["filter"]["job"] == job.pk


def test_a_running_job_polls_its_status_without_inline_script(world, client_for):
    job = Job.objects.create(user=world.filer, kind="export", status="running", done=3, total=10)
    page = client_for("filer").get(f"/jobs/{job.pk}/").content.decode()
    assert f'hx-get="/jobs/{job.pk}/"' in page and 'hx-trigger="every 2s"' in page
    assert '<progress max="10" value="3">' in page
    assert f'<a href="/jobs/{job.pk}/">' in page  # reload by hand without script
    fragment = client_for("filer").get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content
    assert b"<html" not in fragment and b'id="job-status"' in fragment


def test_another_users_job_is_404_everywhere(world, client_for):
    job = jobs.start(user=world.filer, kind="export", params=export_params())
    for persona in ("other", "budget"):
        client = client_for(persona)
        assert client.get(f"/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/jobs/{job.pk}/result").status_code == 404
        assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404
        assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()
    assert client_for("filer").get("/jobs/").status_code == 200


def test_the_job_list_is_in_the_menu(world, client_for):
    assert 'href="/jobs/"' in client_for("filer").get("/").content.decode()


# --- exports past the threshold ------------------------------------------------------------------


def test_a_list_export_past_the_rulebook_threshold_becomes_a_job_with_the_same_rows(
    year_2022,  # noqa: F811
    world,
    client_for,
):
    client = client_for("performance")
    url = "/dashboard/records/selfevals/?format=xlsx"
    direct = client.get(url)
    assert direct.status_code == 200  # 2 rows: under the default threshold of 2,000
    rulebook_save(
        region_code="100101", year=2022, values={"jobs": {"threshold_rows": 1}}, actor=world.admin
    )
    started = client.get(url)
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    job = Job.objects.get(pk=started["Location"].split("/")[2])
    assert job.kind == "records-export" and job.status == Job.Status.DONE
    result = client.get(started["Location"] + "result")

    def cells(data: bytes):
        return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))

    assert cells(result.content) == cells(direct.content)
    assert result["Content-Disposition"] == direct["Content-Disposition"]


# --- the database queue, real workers --------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"JIXIAO_TASKS_BACKEND"}}
    env["DATABASE_URL"] = _database_url()
    env["JIXIAO_MEDIA_ROOT"] = str(settings.MEDIA_ROOT)  # where the results are stored
    return subprocess.Popen(
        [sys.executable, "-m", "jixiao", "worker", "--quiet", *args],
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_waits_for_a_worker_and_two_workers_run_each_job_once(world):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_QUEUE):
        started = [
            jobs.start(user=world.filer, kind="export", params=export_params(f"{n}.xlsx"))
            for n in range(6)
        ]
    # Nothing runs in the request: the jobs wait in the database (they survive a restart).
    assert {job.status for job in started} == {Job.Status.QUEUED}
    assert DBTaskResult.objects.filter(status="READY").count() == 6
    workers = [_worker("--batch"), _worker("--batch")]
    for worker in workers:
        _out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()
    done = Job.objects.filter(pk__in=[j.pk for j in started])
    assert {job.status for job in done} == {Job.Status.DONE}
    for job in done:
        assert project_codes(jobs.file_result(job).data) == ["P1", "P1A"]
    tasks = DBTaskResult.objects.all()
    assert tasks.count() == 6 and all(len(t.worker_ids) == 1 for t in tasks)
    assert not tasks.filter(~Q(status="SUCCESSFUL")).exists()


def test_the_tasks_backend_is_a_setting_and_the_worker_says_when_it_is_not_ours(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["JIXIAO_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            "'jixiao.settings'; django.setup(); from django_tasks import task_backends; "
            "print(type(task_backends['default']).__name__)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "ImmediateBackend"
    refused = subprocess.run(
        [sys.executable, "-m", "jixiao", "worker", "--batch"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "ImmediateBackend" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "persona, url",
    [
        ("filer", "/projects/?export=xlsx&q=项目"),
        ("filer", "/units/?export=xlsx"),
        ("filer", "/targets/?export=xlsx"),
        ("budget", "/rectifications/export.xlsx?status=issued"),
        ("budget", "/linkage/?year=2022&export=xlsx"),
        ("budget", "/fund-actions/?export=xlsx"),
        ("performance", "/unit-assessments/?export=xlsx"),
        ("performance", "survey"),
        ("auditor", "/library/?export=xlsx"),
        ("performance", "/result-uses/?export=xlsx&kind=selfeval"),
    ],
)
def test_each_big_list_export_becomes_a_job_with_the_same_file(
    world, client_for, declare, persona, url
):
    declare("P1")
    if url == "survey":  # a survey's raw answers
        from jixiao.surveys.tests.test_results import make_survey

        url = f"/surveys/{make_survey(world).pk}/results/answers.xlsx"
    client = client_for(persona)
    direct = client.get(url)
    assert direct.status_code == 200
    # Past the threshold: -1 makes even an empty list "big".
    rulebook_save(
        region_code="100101", year=2022, values={"jobs": {"threshold_rows": -1}}, actor=world.admin
    )
    started = client.get(url)
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    job = Job.objects.get(pk=started["Location"].split("/")[2])
    assert job.kind == "file" and job.status == Job.Status.DONE, job.error
    result = client.get(started["Location"] + "result")

    def cells(data: bytes):
        book = openpyxl.load_workbook(io.BytesIO(data))
        return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]

    assert cells(result.content) == cells(direct.content)
    assert result["Content-Disposition"] == direct["Content-Disposition"]
    # Both downloads are logged as the same export; the job's run itself is not a download.
    logged = AuditLog.objects.filter(action="export").order_by("pk")
    assert [(e.object_type, e.after["rows"]) for e in logged][-2:] == [
        (logged.last().object_type, logged.last().after["rows"])
    ] * 2
    assert logged.count() == 2 and logged.last().after["filter"]["job"] == job.pk


def test_a_rounds_overview_export_past_the_threshold_is_a_job_with_the_same_file(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    client = client_for("performance")
    url = f"/monitoring/{monitoring_round.pk}/?export=xlsx"
    direct = client.get(url)
    rulebook_save(
        region_code="100101",
        year=monitoring_round.year,
        values={"jobs": {"threshold_rows": 0}},
        actor=world.admin,
    )
    started = client.get(url)
    assert started.status_code == 302, "the round's one unit is past a threshold of 0"
    result = client.get(started["Location"] + "result")
    rows = [
        list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
        for r in (direct, result)
    ]
    assert rows[0] == rows[1] and "甲区教育局" in str(rows[1])


def test_a_file_job_calls_only_marked_builders(world):
    params = {"builder": "jixiao.core.backup.backup", "args": {"region": "100101", "year": 2022}}
    job = jobs.start(user=world.budget, kind="file", params=params)
    assert job.status == Job.Status.FAILED and job.error == "要导出的内容已不存在。"


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_serve_starts_one_worker_beside_gunicorn_and_stops_it_with_itself(tmp_path):
    import time

    from jixiao.core.tests.test_serve import free_port

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"

    def serve(*extra: str):
        return subprocess.Popen(
            [sys.executable, "-m", "jixiao", "serve", "--port", str(free_port()), "--workers", "1"]
            + list(extra),
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def workers_of(process, *, expected: bool) -> list[int]:
        """The `jixiao worker` children once gunicorn's worker is up (and, when one is
        `expected`, once it is there too): a child just forked to become `jixiao worker`
        shows its parent's command line, " serve ", until it runs its own, which on a busy
        machine read as gunicorn's worker with no job worker beside it."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            lines = {p: _command_line(p) for p in _children(process.pid)}
            workers = [p for p, line in lines.items() if " worker " in line]
            up = any(" serve " in line for line in lines.values())  # gunicorn's worker
            if up and (workers or not expected):
                return workers
            time.sleep(0.3)
        raise AssertionError("jixiao serve did not start")

    process = serve()
    try:
        workers = workers_of(process, expected=True)
        assert len(workers) == 1 and "jixiao worker" in _command_line(workers[0])
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert not Path(f"/proc/{workers[0]}").exists() or _command_line(workers[0]) == ""
    process = serve("--no-worker", "--no-migrate")
    try:
        assert workers_of(process, expected=False) == []
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_an_api_client_downloads_the_result_with_its_token_and_nobody_else_can(world):
    from django.test import Client

    from jixiao.core.models import ApiToken

    job = jobs.start(user=world.filer, kind="export", params=export_params())
    _token, key = ApiToken.objects.issue(world.filer)
    _other, other_key = ApiToken.objects.issue(world.other)
    url = f"/api/v1/jobs/{job.pk}/result"
    mine = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert mine.status_code == 200 and project_codes(mine.content) == ["P1", "P1A"]
    assert AuditLog.objects.filter(action="export", actor=world.filer).exists()
    theirs = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert theirs.status_code == 404 and set(theirs.json()) == {"detail", "errors"}
    assert Client().get(url).status_code == 401


def test_the_api_starts_the_summary_with_202_and_the_client_follows_it_to_the_file(world):
    from django.test import Client

    from jixiao.core.models import ApiToken

    def client(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.objects.issue(user)[1]}")

    bureau = client(world.performance)
    answer = bureau.post("/api/v1/stats/summary?region=100101&year=2022")
    assert answer.status_code == 202
    job = Job.objects.get(user=world.performance, kind="summary")
    assert answer.json() == {"job": job.pk, "status_url": f"/api/v1/jobs/{job.pk}"}
    status = bureau.get(answer.json()["status_url"]).json()
    assert status["status"] == "done" and status["error"] == ""
    document = bureau.get(status["result_url"])
    assert document.status_code == 200 and document.content[:2] == b"PK"
    assert "甲区2022年度预算绩效管理工作总结.docx" in unquote(document["Content-Disposition"])
    # A unit's filer may not; a region outside the caller's scope is 404; nothing was started.
    assert client(world.filer).post("/api/v1/stats/summary").status_code == 403
    assert bureau.post("/api/v1/stats/summary?region=100102").status_code == 404
    assert Job.objects.count() == 1


def test_the_job_list_reads_a_fixed_number_of_queries_whatever_the_jobs(world, client_for):
    client = client_for("filer")

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/jobs/").status_code == 200
        return len(queries)

    Job.objects.create(user=world.filer, kind="export", status="failed", error="错")
    few = queries_for_the_list()
    for n in range(30):
        Job.objects.create(user=world.filer, kind="summary", done=n, total=30)
    assert queries_for_the_list() == few
