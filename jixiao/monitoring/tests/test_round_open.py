"""Opening a round (`services.round_open`) writes its reports, their indicator lines, audit
entries and the projects left out in bulk: the number of queries does not grow with the number
of projects, and every report is still prefilled from its approved target, its payments and its
contract amount. World's P1, P1A and P2 have no target, so they are left out
(test_round_scope.py tests that rule)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import SPECIAL_FUND, Payment, ProgressAmount, Project, ProjectKind
from jixiao.core.audit import audit_context
from jixiao.core.models import AuditLog
from jixiao.monitoring import services
from jixiao.monitoring.models import Report, RoundExclusion, RoundProject
from jixiao.monitoring.services import round_open
from jixiao.targets.models import Indicator, Target, TargetStatus


def add_projects(world, count: int, start: int = 0) -> list[Project]:
    """`count` special funds of unit U2, each with an approved target of three indicators, two
    payments (March and September) and two contract amounts (June and October)."""
    special = ProjectKind.objects.get(code=SPECIAL_FUND)
    made = []
    for n in range(start, start + count):
        project = Project.objects.create(
            region=world.region,
            year=2022,
            code=f"S{n:03d}",
            name=f"专项{n}",
            unit=world.units["U2"],
            full_current=Decimal("50"),
        )
        project.kinds.add(special)
        target = Target.objects.create(
            region=world.region,
            year=2022,
            unit=project.unit,
            project=project,
            status=TargetStatus.APPROVED,
        )
        Indicator.objects.bulk_create(
            Indicator(
                target=target,
                position=i,
                category="产出指标",
                subcategory="数量指标",
                name=f"指标{n}-{i}",
                value_text=f"≥{i + 1}个",
                unit="个",
            )
            for i in (2, 0, 1)  # stored out of order: the report follows the positions
        )
        Payment.objects.bulk_create(
            [
                Payment(project=project, month=3, amount=Decimal("5.5")),
                Payment(project=project, month=9, amount=Decimal("7")),
            ]
        )
        ProgressAmount.objects.bulk_create(
            [
                ProgressAmount(project=project, as_of=dt.date(2022, 6, 1), amount=n + 1),
                ProgressAmount(project=project, as_of=dt.date(2022, 10, 1), amount=Decimal(99)),
            ]
        )
        made.append(project)
    return made


def open_round(world, code: str = "2022-07", **extra):
    with audit_context(actor=world.performance, source="web"):
        return round_open(
            actor=world.performance,
            region=world.region,
            year=2022,
            code=code,
            name="1–7月监控",
            period_end=dt.date(2022, 7, 31),
            deadline=dt.date(2022, 8, 15),
            **extra,
        )


def queries_to_open(world, code: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        open_round(world, code)
    return len(queries)


def test_opening_a_round_takes_the_same_queries_for_three_times_the_projects(world):
    add_projects(world, 3)
    open_round(world, "warm-up")  # first-use lookups (content types, caches) out of the count
    few = queries_to_open(world, "few")
    add_projects(world, 6, start=3)
    many = queries_to_open(world, "many")
    assert Report.objects.filter(round__code="many").count() == 3 + 6
    assert RoundExclusion.objects.filter(round__code="many").count() == 3  # P1, P1A, P2
    assert many == few


def test_every_report_is_prefilled_from_its_target_payments_and_contract(world):
    projects = add_projects(world, 2)
    monitoring_round = open_round(world, "2022-07")
    for n, project in enumerate(projects):
        report = Report.objects.get(round=monitoring_round, project=project)
        assert report.target == project.targets.get()
        assert report.unit_id == project.unit_id and report.region_id == world.region.id
        assert (report.executed, report.execution_from_payments) == (Decimal("5.5"), True)
        assert report.contract_amount == n + 1  # the last amount up to the period end
        assert list(report.indicators.values_list("position", "name", "target_text")) == [
            (i, f"指标{n}-{i}", f"≥{i + 1}个") for i in range(3)
        ]

    unpaid = add_projects(world, 1, start=2)[0]
    Payment.objects.filter(project=unpaid).delete()
    ProgressAmount.objects.filter(project=unpaid).delete()
    report = Report.objects.get(round=open_round(world, "2022-08"), project=unpaid)
    assert (report.executed, report.execution_from_payments) == (None, False)
    assert (report.contract_amount, report.target) == (None, unpaid.targets.get())


def test_each_report_has_its_creation_audited_with_the_actor_and_stored_values(world):
    add_projects(world, 2)
    monitoring_round = open_round(world, "2022-07")
    reports = Report.objects.filter(round=monitoring_round)
    entries = AuditLog.objects.filter(
        object_type="monitoring.report", object_id__in=[str(r.pk) for r in reports]
    )
    assert entries.count() == reports.count() == 2
    for entry in entries:
        report = reports.get(pk=int(entry.object_id))
        assert (entry.action, entry.actor, entry.region_code) == (
            "create",
            world.performance,
            world.region.code,
        )
        assert entry.object_repr == str(report)
        assert entry.after["project_id"] == report.project_id
        assert Decimal(entry.after["executed"] or 0) == (report.executed or 0)


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_chunks_of_any_size_open_the_same_reports(world, monkeypatch, chunk):
    monkeypatch.setattr(services, "OPEN_CHUNK", chunk)
    add_projects(world, 3)
    extra = Project.objects.create(
        region=world.region, year=2022, code="N1", name="非专项", unit=world.units["U1"]
    )
    Target.objects.create(
        region=world.region, year=2022, unit=extra.unit, project=extra, status="approved"
    )
    key = Project.objects.get(code="S001")
    monitoring_round = open_round(world, "2022-07", extra_projects=[extra], key_projects=[key])
    reports = Report.objects.filter(round=monitoring_round).order_by("id")
    assert list(reports.values_list("project__code", flat=True)) == [
        "N1",
        "S000",
        "S001",
        "S002",
    ]  # in the projects' order
    assert [r.indicators.count() for r in reports] == [0, 3, 3, 3]
    scope = RoundProject.objects.filter(round=monitoring_round)
    assert set(scope.values_list("project__code", flat=True)) == {"N1", "S000", "S001", "S002"}
    assert set(scope.filter(added_by_hand=True).values_list("project__code", flat=True)) == {"N1"}
    assert set(scope.filter(key_monitoring=True).values_list("project__code", flat=True)) == {
        "S001"
    }
    left = RoundExclusion.objects.filter(round=monitoring_round)
    assert sorted(left.values_list("project__code", flat=True)) == ["P1", "P1A", "P2"]


def test_the_round_page_opens_the_round_as_a_job_of_the_performance_office(world, client_for):
    from jixiao.core.models import Job

    add_projects(world, 2)
    client = client_for("performance")
    client.post("/work-context/", {"region": world.region.id, "year": "2022"})
    form = {"code": "2022-07", "name": "1–7月监控", "period_end": "2022-07-31"}
    response = client.post("/monitoring/new/", {**form, "deadline": "2022-08-15", "key": "S000"})
    job = Job.objects.get(kind="round_open")
    assert (job.user, job.status, job.done, job.total) == (world.performance, "done", 5, 5)
    monitoring_round = Report.objects.filter(round_id=job.result["round"]).first().round
    assert response.url == f"/monitoring/{monitoring_round.pk}/"
    assert monitoring_round.reports.count() == job.result["reports"] == 2  # S000, S001
    assert monitoring_round.scope.get(key_monitoring=True).project.code == "S000"
    again = client.post("/monitoring/new/", {**form, "deadline": "2022-08-15"})
    assert again.status_code == 400 and "已存在" in again.content.decode()  # checked in the request
    assert Job.objects.filter(kind="round_open").count() == 1


def test_a_round_job_outside_the_users_region_fails_and_writes_nothing(world):
    from jixiao.core import jobs
    from jixiao.monitoring.models import Round
    from jixiao.orgs.models import User

    stranger = User.objects.create(username="perf-b", roles=["performance"], region=world.region_b)
    params = {"region": world.region.code, "year": 2022, "code": "X", "name": "越权"}
    job = jobs.start(
        user=stranger,
        kind="round_open",
        params={**params, "period_end": "2022-07-31", "deadline": "2022-08-15"},
    )
    assert job.status == "failed" and "绩效办" in job.error
    assert not Round.objects.filter(code="X").exists()
