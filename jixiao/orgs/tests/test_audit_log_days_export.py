"""The audit log as the auditor reads it (found walking the pages): filtered by user and by
days, and exported to Excel, the export itself written to the log. The page had no day filter
(10,000 entries in the demo, newest first, 218 pages) and no export."""

import datetime as dt
import io
from unittest import mock

import openpyxl
from django.utils import timezone

from jixiao.core import audit
from jixiao.core.models import AuditLog


def entry(world, who: str, day: dt.date, message: str):
    """An entry written late on `day` (the log is append-only: the clock is set, not the row)."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)))
    with mock.patch("django.utils.timezone.now", return_value=at):
        audit.record(
            action="action", instance=world.units["U1"], actor=world.users[who], message=message
        )


def test_the_log_filtered_by_user_and_days_both_included(world, client_for):
    entry(world, "business", dt.date(2022, 3, 1), "三月一日业务股")
    entry(world, "business", dt.date(2022, 3, 2), "三月二日业务股")
    entry(world, "budget", dt.date(2022, 3, 2), "三月二日预算股")
    entry(world, "business", dt.date(2022, 3, 3), "三月三日业务股")
    page = (
        client_for("auditor")
        .get("/audit/", {"actor": "business", "since": "2022-03-01", "until": "2022-03-02"})
        .content.decode()
    )
    assert "三月一日业务股" in page and "三月二日业务股" in page
    assert "三月二日预算股" not in page and "三月三日业务股" not in page
    assert 'value="2022-03-01"' in page  # the days stay in the filter


def test_the_filtered_log_exports_to_excel_and_the_export_is_logged(world, client_for):
    entry(world, "business", dt.date(2022, 3, 1), "三月一日业务股")
    entry(world, "budget", dt.date(2022, 3, 1), "三月一日预算股")
    audit.record(
        action="update",
        instance=world.units["U2"],
        actor=world.users["budget"],
        before={"name": "甲区城管局"},
        after={"name": "甲区城市管理局"},
    )
    auditor = client_for("auditor")
    response = auditor.get("/audit/", {"actor": "budget", "until": "2022-03-01", "export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value or "") for row in sheet.iter_rows() for c in row]
    assert "三月一日预算股" in cells and "三月一日业务股" not in cells
    assert "2022-03-01 23:30:00" in cells
    logged = AuditLog.objects.filter(action="export", actor=world.users["auditor"]).latest("id")
    assert logged.object_type == "audit-log" and logged.after["rows"] == 1
    everything = auditor.get("/audit/", {"actor": "budget", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(everything.content)).active
    cells = [str(c.value or "") for row in sheet.iter_rows() for c in row]
    assert "name: 甲区城管局 → 甲区城市管理局" in cells  # a change, field by field


def test_nobody_but_the_auditor_exports_the_log(world, client_for):
    for who in ("admin", "performance", "budget"):
        assert client_for(who).get("/audit/", {"export": "xlsx"}).status_code == 403
