"""The self-evaluation import a chunk at a time (`SelfEvalImporter.save`): it writes exactly
what the one-table services write when each table goes through `selfeval_create` and
`selfeval_save` (the import's earlier path, kept below as the reference), its queries do not
grow with the tables, and the file is one audit batch entry with a change per table."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import Payment, Project
from jixiao.core import audit
from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog, AuditObject
from jixiao.core.scope import RegionReader
from jixiao.evaluations import importers
from jixiao.evaluations.exports import export_selfevals
from jixiao.evaluations.importers import SelfEvalImporter, form_rows
from jixiao.evaluations.models import SelfEvaluation
from jixiao.evaluations.services import selfeval_create, selfeval_save, selfevals_start
from jixiao.evaluations.tests.test_selfeval_bulk_start import cyclic_garbage, stored
from jixiao.orgs.models import User
from jixiao.targets.models import Target, TargetStatus

WEIGHTS = ["20", "10", "10", "10", "30", "10"]
ACTUALS = ["9个", "100%", "2022年11月完成", "9.5万元", "1600户", "92%"]


@pytest.fixture
def tables(world, declare):
    """`tables(n)`: n projects of the filer's unit P3… with approved targets and payments,
    their tables started and filled with weights, as a JSON file of schemas/selfeval objects
    with actual values, the unit's own scores, executed amounts, bands and explanations; the
    first half of the projects keep their table, the others get theirs from the import."""

    def make(n: int) -> bytes:
        projects = []
        for i in range(3, 3 + n):
            project = Project.objects.create(
                region=world.region,
                year=2022,
                code=f"P{i}",
                name=f"项目P{i}",
                unit=world.units["U1"],
                full_current=Decimal("100.123456"),
                full_carryover=Decimal("20.5"),
            )
            world.projects[project.code] = project
            Target.objects.filter(pk=declare(project.code).pk).update(status=TargetStatus.APPROVED)
            Payment.objects.create(project=project, month=3, amount=Decimal("40.5"))
            projects.append(project)
        selfevals_start(actor=world.filer, projects=projects)
        for selfeval in SelfEvaluation.objects.filter(project__in=projects):
            selfeval_save(
                actor=world.filer,
                selfeval=selfeval,
                executed={},
                rows=[{"position": p, "weight": w} for p, w in enumerate(WEIGHTS)],
            )
        items = json.loads(
            export_selfevals(RegionReader(world.region.path), world.region, 2022, "json")
        )
        for number, item in enumerate(items):
            item["budget"]["self_score"] = "9.5"
            item["budget"].pop("executed")  # the sources' amounts below make it
            item["budget"]["sources"] = [
                {"source": "当年财政拨款", "executed": f"{90 + number}.25"},
                {"source": "上年结转资金", "executed": "20.5"},
            ]
            if number % 2 == 0:
                item["self_total"] = "96"
            else:
                item.pop("self_total", None)  # left out: the stored one stays
            item["goal"]["achieved"] = f"完成{9 + number}个小区改造。"
            for position, line in enumerate(item["indicators"]):
                line["actual"] = ACTUALS[position]
                line["self_score"] = str(Decimal(WEIGHTS[position]) - Decimal("0.5"))
                line["deviation"] = "=拆迁滞后" if position == 0 else None
                if position == 4:
                    line["explanation"] = "新增安置小区纳入改造"
                if position == 5:
                    line["weight"] = None  # a blank 分值 keeps the stored weight
        keep = len(projects) // 2
        SelfEvaluation.objects.filter(project__in=projects[keep:]).delete()
        return json.dumps(items, ensure_ascii=False).encode()

    return make


def one_table_at_a_time(importer: SelfEvalImporter, rows) -> None:
    """The reference: each matched table through the one-table services, as the import saved
    before it went a chunk at a time (start, the unit's own scores, then `selfeval_save`)."""
    for row in rows:
        form = row.values["form"]
        selfeval = form.selfeval
        if selfeval is None:
            selfeval = selfeval_create(actor=form.filer, project=form.project)
        else:
            selfeval = SelfEvaluation.objects.get(pk=selfeval.pk)
        own = {}
        if "self_execution_score" in form.present:
            own["self_execution_score"] = form.self_execution_score
        if "self_total" in form.present:
            own["self_total"] = form.self_total
        for name, value in own.items():
            setattr(selfeval, name, value)
        selfeval.save(update_fields=[*own, "updated_at"])
        selfeval_save(
            actor=form.filer,
            selfeval=selfeval,
            executed=form.executed,
            goal_achieved=form.goal_achieved
            if "goal_achieved" in form.present
            else selfeval.goal_achieved,
            report=form.report if "report" in form.present else selfeval.report,
            rows=form_rows(form),
        )


def test_the_import_writes_what_the_one_table_services_write(world, tables):
    data = tables(6)
    with transaction.atomic():
        importer = SelfEvalImporter(actor=world.budget, region=world.region)
        rows, problems = importer.read(data, "selfevals.json")
        assert not problems and not importer.check(rows)
        with audit.audit_context(actor=world.budget, source="import"):
            one_table_at_a_time(importer, rows)
        expected = stored(SelfEvaluation.objects.all())
        transaction.set_rollback(True)
    importers.CHUNK, chunk = 4, importers.CHUNK  # two chunks, each with new and stored tables
    try:
        result = SelfEvalImporter(actor=world.budget, region=world.region)
        result = run_import(result, data, "selfevals.json")
    finally:
        importers.CHUNK = chunk
    assert (result.rows, result.created, result.updated) == (6, 3, 3)
    written = stored(SelfEvaluation.objects.all())
    assert written == expected
    assert sorted(written) == ["P3", "P4", "P5", "P6", "P7", "P8"]
    assert all(t["total"] is not None for t in written.values())
    assert [t["self_total"] for _code, t in sorted(written.items())] == [Decimal("96"), None] * 3
    assert {t["executed_current"] for t in written.values()} == {
        Decimal(f"{90 + n}.25") for n in range(6)
    }


def test_queries_do_not_grow_with_the_tables(world, tables):
    data = tables(8)
    items = json.loads(data)
    counts = []
    for some in (items[:2] + items[4:6], items):  # two stored and two new, then four of each
        with transaction.atomic():
            actor = User.objects.get(pk=world.budget.pk)  # its region and scope read each time
            importer = SelfEvalImporter(actor=actor, region=world.region)
            body = json.dumps(some, ensure_ascii=False).encode()
            with CaptureQueriesContext(connection) as queries:
                result = run_import(importer, body, "selfevals.json")
            assert result.rows == len(some)
            transaction.set_rollback(True)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_file_is_one_audit_batch_entry_with_a_change_per_table(world, tables):
    data = tables(4)
    before = set(AuditLog.objects.values_list("id", flat=True))
    result = run_import(SelfEvalImporter(actor=world.budget, region=world.region), data, "s.json")
    entries = AuditLog.objects.exclude(id__in=before)
    assert sorted(entries.values_list("action", flat=True)) == ["import", "import"]
    batch = entries.filter(changes__isnull=False).get()
    assert batch.message == "导入项目自评表：新增 2 份，更新 2 份"
    assert batch.actor == world.budget
    changes = AuditObject.objects.filter(entry=batch)
    assert sorted(changes.values_list("action", flat=True)) == ["create", "create"] + [
        "update",
        "update",
    ]
    assert result.created == 2
    selfeval = SelfEvaluation.objects.get(project__code="P3")
    history = audit.object_history("evaluations.selfevaluation", selfeval.pk)
    change = history[-1]
    assert change.action == "update" and change.after["self_execution_score"] == "9.50"
    assert change.before["self_execution_score"] is None


def test_imported_tables_are_freed_without_the_cycle_collector(world, tables):
    """The stored tables are read with their projects, which then refer back to them (a
    one-to-one): the import lets go of that, so that a file's tables and their scores are
    freed as soon as they are written rather than by the cycle collector's passes."""
    data = tables(4)
    done = []

    def run():
        with transaction.atomic():
            importer = SelfEvalImporter(actor=world.budget, region=world.region)
            done.append(run_import(importer, data, "selfevals.json"))
            transaction.set_rollback(True)

    garbage = cyclic_garbage(run)
    assert (done[0].created, done[0].updated) == (2, 2)
    assert [o for o in garbage if isinstance(o, SelfEvaluation | Project)] == []
