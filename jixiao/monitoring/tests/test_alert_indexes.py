"""The alert table keeps the indexes its lists, figures and tick read by, and no more (issue 16,
part 2: a payment import inserts tens of thousands of alerts, each index one more B-tree insert).
SQLite's plans without statistics take any usable index, so a plan that scans the whole table
means no index serves the query."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Q

from jixiao.core.compiled import one_row_aggregate
from jixiao.monitoring.models import Alert
from jixiao.monitoring.selectors import alert_list
from jixiao.monitoring.tick import stored_alerts
from jixiao.reports.selectors import WorkYear

sqlite_plans = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan text; PostgreSQL's depends on statistics"
)

YEAR = 2026


def _scans_alerts(queryset) -> bool:
    """Whether the plan reads every alert ("SCAN", in the table's or an index's order), where
    "SEARCH" reads only the rows an index finds."""
    plan = queryset.explain()
    return any(
        line.split(" ", 3)[-1].startswith("SCAN monitoring_alert") for line in plan.splitlines()
    )


@sqlite_plans
def test_the_alert_lists_of_staff_and_filers_read_by_an_index(world):
    for user in (world.budget, world.filer):
        for filters in ({}, {"code": "M01"}, {"status": "open"}, {"round": "1"}):
            rows = alert_list(user=user, region=world.region, year=YEAR, **filters)
            assert not _scans_alerts(rows), (user.username, filters)


@sqlite_plans
def test_the_work_years_alert_figures_and_the_tick_read_by_an_index(world):
    for user in (world.budget, world.filer):
        work = WorkYear(user, world.region, YEAR)
        assert not _scans_alerts(work.alerts.values("code", "level"))
        assert not _scans_alerts(work.alerts.filter(code__in=["M01", "M02"]))
    overdue = Alert.objects.filter(status=Alert.Status.OPEN, due_date__lt=dt.date(YEAR, 12, 6))
    assert not _scans_alerts(overdue)
    assert not _scans_alerts(Alert.objects.filter(project_id=1, round_id=None))
    assert not _scans_alerts(Alert.objects.filter(report_id=1))


@sqlite_plans
def test_the_ticks_stored_alerts_are_read_by_the_unique_keys_project_unsorted(world):
    """The tick's stored M07 of a chunk of projects: `alert_unique_key` by its leading
    project (SQLite would take an index on the code alone, which reads every M07 of the
    table; there is none), and no temporary B-tree for the model's order."""
    plan = stored_alerts([1, 2, 3]).explain()
    assert "SEARCH monitoring_alert USING INDEX alert_unique_key (project_id=?)" in plan
    assert "TEMP B-TREE" not in plan
    assert not _scans_alerts(stored_alerts([1, 2, 3]))


def test_no_index_is_kept_for_the_code_alone_the_disposer_or_a_status_like(db):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Alert._meta.db_table)
    found = [tuple(c["columns"]) for c in indexes.values() if c["index"] and not c["primary_key"]]
    assert ("code",) not in found
    assert ("disposed_by_id",) not in found
    assert {("year",), ("status",), ("unit_id",), ("round_id",), ("report_id",)} <= set(found)
    # one index on the status: no second one for LIKE (PostgreSQL's for a text field's db_index)
    assert found.count(("status",)) == 1


def _index_definition(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        return cursor.fetchone()[0]


def _drop_every_alert_index_but(keep: str, cursor) -> None:
    """Drops (inside the test's transaction, which undoes it) every index of the alert table but
    `keep` and the primary key, unique constraints included."""
    table = Alert._meta.db_table
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    cursor.execute(
        "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
        " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND i.relname <> %s",
        [table, keep],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="INCLUDE: PostgreSQL's")
def test_the_lagging_codes_are_read_from_the_figures_index_alone_on_postgresql(world):
    """The lagging codes (M01, M02 of the region-year) and the breakdown by code and level
    need the status, level and project of every matching alert: carried in the index, an
    index-only scan, not the wide rows (messages, explanations). The test's few rows would
    be read by a sequential scan or through another index, whichever the planner's guess at a
    tiny table (and its statistics of the moment) prefers, so the plan is asked with the
    figures' index the only way left: every other index dropped, sequential and bitmap scans
    disallowed. PostgreSQL builds an index-only path for an index whenever the index carries
    every column the query reads, and only a plain index scan otherwise, so the plan then
    says which (earlier, with index scans disallowed too, every path paid the same penalty and
    the plan followed the statistics: it failed now and then)."""
    assert _index_definition("alert_figures").endswith(
        "(region_id, year, code) INCLUDE (status, level, project_id)"
    )
    work = WorkYear(world.budget, world.region, YEAR)
    lagging = one_row_aggregate(  # as `reports.stats` counts them
        work.alerts.filter(code__in=["M01", "M02"]),
        Count("project_id", distinct=True),
        Count("project_id", distinct=True, filter=Q(level="red")),
    )
    with connection.cursor() as cursor:  # undone with the test's transaction
        _drop_every_alert_index_but("alert_figures", cursor)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    assert "Index Only Scan using alert_figures" in lagging.explain()


def test_the_figures_index_is_region_year_and_code(db):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Alert._meta.db_table)
    assert indexes["alert_figures"]["columns"][:3] == ["region_id", "year", "code"]


@sqlite_plans
def test_without_the_year_index_the_staffs_alert_list_scans_the_table(world):
    """Why `year` keeps its index though (region, year, code) leads with the region: the lists
    filter the region by its path, a join, so nothing else narrows the table to the year."""
    rows = alert_list(user=world.budget, region=world.region, year=YEAR)
    assert not _scans_alerts(rows)
    with connection.cursor() as cursor:  # undone with the test's transaction
        indexes = connection.introspection.get_constraints(cursor, Alert._meta.db_table)
        (name,) = [n for n, c in indexes.items() if c["index"] and c["columns"] == ["year"]]
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    assert _scans_alerts(rows)
