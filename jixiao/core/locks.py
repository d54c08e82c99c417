"""Named database locks: work that two processes (two nodes, two cron runs, two uploads) must
not do at the same time runs while holding one.

`held(name, wait=...)` runs its block in a transaction (a new one, or a savepoint of the
caller's) holding the lock `name` until the outermost transaction ends, so whoever takes the
lock next sees everything the holder wrote. It raises `Busy` when another transaction still
holds the lock after `wait` seconds; nothing has been done then.

- PostgreSQL: a transaction-level advisory lock (`pg_try_advisory_xact_lock`) on a 64-bit hash
  of the name, tried again until `wait` runs out. Commit, rollback or a dropped connection
  release it, so a killed process leaves nothing behind. Expects READ COMMITTED (the default):
  each statement after the lock sees what the previous holder committed.
- SQLite: the database has one writer at a time, and every named lock is that write lock. The
  transaction takes it when it begins (`BEGIN IMMEDIATE`, settings), or at once with a write
  that changes nothing when the caller's transaction began deferred; a taker waits as long as
  the database's timeout (`OPTIONS["timeout"]`), not `wait`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

#: Between two tries of a PostgreSQL lock.
POLL_SECONDS = 0.05


class Busy(Exception):
    """Another transaction holds the lock; the work was not done."""


def lock_key(name: str) -> int:
    """The name as a signed 64-bit integer, the key space of PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def held(name: str, *, wait: float = 0.0, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block in a transaction holding the lock `name` (see the module docstring)."""
    connection = connections[using]
    with ExitStack() as stack:
        try:
            stack.enter_context(transaction.atomic(using=using))
            if connection.vendor == "postgresql":
                _advisory(connection, lock_key(name), wait)
            elif connection.vendor == "sqlite":
                _write_lock(connection)
        except OperationalError as exc:
            if "locked" not in str(exc):  # SQLite: "database is locked" after its timeout
                raise
            raise Busy(name) from exc
        yield


def _advisory(connection, key: int, wait: float) -> None:
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                raise Busy(key)
            time.sleep(POLL_SECONDS)


def _write_lock(connection) -> None:
    """Hold SQLite's write lock now: a transaction begun DEFERRED takes it at its first write
    (one that matches no row is enough); under BEGIN IMMEDIATE it is held already."""
    if getattr(connection, "transaction_mode", None) in ("IMMEDIATE", "EXCLUSIVE"):
        return
    with connection.cursor() as cursor:
        cursor.execute("UPDATE django_migrations SET app = app WHERE 0")
