"""Demo monitoring: the 2021 January–July round over the special funds worth
65,498.42 万元, reviewed, with lagging projects, one at risk and one overpaid; 2020 payments
with a December rush; and an open 2022 round where the `unit` persona has work to do.

The 2021 round is history: it is driven through the real services, then its dates are put
back to 2021 (submission, review, alerts), as an import of last year's records would.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from jixiao.budgets.models import Payment, ProgressAmount, Project
from jixiao.budgets.services import refresh_payment_totals
from jixiao.core.models import TransitionLog
from jixiao.monitoring.models import Alert, Report, Round
from jixiao.monitoring.payments import payments_changed
from jixiao.monitoring.services import (
    alert_dispose,
    refresh_alerts,
    report_save,
    report_transition,
    round_close,
    round_open,
)
from jixiao.targets.models import TargetStatus

from . import district as d
from .targets import _drive, _reviewer, _unit_staff

CENT = Decimal("0.01")


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def build_payments_2020(demo) -> None:
    """Monthly payments of every 2020 project: most spread over the year, about one in six
    with a December rush (突击拨款) that M05 catches."""
    rng = random.Random(2020_12)
    rows = []
    for project in Project.objects.filter(region=demo.region, year=2020):
        paid = (project.full_total * Decimal(str(rng.uniform(0.86, 0.99)))).quantize(CENT)
        rush = rng.random() < 0.17
        weights = [rng.uniform(0.6, 1.4) for _ in range(11)] + [
            rng.uniform(5, 9) if rush else rng.uniform(0.8, 1.6)
        ]
        rows += _monthly(project, paid, weights)
    Payment.objects.bulk_create(rows, batch_size=2000)
    refresh_payment_totals({row.project_id for row in rows})
    checked = dt.date(2021, 1, 8)
    payments_changed(
        Project.objects.filter(region=demo.region, year=2020).values_list("pk", flat=True),
        today=checked,
        audit_message="演示数据：2020 年支付数据的预警",
    )
    for alert in Alert.objects.filter(year=2020, code="M05").select_related("unit"):
        filer, _leader = _unit_staff(demo, alert.unit)
        alert_dispose(
            actor=filer,
            alert=alert,
            disposal=Alert.Disposal.CONTINUE,
            reason="已说明年底集中支付原因，2021年起按进度均衡支付。",
        )
    Alert.objects.filter(year=2020).update(
        raised_at=_aware(checked), disposed_at=_aware(checked + dt.timedelta(days=7))
    )


def _monthly(project, total: Decimal, weights: list[float]) -> list[Payment]:
    scale = sum(weights)
    amounts = [(total * Decimal(w / scale)).quantize(CENT, ROUND_HALF_UP) for w in weights]
    amounts[-1] += total - sum(amounts)
    return [Payment(project=project, month=m + 1, amount=a) for m, a in enumerate(amounts) if a > 0]


def build_round_2021(demo) -> Round:
    rng = random.Random(2021_07)
    period_end, deadline = dt.date(2021, 7, 31), dt.date(2021, 8, 15)
    _payments_2021(demo, rng, period_end)
    _overpayment(demo)
    monitoring_round = round_open(
        actor=demo.users["perf"],
        region=demo.region,
        year=2021,
        code="2021-07",
        name="2021年1–7月绩效运行监控",
        period_end=period_end,
        deadline=deadline,
    )
    for report in monitoring_round.reports.select_related("project__unit", "round", "region"):
        _fill_2021(demo, rng, report, deadline)
    round_close(actor=demo.users["perf"], round=monitoring_round)
    # Driving history through today's services raised, then cleared, "late" alerts dated now;
    # they never happened in 2021.
    Alert.objects.filter(round=monitoring_round, status=Alert.Status.CLEARED).delete()
    return monitoring_round


def _payments_2021(demo, rng, period_end) -> None:
    """January–July payments of the 2021 special funds: most near time progress (58%), some
    lagging far behind."""
    rows = []
    special = Project.objects.filter(region=demo.region, year=2021, kinds__code="special_fund")
    for project in special.distinct():
        share = rng.choice([0.62, 0.58, 0.55, 0.5, 0.45, 0.3, 0.66, 0.52, 0.35, 0.6])
        paid = (project.full_total * Decimal(str(share))).quantize(CENT)
        rows += _monthly(project, paid, [rng.uniform(0.5, 1.5) for _ in range(period_end.month)])
    Payment.objects.bulk_create(rows, batch_size=2000)
    refresh_payment_totals({row.project_id for row in rows})


def _overpayment(demo) -> None:
    """One construction project paid beyond its measured progress (超额支付进度款)."""
    project = (
        Project.objects.filter(
            region=demo.region, year=2021, kinds__code="special_fund", name__contains="建设"
        ).first()
        or Project.objects.filter(region=demo.region, year=2021, kinds__code="special_fund").first()
    )
    ProgressAmount.objects.create(
        project=project,
        as_of=dt.date(2021, 7, 1),
        amount=(project.full_total * Decimal("0.25")).quantize(CENT),
        note="工程进度计量：完成合同工程量的 25%",
    )


def _fill_2021(demo, rng, report: Report, deadline: dt.date) -> None:
    filer, leader = _unit_staff(demo, report.unit)
    risk = rng.random() < 0.06
    rows = [
        {
            "position": i.position,
            "progress": _progress(i.target_text, rng),
            "expected": i.target_text,
            "likelihood": "确定能",
        }
        for i in report.indicators.all()
    ]
    if risk and rows:
        rows[0].update(
            likelihood="完全不可能",
            cause="经费保障",
            expected="",
            explanation="配套资金未到位，部分工程无法开工。",
            measures="申请调整预算，压缩建设规模。",
        )
    report = report_save(
        actor=filer,
        report=report,
        executed=report.executed,
        expected_full_year=(report.project.full_total * Decimal("0.95")).quantize(CENT),
        indicators=rows,
        execution_note="资金按合同进度拨付。",
    )
    report = report_transition(actor=filer, report=report, name="complete")
    report = report_transition(actor=leader, report=report, name="submit", attest=True)
    report = report_transition(
        actor=_reviewer(demo, report.unit, report.year), report=report, name="pass"
    )
    report_transition(actor=demo.users["budget"], report=report, name="approve")
    late = rng.random() < 0.12
    submitted = _aware(
        deadline + dt.timedelta(days=rng.randint(1, 9))
        if late
        else deadline - dt.timedelta(days=rng.randint(0, 10))
    )
    Report.objects.filter(pk=report.pk).update(submitted_at=submitted)
    TransitionLog.objects.filter(object_id=report.pk, content_type__model="report").update(
        created_at=submitted
    )
    report.refresh_from_db()
    alerts = refresh_alerts(report, today=dt.date(2021, 8, 20))
    _dispose_2021(report, alerts, filer)


def _progress(target_text: str, rng) -> str:
    return rng.choice(["按计划推进", "完成约六成", "已完成过半", "正在实施"])


def _dispose_2021(report: Report, alerts, filer) -> None:
    raised = _aware(dt.date(2021, 8, 20))
    for alert in alerts:
        Alert.objects.filter(pk=alert.pk).update(raised_at=raised)
        alert_dispose(
            actor=filer,
            alert=alert,
            disposal=Alert.Disposal.CONTINUE,
            reason="加快项目实施和资金拨付进度，确保年底前完成。",
        )
        Alert.objects.filter(pk=alert.pk).update(disposed_at=raised + dt.timedelta(days=6))


def _persona_targets_approved(demo) -> None:
    """The live round takes only projects with an approved target (DOMAIN.md §5). The `unit`
    persona's special funds with no target yet get one, declared and approved through the
    services, so that it has reports to fill; its draft and returned ones stay out of the round,
    on the round page's list of projects left out."""
    rng = random.Random(2022_06)
    waiting = Project.objects.filter(
        region=demo.region,
        year=d.LIVE_YEAR,
        unit__code=d.PERSONA_UNIT,
        kinds__code="special_fund",
        targets__isnull=True,
    )
    for project in waiting.distinct().select_related("unit", "parent").order_by("code"):
        _drive(demo, rng, project, TargetStatus.APPROVED)


