"""Monitoring services: rounds, reports through the workflow, alerts, disposal, the tick and
payment imports (DOMAIN.md §5)."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.budgets.models import Payment, ProgressAmount
from jixiao.core.imports import run_import
from jixiao.core.tabular import InputRejected
from jixiao.monitoring.importers import PaymentImporter
from jixiao.monitoring.models import Alert, Report, Round
from jixiao.monitoring.services import (
    alert_dispose,
    report_save,
    report_transition,
    round_open,
)
from jixiao.monitoring.tick import tick
from jixiao.targets.models import Target
from jixiao.targets.services import target_transition

GOOD = {"overall": "优"}


@pytest.fixture
def approved(world, declare):
    """P1's target approved, so its report is prefilled with the indicators."""
    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    return target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)


@pytest.fixture
def monitoring_round(world, approved):
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


def p1_report(monitoring_round):
    return Report.objects.get(round=monitoring_round, project__code="P1")


def test_round_covers_every_special_fund_project_with_prefilled_reports(world, monitoring_round):
    codes = set(monitoring_round.reports.values_list("project__code", flat=True))
    assert codes == {"P1", "P1A", "P2"}  # all 专项资金 of region A in 2022, not region B's
    report = p1_report(monitoring_round)
    assert report.target is not None
    assert list(report.indicators.values_list("name", flat=True))[:1] == ["改造老旧小区数量"]


def test_only_the_performance_office_opens_rounds(world, approved):
    with pytest.raises(PermissionDenied):
        round_open(
            actor=world.budget,
            region=world.region,
            year=2022,
            code="x",
            name="x",
            period_end=dt.date(2022, 6, 30),
            deadline=dt.date(2022, 7, 10),
        )


def test_lagging_execution_raises_m01_and_m02_on_save(world, monitoring_round):
    report = p1_report(monitoring_round)
    # 07-31: time progress 212/365 = 58.08%; executed 30 of 120.623456 = 24.87%
    report_save(
        actor=world.filer, report=report, executed=Decimal("30"), expected_full_year=Decimal("120")
    )
    alerts = {(a.code, a.level) for a in Alert.objects.filter(report=report)}
    assert ("M01", "red") in alerts and ("M02", "red") in alerts
    report_save(
        actor=world.filer, report=report, executed=Decimal("80"), expected_full_year=Decimal("120")
    )
    live = {a.code for a in Alert.objects.filter(report=report).exclude(status="cleared")}
    assert "M01" not in live and "M02" not in live  # cleared once the money moved


def test_overpayment_beyond_progress_raises_m06(world, monitoring_round):
    ProgressAmount.objects.create(
        project=world.projects["P1"], as_of=dt.date(2022, 7, 1), amount=Decimal("50")
    )
    report = p1_report(monitoring_round)
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("70"),
        expected_full_year=Decimal("120"),
        contract_amount=Decimal("50"),
    )
    assert Alert.objects.filter(report=report, code="M06", level="red").exists()


def test_impossible_indicator_raises_m04_red(world, monitoring_round):
    report = p1_report(monitoring_round)
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("70"),
        expected_full_year=Decimal("120"),
        indicators=[
            {
                "position": 0,
                "progress": "2个",
                "expected": "5个",
                "likelihood": "完全不可能",
                "cause": "经费保障",
                "explanation": "拆迁未完成",
                "measures": "调整实施计划",
            }
        ],
    )
    alert = Alert.objects.get(report=report, code="M04")
    assert alert.level == "red" and alert.indicator == 0


def test_report_goes_through_the_same_review_as_targets(world, monitoring_round):
    report = p1_report(monitoring_round)
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("70"),
        expected_full_year=Decimal("120"),
        indicators=[{"position": i, "progress": "按计划推进"} for i in range(6)],
    )
    report = report_transition(actor=world.filer, report=report, name="complete")
    report = report_transition(actor=world.leader, report=report, name="submit", attest=True)
    report = report_transition(
        actor=world.business, report=report, name="return_first", comment="执行数与支付数据不符"
    )
    assert report.status == "returned" and report.return_reason == "执行数与支付数据不符"


def test_other_unit_cannot_fill_or_dispose(world, monitoring_round):
    report = p1_report(monitoring_round)
    with pytest.raises(PermissionDenied):
        report_save(
            actor=world.other, report=report, executed=Decimal("1"), expected_full_year=None
        )
    report_save(actor=world.filer, report=report, executed=Decimal("10"), expected_full_year=None)
    alert = Alert.objects.filter(report=report).first()
    with pytest.raises(PermissionDenied):
        alert_dispose(actor=world.other, alert=alert, disposal="continue", reason="x")


def test_disposal_needs_a_reason_and_lifts_a_suspension(world, monitoring_round):
    report = p1_report(monitoring_round)
    report_save(actor=world.filer, report=report, executed=Decimal("10"), expected_full_year=None)
    alert = Alert.objects.filter(report=report, code="M01").get()
    with pytest.raises(ValidationError):
        alert_dispose(actor=world.filer, alert=alert, disposal="continue", reason=" ")
    tick(today=alert.due_date + dt.timedelta(days=1))
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SUSPENDED
    alert = alert_dispose(
        actor=world.leader, alert=alert, disposal="adjust", reason="调剂至下半年实施"
    )
    assert alert.status == Alert.Status.DISPOSED


