"""Races: two ticks, two library imports, two imports of the same projects or
payments file at the same moment, in real threads, each on its own database connection.

On PostgreSQL the transactions truly overlap: the named locks (core.locks) keep two ticks or two
imports of one kind and region apart, and the unique keys of alerts and library templates, with
creation that takes the row another transaction stored meanwhile, hold even without them. SQLite
has one writer at a time (every transaction begins IMMEDIATE), so there the same tests check
that waiting and refusing work; the tests that need two writers side by side skip it. Also here:
the data migrations that merge the duplicates stored before the unique keys existed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from jixiao.budgets.importers import ProjectImporter
from jixiao.budgets.models import FiscalYear, Payment, Project
from jixiao.budgets.tests.test_project_import import HEADER, project_row, xlsx_bytes
from jixiao.core import imports, locks
from jixiao.core.imports import Column, Importer, run_import, text
from jixiao.core.models import ImportBatch
from jixiao.core.tabular import InputRejected
from jixiao.indicators.importers import LibraryImporter
from jixiao.indicators.models import IndicatorTemplate
from jixiao.indicators.services import library_load
from jixiao.monitoring import services as monitoring
from jixiao.monitoring import tick as monitoring_tick
from jixiao.monitoring.importers import PaymentImporter
from jixiao.monitoring.models import Alert, Report
from jixiao.monitoring.tests.test_services import (  # noqa: F401 (fixtures)
    approved,
    monitoring_round,
    payments_file,
)

pytestmark = pytest.mark.django_db(transaction=True)

LATE = dt.date(2022, 8, 16)  # the day after `monitoring_round`'s deadline: every report is late
TWO_WRITERS = pytest.mark.skipif(
    "connection.vendor == 'sqlite'", reason="SQLite has one writer at a time"
)


# --- running things at once ------------------------------------------------------------------


def at_once(*calls: Callable) -> list:
    """Start the calls together in threads, each on its own connection; their results, or the
    exceptions they raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # the test looks at it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def overlapping(work: Callable) -> list:
    """Run `work` in two transactions that truly overlap (PostgreSQL): the second starts once
    the first has written and waits uncommitted, and meets the first's rows in the unique
    index; the first commits a second later. Both results, or exceptions, in order."""
    written, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            result = work()
            written.set()
            release.wait(30)
        return result

    def second():
        written.wait(30)
        with transaction.atomic():
            return work()

    def releaser():
        written.wait(30)
        time.sleep(1)  # the second is blocked on the first's keys by now
        release.set()

    return at_once(first, second, releaser)[:2]


@contextmanager
def held_elsewhere(name: str):
    """Another connection holds the lock `name` (in its transaction) during the block."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        try:
            with locks.held(name):
                taken.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(30)
    try:
        yield
    finally:
        release.set()
        thread.join(30)


@pytest.fixture
def short_sqlite_wait():
    """SQLite waits its 20 s timeout for the writer; half a second will do in a test."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 500")


# --- the lock ---------------------------------------------------------------------------------


@TWO_WRITERS
def test_a_lock_held_elsewhere_is_busy_at_once_and_waited_for_when_asked(world):
    with held_elsewhere("job"):
        started = time.monotonic()
        with pytest.raises(locks.Busy), locks.held("job"):
            pytest.fail("ran without the lock")
        with pytest.raises(locks.Busy), locks.held("job", wait=0.3):
            pytest.fail("ran without the lock")
        assert 0.3 <= time.monotonic() - started < 5
        with locks.held("another job"):
            pass  # other names are free
    with locks.held("job"):
        pass  # free again once the holder's transaction ended


def test_a_busy_lock_leaves_the_connection_usable(world, short_sqlite_wait):
    with held_elsewhere("job"), pytest.raises(locks.Busy), locks.held("job"):
        pytest.fail("ran without the lock")
    assert Project.objects.filter(code="P1").exists()
    with locks.held("job"):
        FiscalYear.objects.filter(year=2022).update(status="open")


def test_the_lock_joins_the_callers_transaction_and_ends_with_it(world):
    with transaction.atomic():
        with locks.held("job"):
            Project.objects.filter(code="P1").update(name="改名")
        assert connection.in_atomic_block
        with locks.held("job"):  # taken again by its holder
            pass
    assert Project.objects.get(code="P1").name == "改名"


# --- tick ------------------------------------------------------------------------------------


def tick_command() -> str:
    out = io.StringIO()
    call_command("tick", "--today", LATE.isoformat(), stdout=out)
    return out.getvalue()


