"""Every writer of a declaration's lint findings keeps their codes beside them
(`Target.finding_codes`, "code;" a finding), which the work year's figures count instead of the
findings (reports.stats): a save, the import of new declarations and of changed ones, and the
migration that filled the column for the declarations written before it. (The demo's are
checked in jixiao/demo/tests/test_demo.py.)"""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from jixiao.core.imports import run_import
from jixiao.targets.models import Target
from jixiao.targets.services import target_save
from jixiao.targets.tests.test_excel import book_bytes, form, importer
from jixiao.targets.tests.test_import_queries import _projects
from jixiao.testing import AMOUNTS, GOOD_ROWS

#: An indicator without its value: a blocking finding of the lint.
WANTING_ROWS = [dict(GOOD_ROWS[0], value_text=""), *GOOD_ROWS[1:]]


def codes_in(findings: list[dict]) -> str:
    return "".join(f"{f['code']};" for f in findings)


def test_a_save_keeps_the_codes_of_the_findings_it_stores(world, declare):
    target = declare()
    target_save(
        actor=world.filer,
        target=target,
        amounts=AMOUNTS,
        serves_public=True,
        goal="完成12个老旧小区改造，改善居住环境。",
        indicators=WANTING_ROWS,
    )
    stored = Target.objects.get(pk=target.pk)
    assert stored.findings  # the row without a value is found wanting
    assert stored.finding_codes == codes_in(stored.findings)


def test_an_import_keeps_the_codes_of_new_declarations_and_of_changed_ones(world):
    wanting, good = _projects(world, "F", 2)
    books = book_bytes(form(wanting, rows=WANTING_ROWS), form(good))
    result = run_import(importer(world, "budget"), books, "t.xlsx")
    assert result.created == 2
    new = Target.objects.get(project__code=wanting)
    assert new.findings and new.finding_codes == codes_in(new.findings)
    assert Target.objects.get(project__code=good).finding_codes == codes_in(
        Target.objects.get(project__code=good).findings
    )

    # the same declarations again, their grids swapped: both are changed in place
    swapped = book_bytes(form(wanting), form(good, rows=WANTING_ROWS))
    result = run_import(importer(world, "budget"), swapped, "t.xlsx")
    assert result.updated == 2
    changed = {t.project.code: t for t in Target.objects.filter(project__code__in=(wanting, good))}
    assert changed[good].findings and changed[good].finding_codes == codes_in(
        changed[good].findings
    )
    assert changed[wanting].finding_codes == codes_in(changed[wanting].findings)
    assert changed[wanting].finding_codes != new.finding_codes


def test_the_migration_fills_the_codes_of_declarations_written_before_it(world, declare):
    found = [{"code": "T02", "blocking": True}, {"code": "T08", "blocking": False}]
    with_findings, without = declare("P1"), declare("P1A")
    Target.objects.filter(pk=with_findings.pk).update(findings=found, finding_codes="")
    migration = importlib.import_module(
        "jixiao.targets.migrations.0003_target_finding_codes_figures_index"
    )
    migration.fill_codes(apps, SimpleNamespace(connection=connection))
    assert Target.objects.get(pk=with_findings.pk).finding_codes == "T02;T08;"
    assert Target.objects.get(pk=without.pk).finding_codes == codes_in(without.findings)


def test_a_declaration_saved_through_the_orm_keeps_its_codes_whoever_writes_it(world):
    target = Target.objects.create(
        region=world.region, year=2022, unit=world.projects["P1"].unit,
        project=world.projects["P1"], status="approved",
        findings=[{"code": "T02", "blocking": True}, {"code": "T10", "blocking": False}],
    )  # fmt: skip
    assert Target.objects.get(pk=target.pk).finding_codes == "T02;T10;"
    target.findings = [{"code": "T04", "blocking": False}]
    target.save(update_fields=["findings"])
    assert Target.objects.get(pk=target.pk).finding_codes == "T04;"
