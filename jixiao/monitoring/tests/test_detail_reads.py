"""What a report's pages read on every request, by SQL compiled once a process (issue 16,
part 5): its indicator rows (`selectors.report_get`) and the alerts its page lists
(`selectors.report_alerts_shown`), as the ORM's prefetch and queryset gave them."""

import datetime as dt

from jixiao.monitoring import selectors
from jixiao.monitoring.models import Alert
from jixiao.targets.tests.test_detail_reads import compilations  # noqa: F401 (a fixture)

from .test_pages_api import monitoring_round, report_of  # noqa: F401 (a fixture)


def _alert(report, code: str, status: str) -> Alert:
    return Alert.objects.create(
        region=report.region, year=report.year, unit=report.unit, project=report.project,
        round=report.round, report=report, code=code, level="red", status=status,
        message=f"{code} 执行进度偏慢", due_date=dt.date(2022, 9, 1),
    )  # fmt: skip


def test_a_reports_listed_alerts_are_the_ones_not_cleared_by_code_with_their_report(
    world,
    monitoring_round,  # noqa: F811
    client_for,
    django_assert_num_queries,
):
    report = report_of(monitoring_round, "P1")
    other = report_of(monitoring_round, "P2")
    _alert(report, "M03", Alert.Status.OPEN)
    _alert(report, "M01", Alert.Status.SUSPENDED)
    _alert(report, "M02", Alert.Status.CLEARED)
    _alert(other, "M01", Alert.Status.OPEN)
    expected = list(report.alerts.exclude(status=Alert.Status.CLEARED).order_by("code"))
    with django_assert_num_queries(1):
        shown = selectors.report_alerts_shown(report)
        owners = {alert.report for alert in shown}
    assert [(a.pk, a.code, a.status) for a in shown] == [(a.pk, a.code, a.status) for a in expected]
    assert [a.code for a in shown] == ["M01", "M03"] and owners == {report}
    page = client_for("filer").get(f"/monitoring/reports/{report.pk}/").content.decode()
    assert "M01 执行进度偏慢" in page and "M03 执行进度偏慢" in page
    assert "M02 执行进度偏慢" not in page


def test_a_reports_indicator_rows_come_in_order_with_their_report(
    world,
    monitoring_round,  # noqa: F811
    django_assert_num_queries,
):
    report = report_of(monitoring_round, "P1")
    expected = list(report.indicators.order_by("position"))
    read = selectors.report_get(user=world.filer, pk=report.pk)
    with django_assert_num_queries(0):  # read with the report
        rows = list(read.indicators.all())
        owners = {row.report for row in rows}
    assert [(r.pk, r.position, r.progress) for r in rows] == [
        (r.pk, r.position, r.progress) for r in expected
    ]
    assert len(rows) > 1 and owners == {read}


def test_the_report_pages_compile_no_query_once_warm(
    world,
    monitoring_round,  # noqa: F811
    client_for,
    compilations,  # noqa: F811
):
    report = report_of(monitoring_round, "P1")
    _alert(report, "M01", Alert.Status.OPEN)
    client = client_for("filer")
    for page in (f"/monitoring/reports/{report.pk}/", f"/monitoring/reports/{report.pk}/edit/"):
        client.get(page)  # the process's first: compiles what it keeps
        compilations.clear()
        assert client.get(page).status_code == 200
        shown = [m for m in compilations if m in ("ReportIndicator", "Alert", "Attachment")]
        assert shown == [], page


def test_completing_needs_every_rows_progress_whether_or_not_the_page_read_them(
    world,
    monitoring_round,  # noqa: F811
    django_assert_num_queries,
):
    from jixiao.monitoring.models import Report, ReportIndicator
    from jixiao.monitoring.workflow import REPORT_WORKFLOW

    report = report_of(monitoring_round, "P1")
    Report.objects.filter(pk=report.pk).update(executed=1)
    rows = list(ReportIndicator.objects.filter(report=report).order_by("position"))
    ReportIndicator.objects.filter(pk__in=[r.pk for r in rows[1:]]).update(progress="完成")
    ReportIndicator.objects.filter(pk=rows[0].pk).update(progress=" ")
    complete = REPORT_WORKFLOW.get("complete")
    missing = f"以下指标还没有填写完成值：{rows[0].name}"
    stored = Report.objects.select_related("round").get(pk=report.pk)  # as a step reads it
    assert missing in REPORT_WORKFLOW.problems(stored, world.filer, complete)
    read = selectors.report_get(user=world.filer, pk=report.pk)
    with django_assert_num_queries(0):  # the page's rows, read with the report
        assert missing in [c(read, world.filer) for c in complete.conditions]
    ReportIndicator.objects.filter(pk=rows[0].pk).update(progress="完成")
    stored = Report.objects.select_related("round").get(pk=report.pk)
    assert REPORT_WORKFLOW.problems(stored, world.filer, complete) == []


def test_many_indicators_without_progress_are_counted_and_the_first_five_named(
    world,
    monitoring_round,  # noqa: F811
):
    from jixiao.monitoring.models import Report, ReportIndicator
    from jixiao.monitoring.workflow import REPORT_WORKFLOW

    report = report_of(monitoring_round, "P1")
    Report.objects.filter(pk=report.pk).update(executed=1)
    rows = list(ReportIndicator.objects.filter(report=report).order_by("position"))
    assert len(rows) > 5
    ReportIndicator.objects.filter(report=report).update(progress="")
    stored = Report.objects.select_related("round").get(pk=report.pk)
    (said,) = REPORT_WORKFLOW.problems(stored, world.filer, REPORT_WORKFLOW.get("complete"))
    names = "、".join(r.name for r in rows[:5])
    assert said == f"有 {len(rows)} 条指标还没有填写完成值：{names} 等"
