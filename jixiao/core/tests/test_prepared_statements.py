"""On PostgreSQL a statement a connection has run twice is prepared: its values go apart from the
SQL, so PostgreSQL parses it once and need not plan it anew for every request
(`JIXIAO_PG_PREPARED`, settings.py; docs/deploy.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from jixiao.orgs.models import Region

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's statements"),
]


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_a_statement_run_again_with_other_values_is_prepared_once_and_answers_each(world):
    before = _prepared()
    answers = [
        list(Region.objects.filter(code=code).values_list("name", flat=True))
        for code in (world.region.code, "no-such-code", world.region.code, "另一个")
    ]
    added = [sql for sql in _prepared() - before if '"orgs_region"."code" =' in sql]
    assert answers == [[world.region.name], [], [world.region.name], []]
    assert len(added) == 1 and "$1" in added[0]  # one statement, its value a parameter


def test_a_value_that_looks_like_sql_is_compared_as_a_value(world):
    """A value sent apart from the SQL is never read as SQL, whatever it holds, and a prepared
    statement answers it as it answers any other value."""
    for _ in range(3):  # the third run is prepared
        assert not Region.objects.filter(code="x' OR '1'='1").exists()
        assert not Region.objects.filter(name__contains="'; DROP TABLE orgs_region; --").exists()
    assert Region.objects.filter(code=world.region.code).exists()
