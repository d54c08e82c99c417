"""What a report's pages and saves read and write (issue 16, part 5): a save writes the
indicator rows it changed and no other, reads its report once (the audit takes the locked read
as the row before), and `report_get` reads the report with its rows in one query."""

from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from jixiao.core.models import AuditLog
from jixiao.monitoring import selectors
from jixiao.monitoring.models import ReportIndicator
from jixiao.monitoring.services import report_save

from .test_pages_api import monitoring_round, report_of  # noqa: F401 (a fixture)


def _rows(report) -> list[dict]:
    return [
        {"position": r.position, "progress": r.progress, "expected": r.expected}
        for r in report.indicators.order_by("position")
    ]


def _saved(world, report, rows, executed="30"):
    with CaptureQueriesContext(connection) as captured:
        report_save(
            actor=world.filer,
            report=report,
            executed=Decimal(executed),
            expected_full_year=Decimal("120"),
            indicators=rows,
        )
    return [q["sql"] for q in captured]


def _indicator_updates(queries) -> list[str]:
    return [q for q in queries if q.startswith('UPDATE "monitoring_reportindicator"')]


def test_an_unchanged_grid_writes_no_indicator_row(world, monitoring_round):  # noqa: F811
    report = report_of(monitoring_round)
    rows = _rows(report)
    assert len(rows) == 6
    assert _indicator_updates(_saved(world, report, rows, executed="31")) == []


def test_a_changed_grid_writes_exactly_the_changed_rows(world, monitoring_round):  # noqa: F811
    report = report_of(monitoring_round)
    rows = _rows(report)
    rows[1] = {**rows[1], "progress": "完成一半"}
    rows[4] = {**rows[4], "expected": "全年完成", "progress": "完成三成"}
    stored = {r.position: r.pk for r in report.indicators.all()}
    updates = _indicator_updates(_saved(world, report, rows))
    assert len(updates) == 2
    assert f'"id" = {stored[1]}' in updates[0] and f'"id" = {stored[4]}' in updates[1]
    assert '"measures"' not in updates[0]  # the changed fields alone
    values = dict(ReportIndicator.objects.filter(report=report).values_list("position", "progress"))
    assert values[1] == "完成一半" and values[4] == "完成三成" and values[0] == rows[0]["progress"]
    assert ReportIndicator.objects.get(report=report, position=4).expected == "全年完成"


def test_a_save_reads_its_report_once_and_its_audit_holds_the_row_before(
    world,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    _saved(world, report, _rows(report), executed="30")
    queries = _saved(world, report, _rows(report), executed="45")
    reads = [
        q
        for q in queries
        if q.startswith("SELECT") and 'FROM "monitoring_report"' in q
        and f'"monitoring_report"."id" = {report.pk}' in q
    ]  # fmt: skip
    assert len(reads) == 1
    entry = AuditLog.objects.filter(
        object_type="monitoring.report", object_id=str(report.pk)
    ).latest("id")
    assert Decimal(entry.before["executed"]) == Decimal("30")
    assert Decimal(entry.after["executed"]) == Decimal("45")


def test_report_get_reads_the_report_with_its_rows_and_its_grid_in_two_queries(
    world,
    monitoring_round,  # noqa: F811
    django_assert_num_queries,
):
    report = report_of(monitoring_round)
    selectors.report_get(user=world.filer, pk=report.pk)  # the user's scope, read once
    with django_assert_num_queries(2):
        got = selectors.report_get(user=world.filer, pk=report.pk)
        drawn = (got.round.code, got.project.code, got.unit.code, got.region.code)
        positions = [i.position for i in got.indicators.all()]
    assert drawn == ("2022-07", "P1", "U1", "100101")
    assert positions == [0, 1, 2, 3, 4, 5]
    with django_assert_num_queries(1):
        selectors.report_get(user=world.filer, pk=report.pk, indicators=False)


def test_report_get_is_404_for_another_units_filer(world, client_for, monitoring_round):  # noqa: F811
    report = report_of(monitoring_round)
    with pytest.raises(Http404):
        selectors.report_get(user=world.users["other"], pk=report.pk)
    client = client_for("other")
    assert client.get(f"/monitoring/reports/{report.id}/").status_code == 404
    assert client.post(f"/monitoring/reports/{report.id}/edit/", {"executed": "1"}).status_code == (
        404
    )


def test_a_save_that_changes_alerts_reads_no_project_or_region_for_their_audit(
    world,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    _saved(world, report, _rows(report), executed="30")  # raises the execution alerts
    queries = _saved(world, report, _rows(report), executed="31")  # their figures change
    assert any(q.startswith('UPDATE "monitoring_alert"') for q in queries)
    reads = [
        q
        for q in queries
        if q.startswith("SELECT") and ('FROM "budgets_project"' in q or 'FROM "orgs_region"' in q)
    ]
    assert reads == []
    entry = AuditLog.objects.filter(object_type="monitoring.alert").latest("id")
    assert entry.region_code == "100101" and "项目P1" in entry.object_repr
