"""The targets import of a large file reads it in a second process (`core.readahead`) while
it checks and writes what was read: the stored targets, indicators, findings and audit, and
the problems of a bad file, are those of the import read in one process; the forms this
process holds stay within two chunks; an import refused before it reads stops the reader."""

from __future__ import annotations

import os
import weakref

import pytest
from django.db import transaction

from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog, ImportBatch
from jixiao.core.readahead import ReadAhead
from jixiao.core.tabular import InputRejected
from jixiao.targets import importers
from jixiao.targets.models import Indicator, Target
from jixiao.targets.tests.test_excel import book_bytes, form, importer
from jixiao.targets.tests.test_import_queries import _projects
from jixiao.testing import GOOD_ROWS

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="reading ahead needs fork")

ALWAYS, NEVER = 0, None  # JIXIAO_IMPORT_READ_AHEAD_BYTES: every file, none


class _Undo(Exception):
    pass


def _stored(batch_id: str, codes: list[str]) -> dict:
    targets = Target.objects.filter(project__code__in=codes).order_by("project__code")
    return {
        "targets": list(
            targets.values(
                "project__code",
                "year",
                "goal",
                "amount_total",
                "amount_current",
                "amount_carryover",
                "amount_other",
                "serves_public",
                "findings",
                "finding_codes",
                "blocking_count",
                "warning_count",
                "status",
                "version",
            )
        ),  # fmt: skip
        "indicators": list(
            Indicator.objects.filter(target__in=targets)
            .order_by("target__project__code", "position")
            .values_list(*importers.ROW_FIELDS, "position", "target__project__code")
        ),
        "audit": sorted(
            (e.action, e.object_type, e.object_repr.split(" v")[0], e.message, _plain(e.after))
            for e in AuditLog.objects.filter(batch=batch_id)
        ),
    }


def _plain(after) -> str:
    """An audit entry's after-image without what differs between two runs (ids, times)."""
    if not isinstance(after, dict):
        return repr(after)
    drop = {"id", "created_at", "updated_at"}
    return repr(sorted((k, v) for k, v in after.items() if k not in drop))


def _import_undone(world, settings, threshold, data: bytes, codes: list[str]) -> dict:
    """Import `data` with the threshold, dump what it stored, then undo it."""
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = threshold
    try:
        with transaction.atomic():
            used = importer(world, "budget")
            result = run_import(used, data, "t.xlsx")
            assert isinstance(used._forms, ReadAhead) is (threshold is ALWAYS)
            stored = _stored(result.batch_id, codes)
            stored["result"] = (result.rows, result.created, result.updated)
            raise _Undo
    except _Undo:
        return stored


def test_a_file_read_ahead_stores_what_it_stores_read_in_one_process(world, settings):
    codes = _projects(world, "R", 7)
    unclear = [{**GOOD_ROWS[0], "value_text": "较好"}, *GOOD_ROWS[1:]]  # a finding to keep
    data = book_bytes(*map(form, codes[:-1]), form(codes[-1], unclear))
    alone = _import_undone(world, settings, NEVER, data, codes)
    ahead = _import_undone(world, settings, ALWAYS, data, codes)
    assert alone["result"] == (7, 7, 0)
    assert len(alone["indicators"]) == 7 * len(GOOD_ROWS)
    assert any(t["findings"] for t in alone["targets"])
    assert alone["audit"]
    assert ahead == alone


def _refused(world, settings, threshold, data: bytes) -> tuple[list[str], int]:
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = threshold
    used = importer(world, "budget")
    with pytest.raises(InputRejected) as refused:
        run_import(used, data, "t.xlsx")
    read_ahead = isinstance(used._forms, ReadAhead)
    return [str(p) for p in refused.value.problems], refused.value.total, read_ahead


@pytest.mark.parametrize("chunk", [2, 500])
def test_a_bad_file_read_ahead_lists_the_same_problems_and_writes_nothing(
    world, settings, monkeypatch, chunk
):
    monkeypatch.setattr(importers, "CHUNK", chunk)
    codes = _projects(world, "S", 5)
    bad_weight = [{**GOOD_ROWS[0], "weight": "很多"}, *GOOD_ROWS[1:]]
    forms = [form(codes[0], bad_weight), *map(form, codes[1:]), form("NOPE"), form(codes[2])]
    data = book_bytes(*forms)
    before = (Target.objects.count(), Indicator.objects.count(), ImportBatch.objects.count())
    alone = _refused(world, settings, NEVER, data)
    ahead = _refused(world, settings, ALWAYS, data)
    assert (ahead[2], alone[2]) == (True, False)
    assert ahead[:2] == alone[:2]
    assert alone[1] == 3  # the bad weight, the unknown code, the repeated project
    after = (Target.objects.count(), Indicator.objects.count(), ImportBatch.objects.count())
    assert after == before


def test_a_file_that_is_no_workbook_is_refused_the_same_read_ahead(world, settings):
    data = b"PK\x03\x04" + b"\x00" * 64  # an archive's signature, nothing after it
    ahead, alone = _refused(world, settings, ALWAYS, data), _refused(world, settings, NEVER, data)
    assert ahead[:2] == alone[:2]
    assert "文件已损坏" in ahead[0][0]


def test_the_forms_held_here_stay_within_two_chunks(world, settings, monkeypatch):
    """The reading process sends a chunk at a time and waits for this one to take it: this
    process holds the chunk it checks and the one it has taken, whatever the file's size."""
    monkeypatch.setattr(importers, "CHUNK", 2)
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = ALWAYS
    codes = _projects(world, "T", 9)
    alive, most = [], [0]

    class Watched(importers.TargetImporter):
        def rows_of(self, forms, problems):
            assert isinstance(forms, ReadAhead)
            for row in super().rows_of(forms, problems):
                alive.append(weakref.ref(row.values["form"]))
                most[0] = max(most[0], sum(1 for ref in alive if ref() is not None))
                yield row

    watched = Watched(actor=world.users["budget"], region=world.region)
    result = run_import(watched, book_bytes(*map(form, codes)), "t.xlsx")
    assert result.created == 9
    assert 2 <= most[0] <= 2 * importers.CHUNK


def test_an_import_refused_before_it_reads_stops_its_reader(world, settings):
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = ALWAYS
    codes = _projects(world, "V", 2)
    refused = importers.TargetImporter(actor=world.users["auditor"], region=world.region)
    with pytest.raises(InputRejected):
        run_import(refused, book_bytes(*map(form, codes)), "t.xlsx")
    assert isinstance(refused._forms, ReadAhead) and refused._forms.pid is None
    assert not Target.objects.filter(project__code__in=codes).exists()
