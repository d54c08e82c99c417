"""Hostile files into every import kind: each of the corpus of `hostile.py` is
refused with Chinese messages (no parser English), at most 100 problems listed, and nothing
written; the readers never expand an entity, follow an external one or lay out a sparse sheet
densely; the CLI and the upload pages answer in Chinese, never with a traceback or a 500."""

from __future__ import annotations

import functools
import io
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from jixiao.budgets.importers import ProjectImporter
from jixiao.core.imports import IMPORTERS, run_import
from jixiao.core.tabular import InputRejected, _check_zip, _read_xlsx_openpyxl, read_tables
from jixiao.core.tests import hostile
from jixiao.evaluations.importers import SelfEvalImporter
from jixiao.indicators.importers import LibraryImporter
from jixiao.monitoring.importers import PaymentImporter
from jixiao.monitoring.report_import import MonitoringReportImporter
from jixiao.orgs.importers import UnitImporter
from jixiao.results.audit_import import AuditFindingImporter
from jixiao.targets.importers import TargetImporter

KINDS = {
    "units": UnitImporter,
    "projects": ProjectImporter,
    "payments": PaymentImporter,
    "library": LibraryImporter,
    "targets": TargetImporter,
    "monitoring": MonitoringReportImporter,
    "selfevals": SelfEvalImporter,
    "audit-findings": AuditFindingImporter,
}
#: Who runs each kind's import (the budget office, unless only another office may).
ACTORS = {"audit-findings": "performance"}
# What a message must never show: the parsers' own English.
ENGLISH = re.compile(
    r"Expecting|Error|error|Exception|codec|BadZip|Traceback|Invalid|invalid|entity|"
    r"line \d+ column|unrecognized|File is not"
)
CJK = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def corpus(kind: str) -> dict[str, tuple[str, bytes]]:
    return hostile.build(KINDS[kind])


def table_counts() -> dict[str, int]:
    """Every table's row count: what an import must leave as it found it."""
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}


@pytest.fixture
def limits(settings):
    """The real limits lowered to the corpus's sizes, so that floods stay small."""
    for name, value in hostile.LIMITS.items():
        setattr(settings, name, value)
    return settings


def assert_chinese(problems) -> None:
    for problem in problems:
        text = str(problem)
        assert CJK.search(text), text
        assert not ENGLISH.search(text), text


def test_the_corpus_has_fifty_files_and_covers_every_import_kind():
    assert len(hostile.FILES) >= 50
    assert set(KINDS) == set(IMPORTERS)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("name", sorted(hostile.FILES))
def test_hostile_file_is_refused_in_chinese_and_writes_nothing(world, limits, name, kind):
    filename, data = corpus(kind)[name]
    importer = KINDS[kind](actor=world.users[ACTORS.get(kind, "budget")], region=world.region)
    before = table_counts()
    with pytest.raises(InputRejected) as exc:
        run_import(importer, data, filename)
    problems = exc.value.problems
    assert 0 < len(problems) <= limits.JIXIAO_IMPORT_MAX_PROBLEMS + 1
    assert_chinese(problems)
    assert table_counts() == before


# --- the defects, one by one -----------------------------------------------------------------


def test_openpyxl_reads_through_defusedxml():
    import openpyxl
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")


@pytest.mark.parametrize("name", ["xlsx-billion-laughs", "xlsx-xxe-file", "xlsx-xxe-in-workbook"])
def test_a_dtd_is_refused_before_any_reader_opens_the_file(limits, name):
    _filename, data = corpus("units")[name]
    with pytest.raises(InputRejected) as exc:
        read_tables(data, "book.xlsx")
    assert "DTD" in str(exc.value.problems[0])


@pytest.mark.parametrize("name", ["xlsx-billion-laughs", "xlsx-xxe-file", "xlsx-malformed-xml"])
def test_openpyxl_errors_past_load_workbook_are_refused_in_chinese(limits, name):
    """Behind the up-front check, the reader's own errors are caught too."""
    _filename, data = corpus("units")[name]
    with pytest.raises(InputRejected) as exc:
        _read_xlsx_openpyxl(data)
    assert_chinese(exc.value.problems)