def late_alerts_once() -> bool:
    """One M07 alert per late report, none twice."""
    reports = Report.objects.filter(submitted_at__isnull=True).count()
    keys = list(Alert.objects.filter(code="M07").values_list("project", "round", "indicator"))
    return len(keys) == reports == len(set(keys)) > 0


@pytest.mark.usefixtures("monitoring_round")
def test_two_ticks_at_once_raise_each_late_report_alert_once(world):
    outputs = at_once(tick_command, tick_command)
    assert all(isinstance(out, str) for out in outputs), outputs  # both exit 0
    assert late_alerts_once()
    busy = [out for out in outputs if "另一个 tick 正在运行" in out]
    assert len(busy) <= 1  # either waited its turn (SQLite) and found nothing new, or said so


@pytest.mark.usefixtures("monitoring_round", "short_sqlite_wait")
def test_a_tick_while_another_runs_says_so_in_chinese_and_does_nothing(world):
    with held_elsewhere(monitoring.ALERTS_LOCK):
        out = tick_command()
    assert "另一个 tick 正在运行，本次未执行" in out
    assert not Alert.objects.filter(code="M07").exists()
    assert "新增逾期未报预警 3 条" in tick_command()  # the next run does the work


@TWO_WRITERS
@pytest.mark.usefixtures("monitoring_round")
def test_alerts_two_transactions_find_at_once_are_stored_once(world):
    """Without the tick's lock (a tick beside a report save or a payment import), the unique key
    and the retry on it keep one alert per key; the second transaction takes the first's row."""
    results = overlapping(lambda: monitoring_tick._tick(today=LATE))
    assert all(isinstance(r, dict) for r in results), results
    assert late_alerts_once()


# --- library imports ---------------------------------------------------------------------------

LIBRARY = [
    {
        "sector": "城市管理",
        "category": "产出指标",
        "subcategory": "数量指标",
        "name": f"背街小巷保洁面积{i}",
        "value_hint": "≥5万平方米",
        "unit": "万平方米",
    }
    for i in range(11)
]


def library_import(world):
    data = json.dumps(LIBRARY, ensure_ascii=False).encode()
    importer = LibraryImporter(actor=world.performance, region=world.region)
    return run_import(importer, data, "library.json")


def test_two_library_imports_at_once_give_11_templates(world):
    results = at_once(lambda: library_import(world), lambda: library_import(world))
    assert all(isinstance(r, imports.ImportResult) for r in results), results
    assert sorted((r.created, r.updated) for r in results) == [(0, 11), (11, 0)]
    assert IndicatorTemplate.objects.filter(region=world.region).count() == 11


@TWO_WRITERS
def test_library_loads_in_two_overlapping_transactions_give_11_templates(world):
    results = overlapping(lambda: library_load(region=world.region, items=LIBRARY))
    assert sorted(results) == [(0, 11), (11, 0)]
    assert IndicatorTemplate.objects.filter(region=world.region).count() == 11


# --- web and file imports ----------------------------------------------------------------------

PROJECTS = xlsx_bytes([HEADER, *(project_row(f"P9{i}") for i in range(20))])


def test_two_uploads_of_the_same_projects_file_at_once_never_answer_500(world):
    def upload():
        client = Client()
        client.force_login(world.budget)
        file = SimpleUploadedFile("projects.xlsx", PROJECTS)
        response = client.post(reverse("project-import"), {"file": file})
        return response.status_code, response.content.decode()

    results = at_once(upload, upload)
    statuses = sorted(status for status, _page in results)
    assert statuses in ([302, 302], [302, 400]), results
    for status, page in results:
        if status == 400:  # refused in Chinese, never a traceback
            assert "请稍后再导入" in page
    assert Project.objects.filter(code__startswith="P9").count() == 20


@pytest.mark.usefixtures("monitoring_round")
def test_two_imports_of_the_same_payments_file_at_once_write_each_payment_once(world):
    data = payments_file([("P1", 2022, m, 2) for m in range(1, 13)])

    def payments():
        importer = PaymentImporter(actor=world.budget, region=world.region)
        return run_import(importer, data, "payments.xlsx")

    results = at_once(payments, payments)
    assert all(isinstance(r, imports.ImportResult) for r in results), results
    assert Payment.objects.filter(project__code="P1").count() == 12


