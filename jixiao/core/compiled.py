"""Queries compiled once a process and run again with other values: the one kit for it (issue
16, part 5).

The one-row reads made on every request (the session and the signed-in user, the document read
within the user's scope, core/scope_read.py) and the pages' small keyed queries cost more CPU to
build through the ORM (the queryset, its WHERE, its joins, the compiler) than the database's
answer. Their SQL never changes, only its values. `Compiled` compiles a queryset made from
stand-in values (its keys) once, finds where each key went among the SQL's parameters, and then
runs that SQL with other keys in their places, turning the rows into models with their joins
(the ORM's column converters and related populators, kept with the SQL) or into tuples.

A parameter of the compiled SQL is one of:

- a key, passed on as the caller's value (as the type the driver was given it: on PostgreSQL a
  small integer column's value goes as psycopg's `Int2`, a subclass of int);
- a text made from a key, a `LIKE` pattern (a region path's `startswith`): the same text around
  it, the key escaped as the ORM escaped it;
- a constant of the query, kept.

Which of these a parameter is, is found by comparing values, so it must be proved, in one of
two ways. `KeyedQuery` takes a query whose parameters are all keys, and refuses any other: one
compilation suffices. `proved` compiles the query twice, from two different sets of keys, and
keeps the first only when both give the same SQL and the first's parameters rebuilt with the
second's keys are exactly the second's: a text or a constant is then known, not guessed (a
query whose SQL depends on its values fails, and its caller reads through the ORM).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet, Value
from django.db.models.query import get_related_populators


class _Param:
    """How one parameter of the compiled SQL is made from the keys: a key (`key`, its index),
    a text around an escaped key, or a constant."""

    __slots__ = ("after", "before", "cast", "constant", "escape", "key")

    def __init__(self, param: Any, keys: Sequence, like_escape: Callable[[str], str]):
        self.constant, self.key, self.cast, self.escape = param, None, None, None
        self.before = self.after = ""
        if isinstance(param, bool):  # True == 1 and False == 0: a constant, never a key
            return
        for at, key in enumerate(keys):
            if isinstance(param, type(key)) and param == key:
                self.key, self.cast = at, None if type(param) is type(key) else type(param)
                return
        if not isinstance(param, str):
            return
        for at, key in enumerate(keys):
            # The escaped key first: stand-in texts hold an "_", so an escaped one is found
            # only in a pattern the ORM escaped.
            for escape in (like_escape, None) if isinstance(key, str) and key else ():
                text = escape(key) if escape else key
                if text in param:
                    self.key, self.escape = at, escape
                    self.before, _sep, self.after = param.partition(text)
                    return

    @property
    def is_key(self) -> bool:
        """One of the keys, as given or as the driver's type of it (`cast`)."""
        return self.key is not None and self.escape is None and not (self.before or self.after)

    def value(self, keys: Sequence) -> Any:
        if self.key is None:
            return self.constant
        key = keys[self.key]
        if self.cast is not None:
            return self.cast(key)
        if self.escape is not None:
            key = self.escape(key)
        return f"{self.before}{key}{self.after}" if self.before or self.after else key


class Compiled:
    """The SQL of one queryset on one database, compiled from `keys`, and how to run it with
    other keys and turn its rows into what the queryset gives: models with their
    `select_related` joins and annotations, or tuples for a `values_list`. Raises the ORM's
    `EmptyResultSet` for a filter that can match nothing (the ORM sends no SQL then)."""

    def __init__(self, queryset: QuerySet, keys: Sequence, alias: str):
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        escape = connections[alias].ops.prep_for_like_query
        self.params = [_Param(param, keys, escape) for param in params]
        # What `rows` passes, without a call for a key as given (its index) or a constant
        # (itself, in a tuple); `_places` when every parameter is a key as given.
        self._spec = [
            param.key
            if param.is_key and param.cast is None
            else (param.constant,)
            if param.key is None
            else param
            for param in self.params
        ]
        places = [at for at in self._spec if type(at) is int]
        self._places = places if len(places) == len(self.params) else None
        self.alias = alias
        self.compiler = compiler
        # The ORM works out each column's converters again for every query; they never change.
        columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(columns)
        self.model = None
        if queryset._fields is None:  # models, not a values_list
            klass_info = compiler.klass_info
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.names = [c[0].target.attname for c in compiler.select[self.start : self.end]]
            self.populators = get_related_populators(klass_info, compiler.select, alias)
            self.annotations = list(compiler.annotation_col_map.items())
            # Every column the model's own: its rows need no slicing, joins nor annotations.
            self._model_only = (self.start, self.end) == (0, compiler.col_count) and not (
                self.populators or self.annotations
            )

    def params_for(self, keys: Sequence) -> list:
        if self._places is not None:
            return [keys[at] for at in self._places]
        return [param.value(keys) for param in self.params]

    def rows(self, keys: Sequence) -> list:
        # Run on every request: locals and the common cases inline (a call costs what the
        # ORM's converters of a short row cost).
        places = self._places
        if places is not None:
            params = [keys[at] for at in places]
        else:
            params = [
                keys[at] if type(at) is int else at[0] if type(at) is tuple else at.value(keys)
                for at in self._spec
            ]
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        if self.converters:
            found = self.compiler.apply_converters(found, self.converters)
        model = self.model
        if model is None:
            return [tuple(row) for row in found]
        alias, names = self.alias, self.names
        if self._model_only:
            return [model.from_db(alias, names, tuple(row)) for row in found]
        start, end, populators, annotations = (
            self.start,
            self.end,
            self.populators,
            self.annotations,
        )
        rows = []
        for row in found:
            obj = model.from_db(alias, names, tuple(row[start:end]))
            for populator in populators:
                populator.populate(row, obj)
            if annotations:
                for name, at in annotations:
                    setattr(obj, name, row[at])
            rows.append(obj)
        return rows


