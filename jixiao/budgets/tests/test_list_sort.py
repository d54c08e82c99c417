"""The project list sorts by its columns (core/sorting.py): the budget totals both ways, the
code, the name in the database's own collation, and the export in the page's order."""

import io
from decimal import Decimal

import openpyxl

from jixiao.budgets.models import Project
from jixiao.testing import listed_ids

FULL = {"P1": "120.623456", "P1A": "300", "P2": "0.5"}  # each project's full-year budget


def codes(client, url) -> list[str]:
    ids = listed_ids(client, url, "/projects/")
    found = dict(Project.objects.filter(pk__in=ids).values_list("pk", "code"))
    return [found[i] for i in ids]


def test_the_projects_sort_by_budget_both_ways_and_the_export_follows(world, client_for):
    for code, full in FULL.items():
        Project.objects.filter(code=code).update(
            full_current=Decimal(full), full_carryover=0, full_other=0
        )
    client = client_for("budget")
    assert codes(client, "/projects/?sort=full") == ["P2", "P1", "P1A"]
    assert codes(client, "/projects/?sort=-full") == ["P1A", "P1", "P2"]
    assert codes(client, "/projects/?sort=-code") == ["P2", "P1A", "P1"]
    assert codes(client, "/projects/?sort=year") == ["P1", "P1A", "P2"]  # not a column: default
    assert sorted(codes(client, "/projects/?sort=name")) == ["P1", "P1A", "P2"]
    exported = client.get("/projects/?sort=-full&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c in FULL]
    assert cells == ["P1A", "P1", "P2"]
    assert codes(client_for("other"), "/projects/?sort=-full") == ["P2"]
