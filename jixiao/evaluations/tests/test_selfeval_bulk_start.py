"""Starting the 自评表 of many projects at once (`services.selfevals_start`, the list page's
"为全部可自评项目开始自评"): on the demo district before its evaluations, the tables a chunk
at a time are exactly those `selfeval_create` makes one project at a time, they hold the
approved target's lines and the payments, and their scores are what `rescore` gives per table;
the queries do not grow with the projects; one audit entry (the test world's cases are in
test_selfeval_bulk_start_pages.py: the demo here is built once for the module)."""

from __future__ import annotations

import gc
from collections import defaultdict

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import Payment, Project
from jixiao.core.models import AuditLog, AuditObject
from jixiao.evaluations.models import SelfEvalIndicator, SelfEvaluation
from jixiao.evaluations.selectors import startable_projects
from jixiao.evaluations.services import (
    SCORED_FIELDS,
    SCORED_LINE_FIELDS,
    rescore,
    selfeval_create,
    selfevals_start,
)
from jixiao.orgs.models import User
from jixiao.targets.models import Target, TargetStatus

YEAR = 2020  # the demo's projects evaluated in 2021


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The demo up to its monitoring: approved targets and payments, no self-evaluation."""
    from jixiao.core.audit import audit_context
    from jixiao.demo import build

    names = [label for label, _step in build.STEPS]
    steps = build.STEPS[: names.index("绩效评价")]
    with django_db_blocker.unblock():
        with transaction.atomic(), audit_context(source="cli"):
            demo = build.Demo(password="Demo#Pass2022")
            build.run_steps(demo, steps)
            yield demo
            transaction.set_rollback(True)


@pytest.fixture
def by_filer(built, db) -> dict:
    """The year's projects grouped by the filer of their unit (as each unit's filer starts
    its own), in code order."""
    from jixiao.demo.targets import _unit_staff

    groups = defaultdict(list)
    projects = Project.objects.filter(region=built.region, year=YEAR).select_related(
        "unit", "region"
    )
    for project in projects.order_by("code"):
        groups[_unit_staff(built, project.unit)[0]].append(project)
    return groups


def stored(selfevals) -> dict:
    """The self-evaluations `selfevals` and their lines as stored, by project code, without
    ids and times."""
    tables, ids = {}, {}
    codes = dict(Project.objects.values_list("pk", "code"))
    for row in selfevals.values():
        ids[row.pop("id")] = codes[row["project_id"]]
        row.pop("updated_at")
        tables[codes[row["project_id"]]] = {**row, "lines": []}
    lines = SelfEvalIndicator.objects.filter(selfeval_id__in=ids).order_by(
        "selfeval_id", "position"
    )
    for line in lines.values():
        line.pop("id")
        tables[ids[line.pop("selfeval_id")]]["lines"].append(line)
    return tables


def test_bulk_start_writes_what_one_at_a_time_writes(by_filer):
    assert sum(len(g) for g in by_filer.values()) > 50  # the demo's year, every unit
    with transaction.atomic():
        for filer, projects in by_filer.items():
            for project in projects:
                if Target.objects.filter(project=project, status=TargetStatus.APPROVED).exists():
                    selfeval_create(actor=filer, project=project)
        one_at_a_time = stored(SelfEvaluation.objects.filter(year=YEAR))
        transaction.set_rollback(True)
    with transaction.atomic():
        refused = []
        for filer, projects in by_filer.items():
            result = selfevals_start(actor=filer, projects=projects, chunk=7)
            refused += [r.project.code for r in result.refused]
        in_bulk = stored(SelfEvaluation.objects.filter(year=YEAR))
        transaction.set_rollback(True)
    assert len(in_bulk) > 50
    assert in_bulk == one_at_a_time
    without_target = {
        p.code
        for projects in by_filer.values()
        for p in projects
        if not Target.objects.filter(project=p, status=TargetStatus.APPROVED).exists()
    }
    assert set(refused) == without_target


def test_started_tables_hold_the_target_and_payments_and_rescore_keeps_their_scores(by_filer):
    for filer, projects in by_filer.items():
        selfevals_start(actor=filer, projects=projects)
    selfevals = list(
        SelfEvaluation.objects.filter(year=YEAR).select_related("target", "project", "region")
    )
    assert len(selfevals) > 50
    paid = dict(
        Payment.objects.filter(project__year=YEAR)
        .values("project_id")
        .annotate(s=Sum("amount"))
        .values_list("project_id", "s")
    )
    assert any(s.executed_current for s in selfevals)
    scored_before = {}
    for selfeval in selfevals:
        assert selfeval.target.status == TargetStatus.APPROVED
        assert selfeval.target.project_id == selfeval.project_id
        lines = list(
            selfeval.indicators.order_by("position").values_list(
                "position", "category", "subcategory", "name", "target_text", "weight"
            )
        )
        assert lines == list(
            selfeval.target.indicators.order_by("position").values_list(
                "position", "category", "subcategory", "name", "value_text", "weight"
            )
        )
        assert selfeval.executed_current == paid.get(selfeval.project_id)
        assert selfeval.execution_from_payments == (paid.get(selfeval.project_id) is not None)
        assert selfeval.status == "draft"
        scored_before[selfeval.pk] = scored(selfeval)
    assert any(s.total is not None for s in selfevals)
    for selfeval in selfevals:
        rescore(SelfEvaluation.objects.get(pk=selfeval.pk))  # the one-table scoring
        assert scored(selfeval) == scored_before[selfeval.pk]


def scored(selfeval) -> tuple:
    row = SelfEvaluation.objects.filter(pk=selfeval.pk).values(*SCORED_FIELDS).get()
    lines = SelfEvalIndicator.objects.filter(selfeval=selfeval).order_by("position")
    return row, list(lines.values_list(*SCORED_LINE_FIELDS))


def test_queries_do_not_grow_with_the_number_of_projects(by_filer):
    filer, projects = max(by_filer.items(), key=lambda item: len(item[1]))
    projects = [
        p
        for p in projects
        if Target.objects.filter(project=p, status=TargetStatus.APPROVED).exists()
    ]
    assert len(projects) >= 6
    counts = []
    for some in (projects[:2], projects):
        actor = User.objects.get(pk=filer.pk)  # its region and scope read in both runs
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                result = selfevals_start(actor=actor, projects=some)
            assert len(result.started) == len(some)
            transaction.set_rollback(True)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_one_audit_entry_holds_a_create_per_table(by_filer):
    filer, projects = max(by_filer.items(), key=lambda item: len(item[1]))
    before = AuditLog.objects.count()
    result = selfevals_start(actor=filer, projects=projects)
    assert len(result.started) >= 2
    assert AuditLog.objects.count() == before + 1
    entry = AuditLog.objects.latest("id")
    assert (entry.action, entry.actor_id) == ("create", filer.pk)
    assert entry.message == f"开始项目自评：{len(result.started)} 份"
    indexed = AuditObject.objects.filter(entry=entry)
    assert sorted(int(i) for i in indexed.values_list("object_id", flat=True)) == sorted(
        result.started
    )
    assert set(indexed.values_list("action", flat=True)) == {"create"}


def cyclic_garbage(run) -> list:
    """What only the cycle collector would free of what `run()` made (objects in reference
    cycles and what they hold), everything else collected beforehand."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        run()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_started_tables_are_freed_without_the_cycle_collector(by_filer):
    """A table and its project refer to each other when the project's side is cached (a
    one-to-one): left so, every table started, its `result` with it, waited for the cycle
    collector, whose passes were a sixth of starting a province's tables."""
    filer, projects = max(by_filer.items(), key=lambda item: len(item[1]))
    started = []

    def run():
        with transaction.atomic():
            started.append(len(selfevals_start(actor=filer, projects=projects).started))
            transaction.set_rollback(True)

    garbage = cyclic_garbage(run)
    assert started[0] >= 2
    assert [o for o in garbage if isinstance(o, SelfEvaluation | Project)] == []


