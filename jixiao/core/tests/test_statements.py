"""Plain statements run lean, or several sent together (core/statements.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.core import statements
from jixiao.orgs.models import Region

pytestmark = pytest.mark.django_db

ALIAS = "default"


def _regions_statement(code: str) -> tuple[str, tuple]:
    queryset = Region.objects.filter(code__startswith=code).order_by("code").values_list("code")
    sql, params = queryset.query.get_compiler(ALIAS).as_sql()
    return sql, tuple(params)


def _statements() -> list[tuple[str, tuple | None]]:
    Region.objects.create(code="510000", name="四川省", level="province", path="510000/")
    Region.objects.create(code="520000", name="贵州省", level="province", path="520000/")
    return [
        _regions_statement("51"),
        ("SELECT 'a%%b', %s", ("c",)),  # a literal % doubled, as the ORM writes it
        _regions_statement("5"),
        _regions_statement("9"),
    ]


def test_statements_run_together_give_the_rows_each_gives_alone_in_their_order():
    together = statements.rows_together(ALIAS, _statements())
    assert [list(map(tuple, rows)) for rows in together] == [
        [("510000",)],
        [("a%b", "c")],
        [("510000",), ("520000",)],
        [],
    ]


def test_watched_statements_are_each_counted_and_give_the_same_rows_as_unwatched_ones():
    sent = _statements()
    unwatched = [statements.rows(ALIAS, sql, params) for sql, params in sent]
    with CaptureQueriesContext(connection) as captured:
        watched = [statements.rows(ALIAS, sql, params) for sql, params in sent]
        together = statements.rows_together(ALIAS, sent)
    assert len(captured.captured_queries) == 2 * len(sent)
    assert [list(map(tuple, rows)) for rows in watched] == [
        list(map(tuple, rows)) for rows in unwatched
    ]
    assert [list(map(tuple, rows)) for rows in together] == [
        list(map(tuple, rows)) for rows in unwatched
    ]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's pipeline mode")
def test_on_postgresql_statements_run_together_are_sent_in_one_pipeline():
    in_pipeline = []

    def note(execute, sql, params, many, context):
        in_pipeline.append(bool(connection.connection.pgconn.pipeline_status))
        return execute(sql, params, many, context)

    sent = _statements()
    assert statements.sends_together(ALIAS)
    with connection.execute_wrapper(note):
        statements.rows_together(ALIAS, sent)
        statements.rows(ALIAS, *sent[0])
    assert in_pipeline == [True] * len(sent) + [False]


def test_the_queries_made_meanwhile_read_their_rows_after_the_statements_are_sent():
    """`meanwhile` runs once the statements are sent, before their rows are read: on
    PostgreSQL its queries join the pipeline (no round trip of their own), elsewhere they run
    after the statements. Either way each gives its own rows."""
    in_pipeline, read = [], []

    def note(execute, sql, params, many, context):
        in_pipeline.append(
            connection.vendor == "postgresql" and bool(connection.connection.pgconn.pipeline_status)
        )
        return execute(sql, params, many, context)

    sent = _statements()
    with connection.execute_wrapper(note):
        together = statements.rows_together(
            ALIAS,
            sent,
            meanwhile=lambda: read.append(
                list(
                    Region.objects.filter(code__startswith="5")
                    .order_by("code")
                    .values_list("code", flat=True)
                )
            ),
        )
    assert read == [["510000", "520000"]]
    assert [list(map(tuple, rows)) for rows in together][2] == [("510000",), ("520000",)]
    assert in_pipeline == [statements.sends_together(ALIAS)] * (len(sent) + 1)
