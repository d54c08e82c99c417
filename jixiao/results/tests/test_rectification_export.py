"""`jixiao export rectifications` (JSON = the API's objects, xlsx with the deadlines and the
overdue flag) and the list page's audited xlsx download, in the user's scope."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from jixiao.core.exports import EXPORTERS, row_count
from jixiao.core.models import AuditLog
from jixiao.core.scope import RegionReader

from .rect_samples import alert_rectification, walk

pytestmark = pytest.mark.django_db


def test_the_command_exports_json_and_xlsx(world):
    row = walk(world, alert_rectification(world), "receive")
    reader = RegionReader(world.region.path)
    data = json.loads(EXPORTERS["rectifications"](reader, world.region, 2022, "json"))
    assert [d["id"] for d in data] == [row.pk]
    assert data[0]["plan_due"] == row.plan_due.isoformat() and data[0]["overdue"] is False
    book = openpyxl.load_workbook(
        io.BytesIO(EXPORTERS["rectifications"](reader, world.region, 2022, "xlsx"))
    )
    values = [c.value for c in book.active[3]]
    assert values[0] == row.number and row.plan_due.isoformat() in values
    assert row_count("rectifications", reader, world.region, 2022) == 1


def test_the_page_download_is_audited_and_scoped(world, client_for):
    row = walk(world, alert_rectification(world), "receive")
    answer = client_for("filer").get(reverse("rectification-export"))
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.active[3][0].value == row.number
    logged = AuditLog.objects.get(action="export", object_type="rectifications")
    assert logged.actor == world.filer and logged.after["rows"] == 1
    other = client_for("other").get(reverse("rectification-export"))
    assert openpyxl.load_workbook(io.BytesIO(other.content)).active.max_row == 2