def start_and_capture(filer, projects) -> tuple[int, list[str]]:
    """One unit's start (rolled back): how many tables, and the SQL it ran."""
    actor = User.objects.get(pk=filer.pk)  # its region and scope read each time
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            result = selfevals_start(actor=actor, projects=projects)
        transaction.set_rollback(True)
    return len(result.started), [q["sql"] for q in queries.captured_queries]


def test_one_units_start_does_not_grow_with_other_units_rows(by_filer):
    """A filer's "为全部可自评项目开始自评" makes as many queries after every other unit has
    started its tables as before, and on SQLite each of its reads searches by an index, never
    through a whole table or one shared by every unit (the approved targets were searched by
    their status index: every approved target of the database, for each unit that starts)."""
    filer, projects = max(by_filer.items(), key=lambda item: len(item[1]))
    started, before = start_and_capture(filer, projects)
    assert started >= 6
    for other, theirs in by_filer.items():
        if other != filer:
            selfevals_start(actor=other, projects=theirs)
    assert SelfEvaluation.objects.exclude(project__in=projects).count() > 50
    again, after = start_and_capture(filer, projects)
    assert again == started
    assert len(after) == len(before)
    if connection.vendor != "sqlite":
        return
    reads = [sql for sql in after if sql.lstrip().upper().startswith("SELECT")]
    assert any('FROM "targets_target"' in sql for sql in reads)
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = [row[3] for row in cursor.fetchall()]
            assert not [step for step in plan if step.startswith("SCAN")], (sql, plan)
            for step in plan:
                if step.startswith("SEARCH targets_target "):
                    assert "(project_id=?)" in step, (sql, plan)


def test_startable_projects_are_the_units_with_an_approved_target_found_by_project(by_filer):
    """What the button starts (`startable_projects`): the filer's projects of the year with an
    approved target and no 自评表, counted here from the rows; on SQLite the targets are
    searched by project, not through the status index (every approved target of the
    database, 64 ms a call at province scale)."""
    filer, projects = max(by_filer.items(), key=lambda item: len(item[1]))
    selfevals_start(actor=filer, projects=projects[:1])
    approved = set(
        Target.objects.filter(status=TargetStatus.APPROVED).values_list("project_id", flat=True)
    )
    started = set(SelfEvaluation.objects.values_list("project_id", flat=True))
    units = User.objects.get(pk=filer.pk).get_scope().unit_ids
    expected = sorted(
        Project.objects.filter(year=YEAR, unit_id__in=units)
        .exclude(pk__in=started)
        .filter(pk__in=approved)
        .values_list("code", flat=True)
    )
    found = startable_projects(user=User.objects.get(pk=filer.pk), year=YEAR)
    assert len(expected) >= 5
    assert list(found.values_list("code", flat=True)) == expected
    if connection.vendor == "sqlite":
        plan = [line for line in found.explain().splitlines() if "targets_target" in line]
        assert plan and all("(project_id=?)" in line for line in plan), plan
