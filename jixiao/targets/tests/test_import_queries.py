"""The targets import at province scale: its queries and audit rows do not grow with the number
of declarations in the file (issue 16: projects, targets and indicators are loaded for the whole
file in a few queries, and written in bulk, with one audit entry for the batch)."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import Project
from jixiao.core import audit
from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog, AuditObject
from jixiao.targets.models import Target
from jixiao.targets.tests.test_excel import book_bytes, form, importer


def _projects(world, prefix: str, count: int) -> list[str]:
    codes = [f"{prefix}{n:03d}" for n in range(count)]
    for code in codes:
        Project.objects.create(
            region=world.region,
            year=2022,
            code=code,
            name=f"项目{code}",
            unit=world.units["U1"],
            full_current=Decimal("100"),
            initial_current=Decimal("90"),
        )
    return codes


def _import(world, codes: list[str]):
    """Import one declaration per project; the result, its queries and the new audit rows."""
    data = book_bytes(*(form(code) for code in codes))
    entries, indexed = AuditLog.objects.count(), AuditObject.objects.count()
    with CaptureQueriesContext(connection) as captured:
        result = run_import(importer(world, "budget"), data, "targets.xlsx")
    written = (AuditLog.objects.count() - entries, AuditObject.objects.count() - indexed)
    return result, len(captured), written


def test_importing_more_declarations_takes_no_more_queries_or_audit_entries(world):
    _import(world, ["P1"])  # warms the caches a process fills once (the regions' lookups)
    few, many = _projects(world, "Q", 3), _projects(world, "R", 15)
    created_few, queries_few, audit_few = _import(world, few)
    created_many, queries_many, audit_many = _import(world, many)
    assert (created_few.created, created_many.created) == (3, 15)
    assert queries_many == queries_few
    assert audit_few == (2, 3) and audit_many == (2, 15)  # the import's entry and the batch
    replaced_few, queries_few, audit_few = _import(world, few)
    replaced_many, queries_many, audit_many = _import(world, many)
    assert (replaced_few.updated, replaced_many.updated) == (3, 15)
    assert queries_many == queries_few
    assert audit_few[0] == audit_many[0] == 2


def test_the_history_of_an_imported_target_lists_each_import_with_who_before_and_after(world):
    (code,) = _projects(world, "H", 1)
    first = run_import(importer(world, "budget"), book_bytes(form(code)), "a.xlsx")
    rows = [{**form(code).indicators[0], "value_text": "≥30个"}, *form(code).indicators[1:]]
    second = run_import(importer(world, "budget"), book_bytes(form(code, rows)), "b.xlsx")
    target = Target.objects.get(project__code=code)
    history = audit.object_history("targets.target", target.pk)
    assert [(str(e.batch), e.action) for e in history] == [
        (first.batch_id, "create"),
        (second.batch_id, "update"),
    ]
    change = history[1]
    assert change.actor == world.users["budget"] and change.source == "import"
    assert change.created_at >= history[0].created_at
    assert change.before["indicators"][0]["value_text"] == form(code).indicators[0]["value_text"]
    assert change.after["indicators"][0]["value_text"] == "≥30个"
    assert "工作表" in change.message
