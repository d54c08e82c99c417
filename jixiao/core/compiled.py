"""A query made on every request, compiled once a process (issue 16, part 5).

The session and the signed-in user are each read on every request by a one-row query whose
SQL never changes, only its key: building it through the ORM (the queryset, its WHERE, the
compiler) cost more CPU than the database's answer. `KeyedQuery` compiles the queryset once for
each database, with a stand-in key, and then only runs the SQL with the real key and turns the
row into values the way the ORM does (its column converters), or into a model instance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet, Value


class KeyedQuery:
    """`make(*keys)` gives the queryset for its keys (strings or integers, passed to the
    database as they are); its SQL is compiled once per database alias with `stand_ins` as the
    keys (distinct values), and each parameter of that SQL must be one of them (a key may be
    used more than once, in any order). A queryset of rows gives model instances, one of
    `values_list` gives tuples."""

    def __init__(self, make: Callable[..., QuerySet], *stand_ins: Any):
        self.make = make
        self.stand_ins = stand_ins
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        compiled = self._compiled.get(alias)
        if compiled is None:
            queryset = self.make(*self.stand_ins).using(alias)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            # Each parameter must be a key as given: anything else (a date, a value the
            # database adapts, a constant of the query) would not be replaced faithfully below.
            places = [self._place(param) for param in params]
            expressions = [column for column, _sql, _alias in compiler.select]
            converters = compiler.get_converters(expressions)
            model = None
            if queryset._fields is None:  # rows, not values_list
                model = queryset.model
                names = [column.target.attname for column in expressions]
            else:
                names = []
            compiled = (sql, places, compiler, converters, model, names)
            self._compiled[alias] = compiled
        return compiled

    def _place(self, param: Any) -> tuple[int, type | None]:
        """Which key a parameter is, and the type the database driver was given it as: on
        PostgreSQL a small integer column's value goes as psycopg's `Int2`, a subclass of int,
        and is passed so again."""
        for place, stand_in in enumerate(self.stand_ins):
            if isinstance(param, bool):  # True == 1 and False == 0: a constant, never a key
                break
            if isinstance(param, type(stand_in)) and param == stand_in:
                return place, None if type(param) is type(stand_in) else type(param)
        raise ValueError(f"KeyedQuery: the parameter {param!r} is none of its keys")

    def all(self, *keys: Any, using: str = "default") -> list:
        """The rows for `keys`."""
        sql, places, compiler, converters, model, names = self._compile(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [as_(keys[at]) if as_ else keys[at] for at, as_ in places])
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        if model is not None:
            return [model.from_db(using, names, tuple(row)) for row in rows]
        return [tuple(row) for row in rows]

    def first(self, *keys: Any, using: str = "default") -> Model | tuple | None:
        """The first row for `keys` (its queryset says which, and is sliced to one), or None."""
        rows = self.all(*keys, using=using)
        return rows[0] if rows else None


def one_row_aggregate(queryset: QuerySet, *aggregates) -> QuerySet:
    """`queryset.aggregate(...)` as a one-row `values_list` queryset (grouped by a constant,
    which the SQL leaves out), so that its SQL can be compiled once and kept.

    Its `empty_row` is the row `aggregate()` gives when Django knows the filter matches
    nothing (an empty list of ids, `EmptyResultSet`) and sends no SQL at all: each aggregate's
    `empty_result_set_value` (0 for a count, None for a sum or a maximum). `rows_of_nothing`
    gives it to the readers that run such querysets themselves."""
    names = [f"a{i}" for i in range(len(aggregates))]
    rows = (
        queryset.order_by()
        .values(one=Value(1))
        .annotate(**dict(zip(names, aggregates, strict=True)))
        .values_list(*names)
    )
    rows.empty_row = tuple(a.empty_result_set_value for a in aggregates)
    return rows


def rows_of_nothing(queryset) -> list[tuple]:
    """The rows of a `values_list` queryset whose filter matches nothing, where no SQL ran:
    none, or an aggregate's one row (`one_row_aggregate`)."""
    row = getattr(queryset, "empty_row", None)
    return [] if row is None else [row]


def plain_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a `values_list` queryset as the database driver gives them: one
    `fetchall`, without the ORM's converters (a Python call per value: about a fifth of the
    time of a grouped query of a few thousand rows). Only for columns the driver already gives
    as Django would, ids, counts and text on SQLite and PostgreSQL alike; not money (SQLite
    sums binary floats), dates or booleans."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing (an empty list of ids)
        return rows_of_nothing(queryset)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