def test_disposal_deadline_counts_ten_working_days(world, monitoring_round):
    report = p1_report(monitoring_round)
    report_save(actor=world.filer, report=report, executed=Decimal("10"), expected_full_year=None)
    alert = Alert.objects.filter(report=report, code="M01").get()
    raised = alert.raised_at.date()
    assert (alert.due_date - raised).days >= 12  # ten working days span two weekends


def test_tick_raises_late_report_alerts_once(world, monitoring_round):
    first = tick(today=dt.date(2022, 8, 16))
    assert first["late_report_alerts"] == 3
    again = tick(today=dt.date(2022, 8, 17))
    assert again["late_report_alerts"] == 0
    assert Alert.objects.filter(code="M07").count() == 3


def test_tick_before_the_deadline_raises_nothing(world, monitoring_round):
    assert tick(today=dt.date(2022, 8, 15))["late_report_alerts"] == 0


def payments_file(rows, header=("项目编码", "年度", "月份", "支付金额（万元）")) -> bytes:
    import io

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_payment_import_feeds_execution_and_the_december_rush(world, monitoring_round):
    rows = [("P1", 2022, m, 2) for m in range(1, 12)] + [("P1", 2022, 12, 60)]
    run_import(
        PaymentImporter(actor=world.budget, region=world.region), payments_file(rows), "pay.xlsx"
    )
    assert Payment.objects.filter(project=world.projects["P1"]).count() == 12
    report = p1_report(monitoring_round)
    assert report.executed == Decimal("14") and report.execution_from_payments
    assert Alert.objects.filter(project=world.projects["P1"], code="M05", round=None).exists()


def test_payment_amounts_in_yuan_are_converted(world):
    rows = [("P2", 2022, 3, 123456)]
    run_import(
        PaymentImporter(actor=world.budget, region=world.region),
        payments_file(rows, header=("项目编码", "年度", "月份", "支付金额（元）")),
        "p.xlsx",
    )
    assert Payment.objects.get(project=world.projects["P2"]).amount == Decimal("12.3456")


@pytest.mark.parametrize(
    "rows, needle",
    [
        ([("NOPE", 2022, 3, 1)], "没有项目编码"),
        ([("P1", 2022, 3, -1)], "负数"),
        ([("P1", 2022, 13, 1)], "1–12"),
        ([("P1", 2022, 3, 1), ("P1", 2022, 3, 2)], "重复"),
    ],
)
def test_bad_payment_rows_write_nothing(world, rows, needle):
    good = [("P2", 2022, 1, 5)]
    with pytest.raises(InputRejected) as info:
        run_import(
            PaymentImporter(actor=world.budget, region=world.region),
            payments_file(good + rows),
            "bad.xlsx",
        )
    assert needle in str(info.value.problems)
    assert not Payment.objects.exists()


def test_gbk_csv_with_payment_dates_is_summed_by_month(world):
    text = "项目编码,支付日期,支付金额\nP2,2022-03-05,1.5\nP2,2022-03-20,2.5\nP2,2022/04/01,3\n"
    run_import(
        PaymentImporter(actor=world.budget, region=world.region), text.encode("gbk"), "treasury.csv"
    )
    amounts = dict(Payment.objects.values_list("month", "amount"))
    assert amounts == {3: Decimal("4"), 4: Decimal("3")}


def test_round_closed_refuses_report_changes(world, monitoring_round):
    Round.objects.filter(pk=monitoring_round.pk).update(status="closed")
    with pytest.raises(ValidationError):
        report_save(
            actor=world.filer,
            report=p1_report(monitoring_round),
            executed=Decimal("1"),
            expected_full_year=None,
        )


def test_a_cleared_alert_that_applies_again_is_reopened(world, monitoring_round):
    report = p1_report(monitoring_round)
    risky = [{"position": 0, "likelihood": "完全不可能", "cause": "经费保障"}]
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("80"),
        expected_full_year=None,
        indicators=risky,
    )
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("80"),
        expected_full_year=None,
        indicators=[{"position": 0, "likelihood": "确定能"}],
    )
    assert Alert.objects.get(report=report, code="M04").status == "cleared"
    report_save(
        actor=world.filer,
        report=report,
        executed=Decimal("80"),
        expected_full_year=None,
        indicators=risky,
    )
    assert Alert.objects.get(report=report, code="M04").status == "open"


def test_agency_sees_only_its_key_projects_and_writes_findings(world, approved):
    from jixiao.monitoring.services import agency_findings_save
    from jixiao.orgs.models import User

    agency = User.objects.get(username="agency")
    stranger = User.objects.create(username="agency2", roles=["agency"], region=world.region)
    monitoring_round = round_open(
        actor=world.performance,
        region=world.region,
        year=2022,
        code="2022-K",
        name="重点",
        period_end=dt.date(2022, 7, 31),
        deadline=dt.date(2022, 8, 15),
        agency=agency,
        key_projects=[world.projects["P1"]],
    )
    visible = set(Report.objects.visible_to(agency).values_list("project__code", flat=True))
    assert visible == {"P1"}
    assert not Report.objects.visible_to(stranger).exists()
    report = p1_report(monitoring_round)
    agency_findings_save(actor=agency, report=report, findings="抽查合同与付款凭证，一致。")
    assert Report.objects.get(pk=report.pk).agency_findings.startswith("抽查合同")
    with pytest.raises(PermissionDenied):
        agency_findings_save(actor=stranger, report=report, findings="x")
    from jixiao.budgets.models import Project

    assert not Project.objects.visible_to(agency).exists()  # budget data stays out of sight
