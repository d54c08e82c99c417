"""The monitoring report list and queue, and the alert list, sort by their columns
(core/sorting.py): the budget and the amount executed both ways, an empty amount last, the
alerts by due date and level, scope unchanged."""

import datetime
import re
from decimal import Decimal

from jixiao.budgets.models import Project
from jixiao.monitoring.models import Alert, Report, Round
from jixiao.testing import listed_ids
from jixiao.testing_pages import _alert, _round

from .test_services import approved, monitoring_round  # noqa: F401 (fixtures)


def codes(client, url) -> list[str]:
    ids = listed_ids(client, url, "/monitoring/reports/")
    found = dict(Report.objects.filter(pk__in=ids).values_list("pk", "project__code"))
    return [found[i] for i in ids]


def test_the_reports_sort_by_budget_and_by_execution_both_ways(world, client_for, monitoring_round):  # noqa: F811
    Project.objects.filter(code="P1A").update(full_current=Decimal("500"))  # 500 in all
    Project.objects.filter(code="P2").update(full_current=Decimal("5"), full_carryover=0)
    for code, executed in (("P1", "10.5"), ("P1A", None), ("P2", "3")):
        Report.objects.filter(project__code=code).update(executed=executed)
    client = client_for("performance")
    assert codes(client, "/monitoring/reports/?sort=budget") == ["P2", "P1", "P1A"]
    assert codes(client, "/monitoring/reports/?sort=-budget") == ["P1A", "P1", "P2"]
    assert codes(client, "/monitoring/reports/?sort=executed") == ["P2", "P1", "P1A"]
    assert codes(client, "/monitoring/reports/?sort=-executed") == ["P1", "P2", "P1A"]
    assert codes(client, "/monitoring/reports/?sort=-project") == ["P2", "P1A", "P1"]
    assert codes(client, "/monitoring/reports/?sort=nonsense") == ["P1", "P1A", "P2"]
    assert codes(client_for("other_region"), "/monitoring/reports/?sort=-budget") == []
    assert codes(client_for("other"), "/monitoring/reports/?sort=-budget") == ["P2"]


def test_the_report_queue_sorts_and_its_header_says_so(world, client_for, monitoring_round):  # noqa: F811
    Report.objects.update(status="submitted")
    Project.objects.filter(code="P1A").update(full_current=Decimal("500"))
    client = client_for("business")  # BIZ1: the reports of U1 and U1A
    assert codes(client, "/monitoring/reports/queue/?sort=-budget") == ["P1A", "P1"]
    assert codes(client, "/monitoring/reports/queue/?sort=budget") == ["P1", "P1A"]
    page = client.get("/monitoring/reports/queue/?sort=-budget").content.decode()
    assert 'aria-sort="descending"' in page and "sort=budget" in page


def test_the_alerts_sort_by_due_date_and_level_both_ways(world, client_for):
    days = {0: 25, 1: 20, 2: 28}
    made = [_alert(world, i) for i in days]
    for i, alert in enumerate(made):
        due = datetime.date(2022, 8, days[i])
        Alert.objects.filter(pk=alert.pk).update(due_date=due, level="red" if i else "yellow")
    first, second, third = (a.pk for a in made)
    client = client_for("performance")
    assert listed_ids(client, "/alerts/?sort=due", "/alerts/") == [second, first, third]
    assert listed_ids(client, "/alerts/?sort=-due", "/alerts/") == [third, first, second]
    assert listed_ids(client, "/alerts/?sort=level", "/alerts/") == [second, third, first]
    assert listed_ids(client, "/alerts/?sort=-level", "/alerts/") == [first, third, second]
    assert listed_ids(client, "/alerts/", "/alerts/") == [first, second, third]  # yellow first
    assert listed_ids(client_for("other"), "/alerts/?sort=due", "/alerts/") == []


def test_the_rounds_sort_by_deadline_and_code_both_ways(world, client_for):
    made = [_round(world, i) for i in range(3)]
    for round, day in zip(made, (20, 10, 30), strict=True):
        Round.objects.filter(pk=round.pk).update(deadline=datetime.date(2022, 8, day))
    first, second, third = (r.pk for r in made)
    client = client_for("performance")
    assert listed_ids(client, "/monitoring/?sort=deadline", "/monitoring/") == [
        second,
        first,
        third,
    ]
    assert listed_ids(client, "/monitoring/?sort=-deadline", "/monitoring/") == [
        third,
        first,
        second,
    ]
    assert listed_ids(client, "/monitoring/?sort=-code", "/monitoring/") == [third, second, first]
    assert listed_ids(client, "/monitoring/", "/monitoring/") == [third, second, first]  # same end
    page = client.get("/monitoring/?sort=-deadline").content.decode()
    assert 'aria-sort="descending"' in page
    assert listed_ids(client_for("other_region"), "/monitoring/?sort=code", "/monitoring/") == []


def test_the_report_list_counts_each_reports_open_and_suspended_alerts_and_sorts_by_them(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    """The 预警 column counts a report's alerts still open or suspended (funds held), not those
    disposed of or cleared; the list sorts by it both ways; and a report with many alerts is
    still one row, in the pager's total too."""
    reports = {r.project.code: r for r in Report.objects.select_related("project")}
    statuses = {
        "P1": [Alert.Status.OPEN, Alert.Status.SUSPENDED, Alert.Status.CLEARED],
        "P1A": [Alert.Status.DISPOSED, Alert.Status.CLEARED],
        "P2": [Alert.Status.OPEN],
    }
    for code, kinds in statuses.items():
        report = reports[code]
        for n, status in enumerate(kinds):
            Alert.objects.create(
                region=report.region, year=report.year, unit=report.unit, project=report.project,
                round=report.round, report=report, code=f"M0{n + 1}", level="red",
                message=f"预警 {n}", status=status, due_date=datetime.date(2022, 8, 25),
            )  # fmt: skip
    client = client_for("performance")
    page = client.get("/monitoring/reports/?sort=-alerts").content.decode()
    counted = re.findall(r'<span class="finding blocking">(\d+)</span>', page)
    assert counted == ["2", "1"]  # P1's open and suspended, P2's open; P1A shows none
    assert codes(client, "/monitoring/reports/?sort=-alerts") == ["P1", "P2", "P1A"]
    assert codes(client, "/monitoring/reports/?sort=alerts") == ["P1A", "P2", "P1"]
    assert "共 3 " in re.sub(r"<[^>]+>", " ", page)
