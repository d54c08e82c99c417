"""Two people on one monitoring report: a save over a colleague's newer save is stopped, and what
was typed comes back to be saved again knowingly (core/edit_stamp.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from jixiao.core.edit_stamp import Overwritten, stamp
from jixiao.monitoring import services
from jixiao.monitoring.models import Alert, Report
from jixiao.monitoring.services import alert_dispose, report_save
from jixiao.monitoring.tick import tick
from jixiao.testing import at_once, colleague_first, loaded_of, one_saved

from .test_pages_api import monitoring_round, report_of  # noqa: F401 (fixture)


def _form(note: str, loaded: str) -> dict:
    return {
        "executed": "30",
        "expected_full_year": "120",
        "contract_amount": "",
        "execution_note": note,
        "position": ["0"],
        "progress-0": "按计划推进",
        "loaded": loaded,
    }


def test_a_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    client, url = client_for("filer"), f"/monitoring/reports/{report.id}/edit/"
    drawn = loaded_of(client.get(url).content.decode())
    # meanwhile a colleague saves the same report (another tab, the API, another filer)
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("10"),
        expected_full_year=Decimal("100"),
        execution_note="同事先保存的说明。",
    )
    answer = client.post(url, _form("我在表里写的说明。", drawn))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我在表里写的说明。</textarea>" in page
    assert 'value="按计划推进"' in page
    stored = Report.objects.get(pk=report.pk)
    assert stored.execution_note == "同事先保存的说明。" and stored.executed == Decimal("10")
    # the page now carries the new stamp: saving again, knowingly, goes through
    assert client.post(url, _form("我在表里写的说明。", loaded_of(page))).status_code == 302
    stored = Report.objects.get(pk=report.pk)
    assert stored.execution_note == "我在表里写的说明。" and stored.executed == Decimal("30")


def test_saving_twice_in_a_row_from_the_page_is_not_a_conflict(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    client, url = client_for("filer"), f"/monitoring/reports/{report.id}/edit/"
    for note in ("第一次保存。", "第二次保存。"):
        drawn = loaded_of(client.get(url).content.decode())
        assert client.post(url, _form(note, drawn)).status_code == 302
        assert Report.objects.get(pk=report.pk).execution_note == note


# Two saves drawn from one version at the same instant: the check is made on the row as read
# under the save's lock, so the later one sees the earlier one's save (core/edit_stamp.py).


def _colleague(world, report, loaded: str | None = None) -> Report:
    return report_save(
        actor=world.filer,
        report=Report.objects.get(pk=report.pk),
        executed=Decimal("10"),
        expected_full_year=Decimal("100"),
        execution_note="同事先保存的说明。",
        loaded=loaded,
    )


def test_the_service_refuses_a_report_save_drawn_before_the_last_and_writes_nothing(
    world,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    drawn = stamp(report)
    saved = _colleague(world, report, drawn)
    with pytest.raises(Overwritten) as refused:
        report_save(
            actor=world.filer,
            report=report,
            executed=Decimal("30"),
            expected_full_year=Decimal("120"),
            execution_note="我写的说明。",
            loaded=drawn,
        )
    assert refused.value.stamp == stamp(saved) != drawn
    stored = Report.objects.get(pk=report.pk)
    assert stored.execution_note == "同事先保存的说明。" and stored.executed == Decimal("10")


def test_a_colleague_saving_after_the_page_read_the_report_is_still_caught(
    world,
    client_for,
    monitoring_round,  # noqa: F811
    monkeypatch,
):
    report = report_of(monitoring_round)
    client, url = client_for("filer"), f"/monitoring/reports/{report.id}/edit/"
    drawn = loaded_of(client.get(url).content.decode())
    colleague_first(monkeypatch, services, "report_save", lambda: _colleague(world, report))
    answer = client.post(url, _form("我在表里写的说明。", drawn))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我在表里写的说明。</textarea>" in page
    assert Report.objects.get(pk=report.pk).execution_note == "同事先保存的说明。"
    assert loaded_of(page) == stamp(Report.objects.get(pk=report.pk))


@pytest.mark.django_db(transaction=True)
def test_two_report_saves_posted_at_the_same_instant_one_wins_the_other_is_shown(
    world,
    client_for,
    monitoring_round,  # noqa: F811
    monkeypatch,
):
    report = report_of(monitoring_round)
    url = f"/monitoring/reports/{report.id}/edit/"
    clients = [client_for("filer"), client_for("filer")]
    drawn = loaded_of(clients[0].get(url).content.decode())
    notes = ["甲写的说明。", "乙写的说明。"]
    forms = [(c, url, _form(note, drawn)) for c, note in zip(clients, notes, strict=True)]
    saved = one_saved(at_once(monkeypatch, services, "report_save", forms))
    assert Report.objects.get(pk=report.pk).execution_note == notes[saved]


# An alert's disposal: a second one is refused by the alert's state (disposed is final); what
# the later one typed comes back on the page with the reason, where it was a 403 and lost.


@pytest.fixture
def m01(world, monitoring_round):  # noqa: F811
    """The lag alert (M01) of P1's report, saved with little spent."""
    report_save(
        actor=world.filer,
        report=report_of(monitoring_round),
        executed=Decimal("30"),
        expected_full_year=None,
    )
    return Alert.objects.get(code="M01")


def test_a_disposal_after_a_colleagues_is_refused_and_keeps_what_was_typed(world, client_for, m01):
    client, url = client_for("filer"), f"/alerts/{m01.id}/"
    assert 'name="reason"' in client.get(url).content.decode()
    # meanwhile the unit's leader disposes of it (another computer, the API)
    alert_dispose(actor=world.leader, alert=m01, disposal="continue", reason="领导的处置理由。")
    answer = client.post(url, {"disposal": "adjust", "reason": "我写的处置理由。"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "该预警已处置或已解除。" in page and "我写的处置理由。</textarea>" in page
    assert "领导的处置理由。" in page  # the disposal that stands, beside the text kept
    stored = Alert.objects.get(pk=m01.pk)
    assert (stored.disposal, stored.disposal_reason) == ("continue", "领导的处置理由。")


def test_a_disposal_refused_for_no_reason_keeps_the_form_with_the_choice(client_for, m01):
    answer = client_for("filer").post(f"/alerts/{m01.id}/", {"disposal": "adjust", "reason": " "})
    page = answer.content.decode()
    assert answer.status_code == 400 and "请填写处置理由。" in page
    assert 'value="adjust" required checked' in page
    assert Alert.objects.get(pk=m01.pk).status == Alert.Status.OPEN


def test_an_alert_suspended_since_the_page_was_drawn_is_still_disposed(client_for, m01):
    client, url = client_for("filer"), f"/alerts/{m01.id}/"
    client.get(url)
    tick(today=m01.due_date + dt.timedelta(days=1))  # overdue: the funds are suspended
    assert Alert.objects.get(pk=m01.pk).status == Alert.Status.SUSPENDED
    assert client.post(url, {"disposal": "adjust", "reason": "调剂资金"}).status_code == 302
    assert Alert.objects.get(pk=m01.pk).status == Alert.Status.DISPOSED
