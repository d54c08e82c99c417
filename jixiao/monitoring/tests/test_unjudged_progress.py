"""A progress the alert check cannot read ("12,5%", "很好") is not judged for M03; the filer is
told on the report's page which indicator, what was typed and why, until it is corrected."""

from decimal import Decimal

from jixiao.core.models import ApiToken
from jixiao.monitoring.models import Report
from jixiao.monitoring.services import report_save

from .test_pages_api import monitoring_round, report_of  # noqa: F401 (fixture)


def _save(world, report, **progress):
    rows = [{"position": int(i), "progress": typed} for i, typed in progress.items()]
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("70"),
        expected_full_year=Decimal("120"),
        indicators=rows,
    )
    return Report.objects.get(pk=report.pk)


def test_an_unreadable_progress_is_kept_and_shown_until_it_is_corrected(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    rows = list(report.indicators.order_by("position"))
    saved = _save(world, report, **{"0": "12,5个", "1": "很好"})
    assert [(w["indicator"], w["name"], w["typed"]) for w in saved.alert_warnings] == [
        (1, rows[0].name, "12,5个"),
        (2, rows[1].name, "很好"),
    ]
    assert all("未判断 M03" in w["message"] for w in saved.alert_warnings)

    page = client_for("filer").get(f"/monitoring/reports/{report.id}/").content.decode()
    assert "未判断的指标" in page
    assert f"第1条“{rows[0].name}”" in page and "填写“12,5个”" in page
    assert "填写“很好”" in page and "未判断 M03" in page

    # corrected (and a progress left empty is nothing to correct): the list is gone
    saved = _save(world, report, **{"0": "2个", "1": ""})
    assert saved.alert_warnings == []
    page = client_for("filer").get(f"/monitoring/reports/{report.id}/").content.decode()
    assert "未判断的指标" not in page


def test_the_api_lists_what_the_alert_check_could_not_judge_and_takes_it_back_in_a_put(
    world,
    client,
    monitoring_round,  # noqa: F811
):
    """GET gives the report's unread progress as `not_judged` (indicators numbered from 0, as
    in `alerts`); the same representation PUT back with the progress corrected clears it."""
    report = report_of(monitoring_round)
    rows = list(report.indicators.order_by("position"))
    _save(world, report, **{"1": "12,5%"})
    _t, key = ApiToken.objects.issue(world.filer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = f"/api/v1/monitoring-reports/{report.id}"

    got = client.get(url, **auth).json()
    assert [(w["indicator"], w["name"], w["typed"]) for w in got["not_judged"]] == [
        (1, rows[1].name, "12,5%")
    ]
    assert "未判断 M03" in got["not_judged"][0]["message"]

    got["indicators"][1]["progress"] = "12.5%"
    put = client.put(url, got, content_type="application/json", **auth)
    assert put.status_code == 200, put.content
    assert put.json()["not_judged"] == []
    assert client.get(url, **auth).json()["not_judged"] == []
