"""The figures' data versions under concurrent writers: real threads on PostgreSQL, each with
its own connection (SQLite has one writer at a time, so nothing there can wait on a version row).

A write gives its region and year a new version only once its transaction has committed, in
a short statement of its own (`core.figures_cache.changed`). So a transaction left open after a
save (an import's, a slow request's) holds no lock on the version row that another writer of
the same region must take, and a reader between the write and its commit keeps the figures
cached under the old version, which still describes what it can see.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction  # noqa: F401 (the skipif condition)

from jixiao.core import figures_cache as notice
from jixiao.core.scope import RegionReader
from jixiao.reports.figures_cache import version
from jixiao.reports.tests.test_figures_cache import aggregate_queries, declare, figures

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor == 'sqlite'", reason="SQLite has one writer at a time"),
]


class OpenWriter:
    """A thread that saves a target of `code` in a transaction and keeps it open until
    `commit()` (or `rollback()`): another connection's writer that has not finished."""

    def __init__(self, world, code: str):
        self.world, self.code = world, code
        self.saved, self.release = threading.Event(), threading.Event()
        self.keep = True
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            with transaction.atomic():
                declare(self.world, self.code)
                self.saved.set()
                self.release.wait(30)
                transaction.set_rollback(not self.keep)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
            self.saved.set()
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.saved.wait(30), "the writer never saved"
        assert self.error is None, self.error
        return self

    def end(self, *, keep: bool) -> None:
        self.keep = keep
        self.release.set()
        self.thread.join(30)
        assert self.error is None, self.error

    def __exit__(self, *exc):
        if not self.release.is_set():
            self.end(keep=False)


def test_an_open_transaction_after_a_save_does_not_block_a_save_in_the_same_region(world):
    notice.changed({(world.region.pk, 2022)})  # the version row exists, as in production
    with OpenWriter(world, "P1") as writer:
        started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:  # a wait on a row lock fails instead of hanging
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            declare(world, "P2")  # commits, and then bumps the region's version row
        assert time.monotonic() - started < 2
        writer.end(keep=True)
    reader = RegionReader(world.region.path)
    assert figures(reader, world.region)["targets"]["projects_declared"] == 2


def test_a_reader_before_another_writers_commit_keeps_the_cached_figure(world):
    reader = RegionReader(world.region.path)
    assert figures(reader, world.region)["targets"]["projects_declared"] == 0
    before = version(world.region, 2022)
    with OpenWriter(world, "P1") as writer:
        assert version(world.region, 2022) == before  # no new version before the commit
        assert aggregate_queries(lambda: figures(reader, world.region)) == []
        assert figures(reader, world.region)["targets"]["projects_declared"] == 0
        writer.end(keep=True)
    assert version(world.region, 2022) != before
    assert figures(reader, world.region)["targets"]["projects_declared"] == 1


def test_another_writers_rollback_leaves_the_cached_figure(world):
    reader = RegionReader(world.region.path)
    figures(reader, world.region)
    before = version(world.region, 2022)
    with OpenWriter(world, "P1") as writer:
        writer.end(keep=False)
    assert version(world.region, 2022) == before
    assert aggregate_queries(lambda: figures(reader, world.region)) == []
    assert figures(reader, world.region)["targets"]["projects_declared"] == 0
