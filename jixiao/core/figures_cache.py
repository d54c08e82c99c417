"""Figures cached by (region, year, data version): the notice that data changed.

The figures of a work year (statistics, dashboards) are aggregates over many tables. They are
cached (`reports.figures_cache`) under a key that holds the data version of every region and
year they read; this module is how a write says "the data of region R in year Y changed", so
that the next read recomputes them.

- Saves and deletes of the models the figures read are noticed by signals (connected by the
  reports app); bulk writes (`bulk_create`, `QuerySet.update`, raw SQL), which send no signal,
  call `changed()` themselves with the regions and years they wrote.
- A change takes effect when its transaction commits (`transaction.on_commit`): the version
  row is then updated in its own short statement, so writers never wait on each other's
  version row, and a rolled-back transaction leaves the versions as they were.
- The cache is read only outside a transaction (`usable()`): inside one, the reader may hold
  writes of its own that are not yet counted in a version, so it computes afresh.

The store of versions is registered by a later app (`register_store`), as `core.gates` is filled:
core knows no model of the figures. Year 0 stands for data of no particular year (a unit's
name, a policy document).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

Pair = tuple[int, int]  # (region id, year); year 0: any year

_store: dict[str, Callable[[set[Pair]], None]] = {}


def register_store(bump: Callable[[set[Pair]], None]) -> None:
    """The function that gives each (region id, year) a new data version."""
    _store["bump"] = bump


class _Batch:
    """The pairs changed in one transaction, bumped once each when it commits."""

    def __init__(self):
        self.pairs: set[Pair] = set()

    def __call__(self):
        _store["bump"](self.pairs)


def changed(pairs: Iterable[Pair], *, using: str | None = None) -> None:
    """The data of these (region id, year) changed: their figures are recomputed once the
    transaction commits (at once outside a transaction). Bulk writers call this.

    A transaction that saves a thousand rows of one region and year bumps its version once:
    the pairs join the batch the transaction already holds (the first one in its commit hooks,
    registered at its own level or an outer one, so a rolled-back savepoint takes with it only
    what it wrote)."""
    pairs = {(int(r), int(y or 0)) for r, y in pairs if r}
    if not pairs or "bump" not in _store:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _store["bump"](pairs)
        return
    batch = next((f for _s, f, *_r in connection.run_on_commit if isinstance(f, _Batch)), None)
    if batch is None:
        batch = _Batch()
        transaction.on_commit(batch, using=using)
    batch.pairs |= pairs


def usable(using: str | None = None) -> bool:
    """Whether cached figures may be read: not inside a transaction, whose own uncommitted
    writes no version counts yet."""
    return not transaction.get_connection(using).in_atomic_block
