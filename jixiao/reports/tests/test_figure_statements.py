"""What the work year's figures ask the database for, beyond the figures themselves: the units'
structure as an uncorrelated list, and the count by the findings' codes read from the index of
the declarations with findings (docs/performance.md, the work year's figures, eleventh pass);
the year-end rush's candidates each looked up by project (twelfth pass).
SQLite's plans without statistics take any usable index, so its plan names the index that
serves a statement."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from jixiao.core.scope import RegionReader
from jixiao.orgs.models import Unit, UnitYear
from jixiao.reports import stats
from jixiao.reports.selectors import WorkYear
from jixiao.targets.models import Target

TODAY = datetime.date(2022, 9, 1)


def _kept_statement(name: str) -> str:
    """The SQL of the kept statement `name` of the last computation (a whole-region reader's)."""
    (sql,) = {sql for key, (_db, sql, _p, _c) in stats._COMPILED.items() if key[0] == name}
    return sql


def _plan(name: str) -> str:
    ((_db, sql, params, _c),) = [v for k, v in stats._COMPILED.items() if k[0] == name]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(row[-1] for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _declare(world, code: str, *, status: str, codes: str) -> None:
    project = world.projects[code]
    Target.objects.create(
        region=project.region,
        year=2022,
        unit=project.unit,
        project=project,
        status=status,
        findings=[{"code": c} for c in codes.split(";")[:-1]],
        finding_codes=codes,
    )


@pytest.fixture
def figures(world):
    _declare(world, "P1", status="approved", codes="T02;T07;")
    _declare(world, "P1A", status="submitted", codes="")
    _declare(world, "P2", status="draft", codes="T01;")  # not counted: a draft
    gone = Unit.objects.create(region=world.region, code="U9", name="甲区已撤并局")
    UnitYear.objects.create(unit=gone, year=2021, name=gone.name, level=1)
    return stats.compute_year_stats(
        user=RegionReader(world.region.path), region=world.region, year=2022, today=TODAY
    )


def test_the_units_gone_since_last_year_are_a_list_not_a_lookup_for_each_unit(world, figures):
    """A correlated NOT EXISTS made PostgreSQL look up each unit's years by index, one unit at
    a time (11.5 ms at province scale against 7 ms for the list, hashed once)."""
    sql = _kept_statement("structure")
    assert "NOT EXISTS" not in sql and "NOT (" in sql
    rows = stats._structure(WorkYear(RegionReader(world.region.path), world.region, 2022))
    years = {code: year for _uid, year, _l, _p, code, _n, _r in rows}
    # each unit of 2022 by its 2022 row; the unit gone since by its 2021 row
    assert years == {"U1": 2022, "U1A": 2022, "U2": 2022, "U9": 2021}


def test_the_findings_codes_are_counted_from_the_versions_in_force_that_have_any(figures):
    assert figures["lint"]["T02"] == 1 and figures["lint"]["T07"] == 1
    assert figures["lint"]["T01"] == 0  # a draft's
    assert figures["problems"]["lint_targets"] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan text")
def test_the_findings_codes_are_read_from_the_declarations_with_findings_alone(figures):
    plan = _plan("targets.current")
    assert "COVERING INDEX target_findings" in plan, plan
    assert "COVERING INDEX target_figures" in plan, plan  # the statuses, every declaration


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan text")
def test_the_findings_codes_can_be_read_from_the_declarations_with_findings_on_postgresql(
    figures,
):
    """The test's few rows would be read by a sequential scan; with it disallowed, the index
    that holds only the declarations with findings is the one the count by codes takes."""
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "target_findings" in _plan("targets.current")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan text")
def test_the_year_end_rush_looks_up_the_self_evaluation_of_each_candidate(figures):
    """The payments' year totals read once and each candidate's self-evaluation looked up by
    its project (unique), not the year's counted self-evaluations read into a list first and
    each project's totals looked up by it: 2.2 → 0.7 ms at the small scale, 27 → 11 ms at
    province scale."""
    plan = _plan("year_end_rush")
    assert "LIST SUBQUERY" not in plan, plan
    assert "SCAN budgets_paymenttotal" in plan, plan
    assert "SEARCH U0 USING INDEX sqlite_autoindex_evaluations_selfevaluation" in plan, plan


def test_only_a_declaration_with_findings_is_in_the_findings_index(db):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Target._meta.db_table)
    assert indexes["target_findings"]["columns"] == ["region_id", "year", "status", "finding_codes"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'target_findings'")
            (sql,) = cursor.fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'target_findings'")
            (sql,) = cursor.fetchone()
    assert "WHERE" in sql and "finding_codes" in sql.split("WHERE", 1)[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sums are exact")
def test_the_funds_are_summed_by_source_on_postgresql_with_the_same_figures(world, figures):
    """Each source's sum, then their sum: no addition for each row (SQLite's float sums keep
    the sum of each row's budget, so that nothing is added up in another order)."""
    for name in ("targets.funds", "monitored_projects"):  # (no round here: no execution)
        sql = _kept_statement(name)
        assert 'SUM("budgets_project"."full_current")' in sql, name
        assert "COALESCE" not in sql, name
    assert figures["targets"]["funds_approved"] == Decimal("120.62")  # P1: 100.123456 + 20.5
