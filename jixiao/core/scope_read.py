"""One document by its id among the rows a user's scope reaches, with SQL compiled once a
process for each shape of scope, by the kit of core/compiled.py.

Every page of a document, every save and every review step reads the document through
`visible_to(user)` (core/scope.py): building that query through the ORM (the scope's Q, its
joins and subqueries, the compiler) cost more CPU than the database's answer, 16-18% of a
save's. A scope's SQL depends only on its shape: how many region paths, units and offices it
holds and whether it has an assignee; the values are parameters. `ScopedRow` compiles the
model's own `scope_q` for each shape from stand-in values, twice (`compiled.proved`: a region
path's `LIKE` pattern and a constant of the query are proved, not guessed), and then runs that
SQL with the user's values, so the filter stays the one the model declares. A shape whose SQL
depends on its values is read through the ORM as before.

The compiled shapes are kept in a least-recently-used cache of `SHAPES_KEPT` a read and
database, so that a process serving users of ever more shapes keeps a bounded memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Model, QuerySet
from django.http import Http404

from .compiled import proved
from .scope import EMPTY_SCOPE, Scope, scope_of

# Stand-in values, far from any real id. Their order is kept (the i-th smallest unit id stands
# where the i-th stand-in stood, as `scope_filter` sorts the ids); the texts hold an "_" so a
# LIKE pattern made from one shows whether it was escaped.
_FIRSTS = ({"unit": 970_000_001, "office": 980_000_001, "assignee": 990_000_001, "pk": 999_000_001},
           {"unit": 971_000_001, "office": 981_000_001, "assignee": 991_000_001, "pk": 999_500_001})  # fmt: skip
_PATHS = ("\x01jixiao_scope_path_{i}\x01", "\x01jixiao_scope_other_{i}\x01")

# A shape: the number of region paths, of units, of offices, and whether there is an assignee.
Shape = tuple[int, int, int, bool]

# How many shapes each read keeps compiled, per database. A user's shape is (1 region path or
# none, 1 + the level-2 units of a unit or none, 1 office or none, an assignee or none): the
# province load test's 6,501 users have 7 shapes and the demo's 166 users 6 (docs/
# performance.md, the eighth measurement). 32 keeps all of those four times over; a process
# that meets more (units with many level-2 units, each count a shape) compiles a rare shape
# again (about 5 ms of CPU) rather than grow: a statement takes 26-48 kB, so the 18 reads of
# the app keep at most 15-28 MB.
SHAPES_KEPT = 32


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


# A shape whose scope matches nothing (its filter is `pk__in=[]`): Django sends no SQL.
_NOTHING = object()
# A shape whose SQL depends on more than its values' places: read through the ORM.
_ORM = object()


class ScopedRow:
    """`get(user, pk)`: the row of `make()` with this id that the user's scope reaches, or
    None. `make()` gives the queryset to read from (its joins, a `select_for_update`), never
    filtered by a user; its SQL with the scope's filter is compiled once per database alias and
    shape of scope, the last `SHAPES_KEPT` shapes used kept."""

    def __init__(self, make: Callable[[], QuerySet]):
        self.make = make
        #: (alias, shape) → `Compiled`, `_NOTHING` or `_ORM`, the least recently used first.
        self._compiled: OrderedDict[tuple[str, Shape], Any] = OrderedDict()
        # Gunicorn may run threads (JIXIAO_THREADS): an insertion and its evictions go together.
        self._lock = threading.Lock()

    def _query(self, scope: Scope, pk: int) -> QuerySet:
        rows = self.make()
        return rows.filter(rows.model.scope_q(scope), pk=pk).order_by()[:2]

    def _compile(self, alias: str, shape: Shape):
        (scope0, pk0, keys0), (scope1, pk1, keys1) = _stand_ins(shape, 0), _stand_ins(shape, 1)
        try:
            compiled = proved(
                alias,
                self._query(scope0, pk0).using(alias),
                keys0,
                self._query(scope1, pk1).using(alias),
                keys1,
            )
        except EmptyResultSet:
            return _NOTHING
        return _ORM if compiled is None else compiled

    def _kept(self, key: tuple[str, Shape]):
        """The shape compiled and kept, the least recently used dropped beyond `SHAPES_KEPT`."""
        compiled = self._compile(*key)  # outside the lock: it takes milliseconds
        with self._lock:
            self._compiled[key] = compiled
            while len(self._compiled) > SHAPES_KEPT:
                self._compiled.popitem(last=False)
        return compiled

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
        key = (using, shape_of(scope))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._kept(key)
        else:
            try:  # each step is atomic; another thread may have evicted it in between
                self._compiled.move_to_end(key)
            except KeyError:
                pass
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
