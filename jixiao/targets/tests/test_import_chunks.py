"""The targets import reads, checks and writes a file a chunk of declarations at a time
(`importers.CHUNK`), inside its one transaction: a province's file is never held whole, yet the
import still writes all or nothing and lists every problem of the file, whichever chunk it is
in. Here a chunk is two declarations, so that a file of five spans three chunks."""

from __future__ import annotations

import weakref

import pytest

from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog, AuditObject, ImportBatch
from jixiao.core.tabular import InputRejected
from jixiao.targets import importers
from jixiao.targets.models import Indicator, Target
from jixiao.targets.tests.test_excel import book_bytes, form, importer
from jixiao.targets.tests.test_import_queries import _projects
from jixiao.testing import GOOD_ROWS


@pytest.fixture
def chunk_of_two(monkeypatch):
    monkeypatch.setattr(importers, "CHUNK", 2)


def test_a_file_of_several_chunks_is_written_whole_with_one_audit_entry(world, chunk_of_two):
    codes = _projects(world, "C", 5)
    result = run_import(importer(world, "budget"), book_bytes(*map(form, codes)), "t.xlsx")
    assert (result.rows, result.created, result.updated) == (5, 5, 0)
    assert ImportBatch.objects.get(pk=result.batch_id).rows == 5
    targets = Target.objects.filter(project__code__in=codes)
    assert sorted(t.project.code for t in targets) == codes
    assert Indicator.objects.filter(target__in=targets).count() == 5 * len(GOOD_ROWS)
    entry = AuditLog.objects.get(batch=result.batch_id, object_type="targets.target")
    assert entry.message == "导入绩效目标：5 份"
    indexed = AuditObject.objects.filter(entry=entry).values_list("object_id", flat=True)
    assert sorted(indexed) == sorted(str(t.pk) for t in targets)


def test_problems_in_the_first_and_last_chunks_are_all_listed_and_nothing_is_written(
    world, chunk_of_two
):
    codes = _projects(world, "D", 4)
    bad_weight = [{**GOOD_ROWS[0], "weight": "很多"}, *GOOD_ROWS[1:]]
    forms = [form(codes[0], bad_weight), *map(form, codes[1:]), form("NOPE")]
    before = (Target.objects.count(), Indicator.objects.count(), ImportBatch.objects.count())
    with pytest.raises(InputRejected) as refused:
        run_import(importer(world, "budget"), book_bytes(*forms), "t.xlsx")
    text = "\n".join(str(p) for p in refused.value.problems)
    assert "分值“很多”不是数字" in text  # the first chunk
    assert "NOPE" in text  # the third chunk, read after the first was found wrong
    assert refused.value.total == 2
    after = (Target.objects.count(), Indicator.objects.count(), ImportBatch.objects.count())
    assert after == before


def test_a_problem_after_chunks_already_written_undoes_them(world, chunk_of_two):
    codes = _projects(world, "E", 4)
    forms = [*map(form, codes), form(codes[0])]  # the fifth repeats the first: one per file
    with pytest.raises(InputRejected) as refused:
        run_import(importer(world, "budget"), book_bytes(*forms), "t.xlsx")
    assert "一个文件中只能有一张" in str(refused.value.problems[0])
    assert not Target.objects.filter(project__code__in=codes).exists()


def test_no_more_than_a_chunk_of_forms_is_held_while_a_file_is_read(world, chunk_of_two, settings):
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = None  # read here (test_import_read_ahead: there)
    codes = _projects(world, "F", 7)
    alive, most = [], [0]

    class Watched(importers.TargetImporter):
        def read_form(self, sheet):
            form, problems = super().read_form(sheet)
            alive.append(weakref.ref(form))
            most[0] = max(most[0], sum(1 for ref in alive if ref() is not None))
            return form, problems

    watched = Watched(actor=world.users["budget"], region=world.region)
    result = run_import(watched, book_bytes(*map(form, codes)), "t.xlsx")
    assert result.created == 7
    assert most[0] == importers.CHUNK  # the forms of the chunk being read, not the file's
