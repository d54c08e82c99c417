"""One document by its id among the rows a user's scope reaches, with SQL compiled once a
process for each shape of scope (issue 16, part 5).

Every page of a document, every save and every review step reads the document through
`visible_to(user)` (core/scope.py): building that query through the ORM (the scope's Q, its
joins and subqueries, the compiler) cost more CPU than the database's answer, 16-18% of a
save's. A scope's SQL depends only on its shape: how many region paths, units and offices it
holds and whether it has an assignee; the values are parameters. `ScopedRow` compiles the
model's own `scope_q` once for each shape, from stand-in values, and then runs that SQL with
the user's values, so the filter stays the one the model declares.

A parameter of the compiled SQL is either one of the stand-ins (passed on as the user's value),
a text made from one (a region path's `LIKE` pattern: the same text around it, escaped as the
pattern was) or a constant of the query, kept. The shape is compiled twice, from two different
sets of stand-ins, and used only when both give the same SQL and the parameters found from the
first give exactly the second's; otherwise (a scope whose SQL depends on its values) that shape
is read through the ORM as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.http import Http404

from .scope import EMPTY_SCOPE, Scope, scope_of

# Stand-in values, far from any real id. Their order is kept (the i-th smallest unit id stands
# where the i-th stand-in stood, as `scope_filter` sorts the ids); the texts hold an "_" so a
# LIKE pattern made from one shows whether it was escaped.
_FIRSTS = ({"unit": 970_000_001, "office": 980_000_001, "assignee": 990_000_001, "pk": 999_000_001},
           {"unit": 971_000_001, "office": 981_000_001, "assignee": 991_000_001, "pk": 999_500_001})  # fmt: skip
_PATHS = ("\x01jixiao_scope_path_{i}\x01", "\x01jixiao_scope_other_{i}\x01")

# A shape: the number of region paths, of units, of offices, and whether there is an assignee.
Shape = tuple[int, int, int, bool]


def shape_of(scope: Scope) -> Shape:
    return (
        len(scope.region_paths),
        len(scope.unit_ids),
        len(scope.office_ids),
        scope.assignee_id is not None,
    )


def _keys(scope: Scope, pk: int) -> list:
    """A scope's values and the id, in the order of the stand-ins (`_stand_ins`)."""
    return [
        *scope.region_paths,
        *sorted(scope.unit_ids),
        *sorted(scope.office_ids),
        *([scope.assignee_id] if scope.assignee_id is not None else []),
        pk,
    ]


def _stand_ins(shape: Shape, which: int) -> tuple[Scope, int, list]:
    """A scope of this shape made of stand-ins, the stand-in id, and the keys in order."""
    paths, units, offices, assignee = shape
    first = _FIRSTS[which]
    scope = Scope(
        region_paths=tuple(_PATHS[which].format(i=i) for i in range(paths)),
        unit_ids=frozenset(first["unit"] + i for i in range(units)),
        office_ids=frozenset(first["office"] + i for i in range(offices)),
        assignee_id=first["assignee"] if assignee else None,
    )
    return scope, first["pk"], _keys(scope, first["pk"])


class _Param:
    """How one parameter of the compiled SQL is made from the keys."""

    def __init__(self, param: Any, keys: list, like_escape: Callable[[str], str]):
        self.constant, self.key, self.cast = param, None, None
        self.before = self.after = ""
        self.escape: Callable[[str], str] | None = None
        if isinstance(param, bool):  # True == 1: a constant, never a key
            return
        for at, key in enumerate(keys):
            if isinstance(key, int) and isinstance(param, int) and param == key:
                # On PostgreSQL a small integer column's value goes as psycopg's Int2, a
                # subclass of int, and is passed so again.
                self.key, self.cast = at, None if type(param) is int else type(param)
                return
            if isinstance(key, str) and isinstance(param, str):
                for escape in (like_escape, None):
                    text = escape(key) if escape else key
                    if text in param:
                        self.key, self.escape = at, escape
                        self.before, _sep, self.after = param.partition(text)
                        return

    def value(self, keys: list) -> Any:
        if self.key is None:
            return self.constant
        key = keys[self.key]
        if self.escape is not None:
            key = self.escape(key)
        if self.before or self.after:
            return f"{self.before}{key}{self.after}"
        return self.cast(key) if self.cast else key