def proved(
    alias: str, first: QuerySet, first_keys: Sequence, second: QuerySet, second_keys: Sequence
) -> Compiled | None:
    """The first queryset's SQL, to run with any keys, when compiling the same query from two
    different sets of keys shows its SQL and parameters depend on nothing else; None when they
    do (read such a query through the ORM). `EmptyResultSet` passes through."""
    one = Compiled(first, first_keys, alias)
    two = Compiled(second, second_keys, alias)
    if one.sql == two.sql and one.params_for(second_keys) == [p.constant for p in two.params]:
        return one
    return None


class KeyedQuery:
    """`make(*keys)` gives the queryset for its keys (strings or integers, passed to the
    database as they are); its SQL is compiled once per database alias with `stand_ins` as the
    keys (distinct values), and each parameter of that SQL must be one of them (a key may be
    used more than once, in any order): anything else (a date, a value the database adapts, a
    constant of the query) is refused, since one compilation cannot tell it from a key. A
    queryset of rows gives model instances, one of `values_list` gives tuples.

    With `proof` (other stand-ins, each different from its own), a query may also hold
    constants (an `EXISTS` subquery's `LIMIT 1` on PostgreSQL): it is compiled a second time
    from `proof` and kept only when `proved` finds both compilations the same query."""

    def __init__(
        self, make: Callable[..., QuerySet], *stand_ins: Any, proof: Sequence | None = None
    ):
        self.make = make
        self.stand_ins = stand_ins
        self.proof = proof
        self._compiled: dict[str, Compiled] = {}

    def _compile(self, alias: str) -> Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            first = self.make(*self.stand_ins).using(alias)
            if self.proof is not None:
                second = self.make(*self.proof).using(alias)
                compiled = proved(alias, first, self.stand_ins, second, self.proof)
                if compiled is None:
                    raise ValueError("KeyedQuery: the query's SQL depends on more than its keys")
            else:
                compiled = Compiled(first, self.stand_ins, alias)
                refused = [param.constant for param in compiled.params if not param.is_key]
                if refused:
                    raise ValueError(
                        f"KeyedQuery: the parameter {refused[0]!r} is none of its keys"
                    )
            self._compiled[alias] = compiled
        return compiled

    def all(self, *keys: Any, using: str = "default") -> list:
        """The rows for `keys`."""
        return (self._compiled.get(using) or self._compile(using)).rows(keys)

    def first(self, *keys: Any, using: str = "default") -> Model | tuple | None:
        """The first row for `keys` (its queryset says which, and is sliced to one), or None."""
        rows = self.all(*keys, using=using)
        return rows[0] if rows else None


def prefetched(instance: Model, name: str, rows: list, queryset: QuerySet) -> None:
    """Keep `rows` (read by a `KeyedQuery`) as `instance.<name>.all()` then gives them, as
    `prefetch_related_objects([instance], Prefetch(name, queryset))` leaves them: the reverse
    foreign key's manager's queryset holding the rows (a further `filter()` reads afresh), and
    each row's foreign key to `instance` set without a query."""
    manager = getattr(instance, name)
    related = manager._apply_rel_filters(queryset)
    related._result_cache = rows
    related._prefetch_done = True
    field = manager.field
    for row in rows:
        field.set_cached_value(row, instance)
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[field.remote_field.cache_name] = related


def prefetched_rows(instance: Model, name: str) -> list | None:
    """The rows of `instance.<name>` when they were prefetched (or kept by `prefetched`), else
    None: a condition asked on a page that read them need not read them again."""
    cache = getattr(instance, "_prefetched_objects_cache", None)
    related = cache.get(name) if cache else None
    return None if related is None else related._result_cache


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
