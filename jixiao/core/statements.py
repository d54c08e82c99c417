"""Plain SQL statements run with as little around them as the database allows:
the figures' kept statements (reports/stats.py), whose rows are plain values.

- `rows` runs one statement. On SQLite, when nobody watches the queries (no execute wrapper,
  no query log: the tests' query counts and the benches' wrappers do watch), on the driver's own
  cursor: Django's wrapper and its conversion of the placeholders cost about a twentieth of a
  small query's CPU (a millisecond of a district's figures).
- `rows_together` runs several independent statements. On PostgreSQL they are sent at once in
  psycopg's pipeline mode and their rows read afterwards, so the server goes from one to the
  next without waiting for a round trip and the client's handling of each; elsewhere one after
  another, as `rows` runs them. They go through Django's cursors, so every statement is counted
  by whoever watches.

Statements are (SQL, parameters) as the ORM's compiler gives them ("%s" placeholders), or with
no parameters (None) when they are merged into the SQL already.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

#: The SQLite form of each statement's SQL ("?" placeholders), as Django's cursor converts it
#: (`SQLiteCursorWrapper.convert_query`), converted once a process.
_QMARK: dict[str, str] = {}
QMARK_KEPT = 1024


def _qmark(sql: str) -> str:
    converted = _QMARK.get(sql)
    if converted is None:
        if len(_QMARK) >= QMARK_KEPT:
            del _QMARK[next(iter(_QMARK))]
        converted = _QMARK[sql] = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
    return converted


def _watched(connection) -> bool:
    return bool(connection.queries_logged or connection.execute_wrappers)


def rows(alias: str, sql: str, params) -> list[tuple]:
    """The rows of one statement (`fetchall`)."""
    connection = connections[alias]
    if connection.vendor == "sqlite" and not _watched(connection):
        connection.ensure_connection()
        connection.validate_thread_sharing()
        with connection.wrap_database_errors:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(_qmark(sql), params or ())
                return cursor.fetchall()
            finally:
                cursor.close()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def sends_together(alias: str) -> bool:
    """Whether `rows_together` sends its statements at once on this database (else it runs
    them one after another, and gains nothing over `rows`): PostgreSQL, when psycopg's libpq
    has the pipeline mode (14 or later; psycopg[binary] brings its own)."""
    if connections[alias].vendor != "postgresql":
        return False
    import psycopg

    return psycopg.Pipeline.is_supported()


def rows_together(
    alias: str, statements: list[tuple[str, tuple | None]], meanwhile=None
) -> list[list[tuple]]:
    """The rows of each of `statements`, in their order: on PostgreSQL all sent in one
    pipeline, then read (psycopg reads every result the pipeline holds when the first is asked
    for, so they are read together). The statements must not depend on one another: a read
    only, none of them a write another reads. `meanwhile`: called once they are sent, before
    their rows are read; on PostgreSQL the queries it makes on this database join the
    pipeline after them (each read waits for what was sent before it, without a round trip
    of its own)."""
    connection = connections[alias]
    if not sends_together(alias) or len(statements) < 2:
        found = [rows(alias, sql, params) for sql, params in statements]
        if meanwhile is not None:
            meanwhile()
        return found
    connection.ensure_connection()
    cursors = []
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for sql, params in statements:
                cursors.append(connection.cursor())
                cursors[-1].execute(sql, params)
            if meanwhile is not None:
                meanwhile()
            return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
