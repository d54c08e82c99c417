"""The unit list sorts by its columns (core/sorting.py): the code and the level both ways,
the export in the page's order, scope unchanged."""

import io

import openpyxl

from jixiao.testing import listed_ids


def test_the_units_sort_by_code_and_level_and_the_export_follows(world, client_for):
    u1, u1a, u2 = (world.units[c].pk for c in ("U1", "U1A", "U2"))
    client = client_for("budget")
    assert listed_ids(client, "/units/?sort=code", "/units/") == [u1, u1a, u2]
    assert listed_ids(client, "/units/?sort=-code", "/units/") == [u2, u1a, u1]
    assert listed_ids(client, "/units/?sort=-level", "/units/") == [u1a, u2, u1]
    assert listed_ids(client, "/units/?sort=unit__code", "/units/") == [u1, u1a, u2]
    exported = client.get("/units/?sort=-code&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    rows = sheet.iter_rows(values_only=True)
    codes = [row[1] for row in rows if row[1] in ("U1", "U1A", "U2")]  # the code column
    assert codes == ["U2", "U1A", "U1"]
    assert listed_ids(client_for("other"), "/units/?sort=-code", "/units/") == [u2]