@pytest.mark.parametrize(
    "name", ["xlsx-cells-far-apart", "xlsx-cells-without-references", "zip-lying-sheet-size"]
)
def test_a_sheet_that_would_be_laid_out_densely_goes_to_the_streaming_reader(limits, name):
    _filename, data = corpus("units")[name]
    if name == "zip-lying-sheet-size":
        with pytest.raises(InputRejected, match="损坏"):
            _check_zip(data)
    else:
        assert _check_zip(data) is False  # calamine would ask for gigabytes


def test_an_ordinary_workbook_still_goes_to_calamine(limits):
    data = hostile.xlsx(hostile.table(UnitImporter, ["2022", "U9", "单位"]))
    assert _check_zip(data) is True


def test_a_lying_archive_is_refused_by_what_it_really_inflates_to(limits):
    _filename, data = corpus("units")["zip-lying-small-size"]
    with pytest.raises(InputRejected, match="损坏"):
        read_tables(data, "book.xlsx")


def test_json_object_flood_is_refused_before_parsing(limits):
    _filename, data = corpus("units")["json-tiny-objects"]
    with pytest.raises(InputRejected) as exc:
        run_import(UnitImporter(actor=None, region=None), data, "objects.json")
    assert "4000 个对象，超过 2000 个的上限" in str(exc.value.problems[0])


def test_json_syntax_error_says_where_in_chinese(world):
    importer = UnitImporter(actor=world.users["budget"], region=world.region)
    with pytest.raises(InputRejected) as exc:
        run_import(importer, b'[{"year": 2022,\n  "code": }]', "units.json")
    assert str(exc.value.problems[0]) == (
        "JSON 格式错误：第 2 行第 11 列应为一个值（数字、文字、对象或列表）。"
    )


def test_json_objects_without_the_kinds_fields_name_the_missing_fields(world):
    importer = UnitImporter(actor=world.users["budget"], region=world.region)
    with pytest.raises(InputRejected) as exc:
        run_import(importer, '[{"名称": "单位"}]'.encode(), "units.json")
    text = str(exc.value.problems[0])
    assert "表头下没有任何数据行" not in text
    assert "第 1 行" in text and "code（单位编码）" in text and "year（年度）" in text


def test_at_most_100_problems_are_listed_with_a_count_of_the_rest(world):
    rows = "\n".join(f"abc,U{n},单位{n},一级" for n in range(300))
    data = ("年度,单位编码,单位名称,单位级次\n" + rows).encode()
    importer = UnitImporter(actor=world.users["budget"], region=world.region)
    with pytest.raises(InputRejected) as exc:
        run_import(importer, data, "units.csv")
    problems = exc.value.problems
    assert len(problems) == 101
    assert exc.value.total > 101
    assert str(problems[-1]) == f"另有 {exc.value.total - 100} 个问题未列出。"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "gbk"])
def test_csv_in_each_office_encoding_is_read(encoding):
    data = "年度,单位编码,单位名称\n2022,U1,东湖区财政局\n".encode(encoding)
    rows = read_tables(data, "units.csv")[0].rows
    assert rows == [("年度", "单位编码", "单位名称"), ("2022", "U1", "东湖区财政局")]


def test_cli_refuses_a_dtd_in_chinese_without_a_traceback(world, tmp_path, limits):
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(corpus("units")["xlsx-billion-laughs"][1])
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import", "units", str(path), "--region", world.region.code, stderr=err)
    assert "DTD" in err.getvalue()


UPLOAD_PAGES = [
    ("/units/import/", "budget"),
    ("/projects/import/", "budget"),
    ("/payments/import/", "budget"),
    ("/library/import/", "performance"),
    ("/targets/import/", "filer"),
    ("/monitoring/reports/import/", "filer"),
    ("/evaluations/import/", "filer"),
]


@pytest.mark.parametrize("name", ["xlsx-billion-laughs", "xlsx-xxe-file", "json-tiny-objects"])
@pytest.mark.parametrize("url, persona", UPLOAD_PAGES)
def test_upload_pages_refuse_hostile_files_with_a_chinese_page(
    client_for, limits, url, persona, name
):
    filename, data = corpus("units")[name]
    client = client_for(persona)  # signing in writes a session: counted before
    before = table_counts()
    response = client.post(url, {"file": SimpleUploadedFile(filename, data)})
    assert response.status_code == 400
    assert_chinese(response.context["problems"])
    assert table_counts() == before
