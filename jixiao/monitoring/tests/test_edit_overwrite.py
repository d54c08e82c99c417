"""Two people on one monitoring report: a save over a colleague's newer save is stopped, and what
was typed comes back to be saved again knowingly (core/edit_stamp.py)."""

from decimal import Decimal

from jixiao.monitoring.models import Report
from jixiao.monitoring.services import report_save
from jixiao.testing import loaded_of

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