class _Compiled:
    """The SQL of one shape on one database and how to turn its rows into models."""

    def __init__(self, queryset: QuerySet, keys: list, alias: str):
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        ops = connections[alias].ops
        self.params = [_Param(p, keys, ops.prep_for_like_query) for p in params]
        self.compiler = compiler
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.names = [c[0].target.attname for c in compiler.select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, compiler.select, alias)
        # The ORM works out each column's converters again for every query; they never change.
        columns = [c[0] for c in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(columns)
        self.alias = alias

    def rows(self, keys: list) -> list[Model]:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, [p.value(keys) for p in self.params])
            found = cursor.fetchall()
        if self.converters:
            found = self.compiler.apply_converters(found, self.converters)
        rows = []
        for row in found:
            obj = self.model.from_db(self.alias, self.names, tuple(row[self.start : self.end]))
            for populator in self.populators:
                populator.populate(row, obj)
            rows.append(obj)
        return rows


# A shape whose scope matches nothing (its filter is `pk__in=[]`): Django sends no SQL.
_NOTHING = object()
# A shape whose SQL depends on more than its values' places: read through the ORM.
_ORM = object()


class ScopedRow:
    """`get(user, pk)`: the row of `make()` with this id that the user's scope reaches, or
    None. `make()` gives the queryset to read from (its joins, a `select_for_update`), never
    filtered by a user; its SQL with the scope's filter is compiled once per database alias and
    shape of scope."""

    def __init__(self, make: Callable[[], QuerySet]):
        self.make = make
        self._compiled: dict[tuple[str, Shape], Any] = {}

    def _query(self, scope: Scope, pk: int) -> QuerySet:
        rows = self.make()
        return rows.filter(rows.model.scope_q(scope), pk=pk).order_by()[:2]

    def _compile(self, alias: str, shape: Shape):
        made = []
        for which in (0, 1):
            scope, pk, keys = _stand_ins(shape, which)
            try:
                made.append((_Compiled(self._query(scope, pk).using(alias), keys, alias), keys))
            except EmptyResultSet:
                return _NOTHING
        (first, _keys0), (second, keys1) = made
        # The second compilation proves the first's parameters come from the keys alone.
        same = first.sql == second.sql and [p.value(keys1) for p in first.params] == [
            p.constant for p in second.params
        ]
        return first if same else _ORM

    def get(self, user, pk, *, using: str = "default") -> Model | None:
        scope = scope_of(user)
        if scope.empty:
            return None
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        rows = self._rows(scope, pk, using)
        return rows[0] if rows else None

    def _rows(self, scope: Scope, pk: int, using: str) -> list[Model]:
        shape = shape_of(scope)
        compiled = self._compiled.get((using, shape))
        if compiled is None:
            compiled = self._compile(using, shape)
            self._compiled[(using, shape)] = compiled
        if compiled is _NOTHING:
            return []
        if compiled is _ORM:
            rows = list(self._query(scope, pk).using(using))
        else:
            rows = compiled.rows(_keys(scope, pk))
        if len(rows) > 1:  # as `QuerySet.get` would
            raise rows[0].MultipleObjectsReturned
        return rows

    def get_or_404(self, user, pk, *, using: str = "default") -> Model:
        row = self.get(user, pk, using=using)
        if row is None:
            raise Http404
        return row


class RowById(ScopedRow):
    """`get(pk)`: the row of `make()` with this id, as `make().get(pk=pk)` gives it
    (`DoesNotExist` when there is none), by SQL compiled once per database: a service's locked
    read of the document it changes, once the view has read it within the user's scope."""

    def _query(self, scope: Scope, pk: int) -> QuerySet:
        return self.make().filter(pk=pk).order_by()[:2]

    def get(self, pk, *, using: str = "default") -> Model:  # type: ignore[override]
        rows = self._rows(EMPTY_SCOPE, pk, using)
        if not rows:
            raise self.make().model.DoesNotExist
        return rows[0]
