"""The rectification list sorts by its columns (core/sorting.py): the due date and the number
both ways, the export in the page's order, scope unchanged."""

import io

import openpyxl

from jixiao.results.models import Rectification
from jixiao.testing import listed_ids
from jixiao.testing_pages import _rectification


def test_the_rectifications_sort_by_due_date_and_the_export_follows(world, client_for):
    first, second, third = (_rectification(world, i).pk for i in (0, 1, 2))
    Rectification.objects.filter(pk=second).update(due=None)  # no due date yet: last
    client = client_for("performance")
    url = "/rectifications/?year=2022&sort="
    assert listed_ids(client, url + "due", "/rectifications/") == [first, third, second]
    assert listed_ids(client, url + "-due", "/rectifications/") == [third, first, second]
    assert listed_ids(client, url + "-number", "/rectifications/") == [third, second, first]
    exported = client.get("/rectifications/export.xlsx?year=2022&sort=-number")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    numbers = [c for row in sheet.iter_rows(values_only=True) for c in row if str(c)[:4] == "ZG-T"]
    assert numbers == ["ZG-T002", "ZG-T001", "ZG-T000"]
    assert listed_ids(client_for("other"), url + "-due", "/rectifications/") == []
