"""The tick's late reports written in bulk (`monitoring.tick`): the same M07 alerts as
judging and saving each report alone, one audit batch entry, a fixed number of queries a
chunk, and a unit's save that raises an M07 while the tick runs does not make it fail."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.core.models import AuditLog, AuditObject
from jixiao.monitoring import tick as tick_module
from jixiao.monitoring.models import Alert, Report, Round
from jixiao.monitoring.services import refresh_alerts
from jixiao.monitoring.tick import tick

from .test_services import approved, monitoring_round  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monitoring_round")]

AFTER = dt.date(2022, 8, 20)  # the round's deadline is 2022-08-15
FIELDS = ("project_id", "round_id", "report_id", "code", "level", "indicator", "message",
          "explanation", "texts_i18n", "due_date", "status", "region_id", "unit_id", "year")  # fmt: skip


def late() -> list[Report]:
    """The round's three reports (P1's with indicators, P1A's and P2's bare), none submitted."""
    return list(Report.objects.filter(round=Round.objects.get(code="2022-07")).order_by("pk"))


def stored_m07() -> list[tuple]:
    return sorted(Alert.objects.filter(code="M07").values_list(*FIELDS))


def test_the_tick_raises_the_same_late_report_alerts_as_each_report_alone():
    reports = late()
    assert len(reports) == 3
    for report in reports:  # the reference: each report's M07 judged and saved alone
        refresh_alerts(report, today=AFTER)
    alone = stored_m07()
    Alert.objects.all().delete()

    assert tick(today=AFTER)["late_report_alerts"] == 3
    assert stored_m07() == alone
    assert [row[3] for row in alone] == ["M07"] * 3
    assert {row[6] for row in alone} == {
        "监控表未按时报送：截止 2022年8月15日，至 2022年8月20日 仍未报送，已逾期 5 天"
    }


def test_the_tick_writes_one_audit_entry_with_each_alert_as_a_change():
    entries = AuditLog.objects.count()
    tick(today=AFTER)
    assert AuditLog.objects.count() == entries + 1
    entry = AuditLog.objects.latest("pk")
    assert "逾期未报预警" in entry.message and "3" in entry.message
    rows = AuditObject.objects.filter(entry=entry)
    assert sorted(int(r.object_id) for r in rows) == sorted(
        Alert.objects.filter(code="M07").values_list("pk", flat=True)
    )
    assert {r.action for r in rows} == {"create"}


def test_a_second_tick_raises_nothing_and_a_day_later_only_says_how_late():
    tick(today=AFTER)
    entries = AuditLog.objects.count()
    assert tick(today=AFTER)["late_report_alerts"] == 0
    assert AuditLog.objects.count() == entries  # nothing changed, nothing written
    assert tick(today=AFTER + dt.timedelta(days=1))["late_report_alerts"] == 0
    assert Alert.objects.filter(code="M07").count() == 3
    assert {a.message for a in Alert.objects.filter(code="M07")} == {
        "监控表未按时报送：截止 2022年8月15日，至 2022年8月21日 仍未报送，已逾期 6 天"
    }
    entry = AuditLog.objects.latest("pk")
    assert AuditLog.objects.count() == entries + 1
    assert {r.action for r in AuditObject.objects.filter(entry=entry)} == {"update"}


def test_the_late_reports_queries_do_not_grow_with_the_reports():
    reports = late()
    with CaptureQueriesContext(connection) as one:
        tick_module._chunk([reports[0].pk], tick_module.RulesByRegion(AFTER), AFTER)
    Alert.objects.all().delete()
    with CaptureQueriesContext(connection) as three:
        tick_module._chunk([r.pk for r in reports], tick_module.RulesByRegion(AFTER), AFTER)
    assert len(three) == len(one)


def test_the_next_days_update_of_the_stored_alerts_does_not_query_each_alert():
    """Each day M07's message counts one more day late, so every stored M07 is updated: the
    stored alerts are read with every field planning and the audit use (a deferred field
    would be read by a query for each alert)."""
    reports = late()
    tick(today=AFTER)
    day1, day2 = AFTER + dt.timedelta(days=1), AFTER + dt.timedelta(days=2)
    with CaptureQueriesContext(connection) as one:  # one stored alert updated
        tick_module._chunk([reports[0].pk], tick_module.RulesByRegion(day1), day1)
    with CaptureQueriesContext(connection) as three:  # three stored alerts updated
        tick_module._chunk([r.pk for r in reports], tick_module.RulesByRegion(day2), day2)
    assert len(three) == len(one)
    assert Alert.objects.filter(code="M07", message__contains="已逾期 7 天").count() == 3


def test_an_alert_a_save_raises_meanwhile_sends_the_chunk_one_report_at_a_time(monkeypatch):
    report = late()[0]
    write = tick_module.write_alerts

    def a_unit_saves_first(plan, rules, names):
        refresh_alerts(report, today=AFTER)  # its M07 stored after the tick read the chunk
        return write(plan, rules, names)

    monkeypatch.setattr(tick_module, "write_alerts", a_unit_saves_first)
    # In the test the unit's save shares the tick's transaction, so the chunk's rollback takes
    # it too and the one-at-a-time pass raises all three; in production it stays committed.
    assert tick(today=AFTER)["late_report_alerts"] == 3
    m07 = Alert.objects.filter(code="M07").values_list("report_id", flat=True)
    assert sorted(m07) == [r.pk for r in late()]