def build_round_2022(demo) -> Round:
    """The live round: the `unit` persona has a report to fill and an alert to dispose; the
    special funds without an approved target are listed as left out."""
    _persona_targets_approved(demo)
    key = list(
        Project.objects.filter(
            region=demo.region, year=d.LIVE_YEAR, kinds__code="special_fund"
        ).order_by("-full_current")[:3]
    )
    monitoring_round = round_open(
        actor=demo.users["perf"],
        region=demo.region,
        year=d.LIVE_YEAR,
        code="2022-06",
        name="2022年1–6月绩效运行监控",
        period_end=dt.date(2022, 6, 30),
        deadline=live_deadline(dt.date(2022, 7, 15)),
        agency=demo.users["agency"],
        key_projects=key,
    )
    persona = list(
        monitoring_round.reports.filter(unit__code=d.PERSONA_UNIT).select_related(
            "project", "round", "region", "unit"
        )
    )
    if len(persona) >= 2:
        lagging = persona[1]
        report_save(
            actor=demo.users["unit"],
            report=lagging,
            executed=(lagging.project.full_total * Decimal("0.2")).quantize(CENT),
            expected_full_year=lagging.project.full_total,
            execution_note="项目招标延后，上半年支付较少。",
        )
    return monitoring_round


def live_deadline(deadline: dt.date) -> dt.date:
    """The live round's deadline, two weeks after the day the demo is built when the calendar's
    has passed: its reports are to fill, not late (CONTRACT.md: live items stay live)."""
    return max(deadline, timezone.localdate() + dt.timedelta(days=14))


def build_monitoring(demo) -> None:
    build_payments_2020(demo)
    build_round_2021(demo)
    build_round_2022(demo)