def test_an_import_while_another_of_its_kind_and_region_runs_is_refused_in_chinese(
    world, monkeypatch, short_sqlite_wait
):
    monkeypatch.setattr(imports, "IMPORT_LOCK_WAIT", 0.2)
    importer = ProjectImporter(actor=world.budget, region=world.region)
    before = ImportBatch.objects.count()
    with held_elsewhere("import:projects:100101"), pytest.raises(InputRejected) as exc:
        run_import(importer, PROJECTS, "projects.xlsx")
    assert "另一项导入或定时任务正在处理同样的数据，请稍后再导入" in str(exc.value)
    assert ImportBatch.objects.count() == before
    assert not Project.objects.filter(code__startswith="P9").exists()


class _Clashing(Importer):
    """Saves what a unique key refuses, as if another writer had taken it meanwhile."""

    kind = "clash"
    title = "测试"
    columns = (Column("code", "编码", text, required=True),)

    def save(self, rows):
        Project.objects.filter(code="P1").update(name="改了一半")
        FiscalYear.objects.create(region=self.region, year=2022)  # exists: IntegrityError
        return 1, 0


def test_a_unique_clash_no_check_foresaw_is_refused_in_chinese_writing_nothing(world):
    before = ImportBatch.objects.count()
    with pytest.raises(InputRejected) as exc:
        run_import(_Clashing(actor=world.budget, region=world.region), b'[{"code": "A"}]', "x.json")
    assert "写入时与数据库中的数据冲突" in str(exc.value)
    assert ImportBatch.objects.count() == before
    assert Project.objects.get(code="P1").name != "改了一半"


# --- the migrations that merge duplicates -----------------------------------------------------


def migrate(target: list[tuple[str, str]] | None = None):
    """Migrate to `target` (the latest when None); the app registry of that state."""
    executor = MigrationExecutor(connection)
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


def test_the_migration_merges_duplicate_alerts_keeping_the_oldest_and_a_disposal(world):
    p1, p2 = world.projects["P1"], world.projects["P2"]
    old = migrate([("monitoring", "0002_alert_texts_i18n")])
    OldAlert = old.get_model("monitoring", "Alert")

    def alert(project, code, **fields):
        return OldAlert.objects.create(
            region_id=project.region_id,
            year=2022,
            unit_id=project.unit_id,
            project_id=project.pk,
            code=code,
            level="red",
            message=code,
            due_date=dt.date(2022, 12, 1),
            **fields,
        ).pk

    oldest = alert(p1, "M05", status="suspended")
    alert(p1, "M05", status="disposed", disposal="adjust", disposal_reason="已调整")
    alert(p1, "M05")
    kept = alert(p2, "M05", status="cleared")
    alert(p2, "M05", status="disposed", disposal="continue", disposal_reason="继续")
    other = alert(p2, "M04", indicator=0)
    alert(p2, "M04", indicator=1)  # another indicator: not a duplicate
    try:
        migrate()
    finally:
        migrate()  # the tables as the code expects them, whatever happened
    assert sorted(Alert.objects.values_list("pk", flat=True)) == [oldest, kept, other, other + 1]
    merged = Alert.objects.get(pk=oldest)
    assert (merged.status, merged.disposal, merged.disposal_reason) == (
        "disposed",
        "adjust",
        "已调整",
    )
    assert Alert.objects.get(pk=kept).status == "cleared"  # no longer applied: stays so


def test_the_migration_merges_duplicate_templates_keeping_the_oldest(world):
    old = migrate([("indicators", "0002_library")])
    OldTemplate = old.get_model("indicators", "IndicatorTemplate")
    national = OldTemplate.objects.filter(region=None).count()  # none once flushed
    row = {"sector": "城市管理", "category": "产出指标", "subcategory": "数量指标"}
    ids = [
        OldTemplate.objects.create(region_id=region, name=name, active=active, **row).pk
        for region, name, active in (
            (world.region.pk, "保洁面积", False),
            (world.region.pk, "保洁面积", True),
            (world.region.pk, "绿化面积", True),
            (world.region_b.pk, "保洁面积", True),  # another region's: not a duplicate
            (None, "保洁面积", True),
            (None, "保洁面积", False),
        )
    ]
    try:
        migrate()
    finally:
        migrate()
    assert sorted(IndicatorTemplate.objects.values_list("pk", flat=True))[national:] == [
        ids[0],
        ids[2],
        ids[3],
        ids[4],
    ]
    regional = IndicatorTemplate.objects.filter(region=world.region).order_by("pk")
    assert [(t.name, t.active) for t in regional] == [("保洁面积", True), ("绿化面积", True)]
