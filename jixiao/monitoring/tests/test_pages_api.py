"""Monitoring pages and API: the overview, the report form, alert disposal, scope and 404s."""

import datetime as dt
from decimal import Decimal

import pytest

from jixiao.core.models import ApiToken
from jixiao.monitoring.models import Alert, Report
from jixiao.monitoring.services import report_save, round_open
from jixiao.targets.models import Target
from jixiao.targets.services import target_transition

GOOD = {"overall": "优"}


@pytest.fixture
def monitoring_round(world, declare):
    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)
    # a round takes only projects with an approved target: P1A's and P2's, bare (no indicators)
    for code in ("P1A", "P2"):
        project = world.projects[code]
        Target.objects.create(
            region=world.region, year=2022, unit=project.unit, project=project, status="approved"
        )
    return round_open(
        actor=world.performance,
        region=world.region,
        year=2022,
        code="2022-07",
        name="1–7月监控",
        period_end=dt.date(2022, 7, 31),
        deadline=dt.date(2022, 8, 15),
    )


def report_of(monitoring_round, code="P1"):
    return Report.objects.get(round=monitoring_round, project__code=code)


def test_filer_fills_the_report_form_and_sees_the_lag_alert(world, client_for, monitoring_round):
    report = report_of(monitoring_round)
    client = client_for("filer")
    assert client.get(f"/monitoring/reports/{report.id}/edit/").status_code == 200
    data = {
        "executed": "30",
        "expected_full_year": "120",
        "contract_amount": "",
        "position": [str(i) for i in range(6)],
    }
    data.update({f"progress-{i}": "按计划推进" for i in range(6)})
    response = client.post(f"/monitoring/reports/{report.id}/edit/", data)
    assert response.status_code == 302
    page = client.get(f"/monitoring/reports/{report.id}/").content.decode()
    assert "M01" in page and "红色" in page
    assert "处置预警 M01" in client.get("/").content.decode()


def test_bad_amount_on_the_report_form_is_refused(world, client_for, monitoring_round):
    report = report_of(monitoring_round)
    response = client_for("filer").post(
        f"/monitoring/reports/{report.id}/edit/", {"executed": "3O", "position": []}
    )
    assert response.status_code == 400 and "不是数字" in response.content.decode()


def test_overview_shows_units_chart_data_and_exports(world, client_for, monitoring_round):
    report_save(
        actor=world.filer,
        report=report_of(monitoring_round),
        executed=Decimal("30"),
        expected_full_year=None,
    )
    client = client_for("performance")
    page = client.get(f"/monitoring/{monitoring_round.id}/").content.decode()
    assert "round-chart" in page and "甲区教育局" in page and "M01" in page
    export = client.get(f"/monitoring/{monitoring_round.id}/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_disposal_through_the_page(world, client_for, monitoring_round):
    report_save(
        actor=world.filer,
        report=report_of(monitoring_round),
        executed=Decimal("30"),
        expected_full_year=None,
    )
    alert = Alert.objects.filter(code="M01").get()
    client = client_for("filer")
    client.post(f"/alerts/{alert.id}/", {"disposal": "adjust", "reason": "调剂资金"})
    alert.refresh_from_db()
    assert alert.status == "disposed" and alert.disposal == "adjust"


def test_other_unit_gets_404_on_monitoring_pages_and_endpoints(world, client_for, monitoring_round):
    report = report_of(monitoring_round)
    report_save(actor=world.filer, report=report, executed=Decimal("30"), expected_full_year=None)
    alert = Alert.objects.filter(report=report).first()
    client = client_for("other")
    for url in (
        f"/monitoring/reports/{report.id}/",
        f"/monitoring/reports/{report.id}/edit/",
        f"/alerts/{alert.id}/",
        f"/api/v1/monitoring-reports/{report.id}",
        f"/api/v1/alerts/{alert.id}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/monitoring/reports/{report.id}/transition/", f"/alerts/{alert.id}/"):
        assert client.post(url, {"transition": "complete"}).status_code == 404, url
    assert "项目P1" not in client.get("/monitoring/reports/").content.decode()
    _t, key = ApiToken.objects.issue(world.other)
    body = client.get("/api/v1/alerts", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert alert.id not in {a["id"] for a in body["items"]}


def test_api_reports_actions_and_alert_disposal(world, client, monitoring_round):
    report = report_of(monitoring_round)
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("30"),
        expected_full_year=Decimal("100"),
        indicators=[{"position": i, "progress": "完成一半"} for i in range(6)],
    )

    def call(user, method, url, body=None):
        _t, key = ApiToken.objects.issue(world.users[user])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if method == "get":
            return client.get(url, **headers)
        return client.post(url, body or {}, content_type="application/json", **headers)

    rounds = call("performance", "get", "/api/v1/monitoring-rounds?year=2022").json()
    assert rounds["count"] == 1
    detail = call("filer", "get", f"/api/v1/monitoring-reports/{report.id}").json()
    assert detail["budget"]["executed"] == "30.000000"
    assert {a["code"] for a in detail["alerts"]} >= {"M01"}
    assert (
        call(
            "leader", "post", f"/api/v1/monitoring-reports/{report.id}/submit", {"attest": True}
        ).status_code
        == 409
    )  # the filer has not completed it
    alert_id = next(a["id"] for a in detail["alerts"] if a["code"] == "M01")
    bad = call(
        "filer", "post", f"/api/v1/alerts/{alert_id}/dispose", {"disposal": "later", "reason": "x"}
    )
    assert bad.status_code == 422
    ok = call(
        "filer",
        "post",
        f"/api/v1/alerts/{alert_id}/dispose",
        {"disposal": "continue", "reason": "下半年集中支付"},
    )
    assert ok.json()["status"] == "disposed"


def test_overview_counts_on_time_late_and_missing_by_unit(world, monitoring_round):
    import datetime as dt

    from django.utils import timezone

    from jixiao.monitoring.selectors import round_overview

    def at(day):
        return timezone.make_aware(dt.datetime(2022, 8, day, 23, 30))

    Report.objects.filter(round=monitoring_round, project__code="P1").update(
        status="submitted", submitted_at=at(15), executed=Decimal("60")
    )  # the deadline day
    Report.objects.filter(round=monitoring_round, project__code="P1A").update(
        status="approved", submitted_at=at(16), executed=Decimal("10")
    )  # a day late
    overview = round_overview(user=world.performance, round=monitoring_round)
    units = {u["name"]: u for u in overview["units"]}
    u1, u1a, u2 = units["甲区教育局"], units["甲区教师进修学校"], units["甲区城管局"]
    assert (u1["submitted"], u1["late"], u1["missing"]) == (1, 0, 0)
    assert (u1a["submitted"], u1a["late"], u1a["missing"]) == (0, 1, 0)
    assert (u2["submitted"], u2["late"], u2["missing"]) == (0, 0, 1)  # deadline long past
    assert u1["full"] == Decimal("120.623456") and u1["executed"] == Decimal("60")
    assert overview["reports"] == 3
    assert overview["funds"] == Decimal("120.623456") * 3


def test_performance_office_ends_a_round_and_reports_lock(world, client_for, monitoring_round):
    assert client_for("budget").post(f"/monitoring/{monitoring_round.id}/close/").status_code == 403
    client_for("performance").post(f"/monitoring/{monitoring_round.id}/close/")
    monitoring_round.refresh_from_db()
    assert monitoring_round.status == "closed"
    report = report_of(monitoring_round)
    response = client_for("filer").post(
        f"/monitoring/reports/{report.id}/edit/", {"executed": "1", "position": []}
    )
    assert response.status_code == 400 and "已结束" in response.content.decode()
