"""The scheduled work of rectifications (`jixiao tick`): a notice never opened is received
three days after issue, a reminder goes out before each deadline once, an overdue item is
escalated once; and "overdue" as of a day."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

import pytest

from jixiao.budgets.models import FiscalYear
from jixiao.core.models import AuditLog
from jixiao.core.ticks import run_ticks
from jixiao.results.models import Rectification, RectificationStatus
from jixiao.results.rectifications import rectifications_tick
from jixiao.results.selectors import is_overdue, overdue_as_of, rectification_list

from .rect_samples import alert_rectification, walk

pytestmark = pytest.mark.django_db
S = RectificationStatus


def at(day: date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 6, tzinfo=dt.UTC)


def issued_on(world, day: date) -> Rectification:
    row = walk(world, alert_rectification(world), "issue")
    Rectification.objects.filter(pk=row.pk).update(issued_on=day)
    row.refresh_from_db()
    return row


def test_the_tick_is_registered_with_jixiao_tick(world):
    row = issued_on(world, date(2022, 3, 4))
    lines = run_ticks(at(date(2022, 3, 7)))
    assert any("整改事项" in line for line in lines)
    assert Rectification.objects.get(pk=row.pk).status == S.RECEIVED


def test_a_notice_never_opened_is_received_three_days_after_issue_with_its_deadlines(world):
    row = issued_on(world, date(2022, 3, 4))
    assert rectifications_tick(at(date(2022, 3, 6))) == ""
    assert Rectification.objects.get(pk=row.pk).status == S.ISSUED
    rectifications_tick(at(date(2022, 3, 9)))
    row.refresh_from_db()
    # Counted as received on 7 March (issue + 3), not on the day the job ran.
    assert row.status == S.RECEIVED and row.received_on == date(2022, 3, 7)
    assert row.plan_due == date(2022, 4, 6)
    assert row.due == date(2022, 6, 6)  # Sunday 5 June → Monday


def _received(world, on: date) -> Rectification:
    row = walk(world, alert_rectification(world), "receive")
    Rectification.objects.filter(pk=row.pk).update(
        issued_on=on - timedelta(days=1),
        received_on=on,
        plan_due=on + timedelta(days=30),
        due=on + timedelta(days=90),
    )
    row.refresh_from_db()
    return row


def _reminders(row) -> int:
    return AuditLog.objects.filter(object_id=str(row.pk), message__startswith="整改提醒").count()


def test_reminders_go_out_a_week_and_a_day_before_the_plan_deadline_each_once(world):
    row = _received(world, date(2022, 3, 7))  # plan due 2022-04-06
    rectifications_tick(at(date(2022, 3, 29)))
    assert _reminders(row) == 0
    rectifications_tick(at(date(2022, 3, 30)))
    rectifications_tick(at(date(2022, 3, 30)))
    rectifications_tick(at(date(2022, 3, 31)))
    row.refresh_from_db()
    assert _reminders(row) == 1 and row.plan_reminded_on == date(2022, 3, 30)
    rectifications_tick(at(date(2022, 4, 5)))
    rectifications_tick(at(date(2022, 4, 5)))
    assert _reminders(row) == 2


def test_overdue_items_escalate_once(world):
    row = _received(world, date(2022, 3, 7))  # plan due 2022-04-06, not confirmed
    rectifications_tick(at(date(2022, 4, 6)))
    row.refresh_from_db()
    assert row.escalated_on is None
    rectifications_tick(at(date(2022, 4, 7)))
    rectifications_tick(at(date(2022, 4, 8)))
    row.refresh_from_db()
    assert row.escalated_on == date(2022, 4, 7)
    escalations = AuditLog.objects.filter(object_id=str(row.pk), message__contains="逾期督办")
    assert escalations.count() == 1


def test_overdue_as_of_a_day(world):
    row = _received(world, date(2022, 3, 7))  # plan due 6 April, completion due 5 June
    assert not is_overdue(row, date(2022, 4, 6))
    assert is_overdue(row, date(2022, 4, 7))  # the plan is late
    Rectification.objects.filter(pk=row.pk).update(
        planned_on=date(2022, 4, 1), closed_on=date(2022, 6, 10), status=S.CLOSED
    )
    row.refresh_from_db()
    assert not is_overdue(row, date(2022, 4, 7))  # the plan came in time
    assert is_overdue(row, date(2022, 6, 7))  # still open after its due day then
    assert not is_overdue(row, date(2022, 6, 11))  # closed (late) by then
    # A closed work year counts as of 31 December, a live one as of today.
    assert overdue_as_of(2021, date(2022, 5, 1)) == date(2022, 5, 1)
    FiscalYear.objects.filter(region=world.region, year=2021).update(status="closed")
    assert overdue_as_of(2021, date(2022, 5, 1)) == date(2021, 12, 31)
    assert overdue_as_of(2022, date(2022, 5, 1)) == date(2022, 5, 1)


def test_a_closed_year_counts_overdue_as_of_31_december(world):
    row = _received(world, date(2022, 3, 7))
    Rectification.objects.filter(pk=row.pk).update(
        year=2021, issued_on=date(2021, 9, 1), plan_due=date(2021, 10, 1), due=date(2021, 12, 1),
        closed_on=date(2022, 1, 10), planned_on=date(2021, 9, 20), status=S.CLOSED,
    )  # fmt: skip
    row.refresh_from_db()
    assert not is_overdue(row, date(2022, 5, 1))  # live 2021: closed by today
    FiscalYear.objects.filter(region=world.region, year=2021).update(status="closed")
    assert is_overdue(row, date(2022, 5, 1))  # closed 2021: still open on 31 December


def test_the_list_filters_overdue_items(world):
    late = _received(world, date(2022, 1, 3))
    on_time = walk(world, alert_rectification(world, "P1A"), "issue")
    everything = rectification_list(world.performance, world.region, 2022)
    assert set(everything) == {late, on_time}
    assert list(rectification_list(world.performance, world.region, 2022, {"overdue": "1"})) == [
        late
    ]
    assert list(rectification_list(world.performance, world.region, 2022, {"overdue": "0"})) == [
        on_time
    ]
