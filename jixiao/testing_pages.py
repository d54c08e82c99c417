"""The pages and API endpoints of every document and object, declared once for the generic tests
(`tests/test_pages_generic.py`, in the manner of NetBox's `ViewTestCases`).

Each `ObjectPage` in `PAGES` names its URLs and a `make(world, i)` that saves the i-th object
(i = 0, 1, 2 …, each one new) belonging to its `owner` persona's unit (or region). Every
declared page then gets these tests, with no test code of its own:

- the owner opens the detail page, the list, the export and the API object (200), and finds the
  object in the list (its detail URL) and the API list (its id);
- `stranger`, a user of another unit (or of another region, for a region's objects), gets 404 on
  the detail page, the other object pages and the API object, and the object is not in their
  lists;
- an anonymous visitor is sent to the login page, or answered 401 by the API;
- a list answers in as many queries with 5 rows as with 2 (no query per row): the list page, its
  export and the API list.

A list on the bureau's dashboard (`/dashboard/records/<topic>/`) is declared the same way, with
the page its rows link to as `detail`. The whole-unit evaluation's page is keyed by unit and
year: "/unit-evaluations/{obj.unit_id}/{obj.year}/".

URLs are `str.format` templates over the object: "/targets/{obj.pk}/". To add a document (a key
evaluation, a rectification …) write a `make` with the ORM — status and the fields its list shows
are enough, the services are not needed — and append one `ObjectPage`:

    ObjectPage(
        "rectification",
        make=_rectification,
        detail="/rectifications/{obj.pk}/",
        list="/rectifications/",
        api="/api/v1/rectifications/{obj.pk}",
        api_list="/api/v1/rectifications",
    )
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ObjectPage:
    """One kind of object and its URLs; an empty URL is a page the object does not have."""

    name: str
    make: Callable  # (world, i) → a saved object of the owner's unit
    detail: str = ""
    list: str = ""
    export: str = ""
    api: str = ""
    api_list: str = ""
    #: further pages of one object (an edit page …): owner 200, stranger 404, anonymous login
    more: tuple[str, ...] = ()
    owner: str = "filer"
    stranger: str = "other"
    #: the keys the list sorts by (core/sorting.py): the list tests hold for `sorted_lists`
    sorts: tuple[str, ...] = ()

    @property
    def sorted_lists(self) -> tuple[str, ...]:
        """The list sorted by each of its columns, descending (`?sort=-<key>`), and its export
        sorted by the first of them."""
        urls = [_sorted_by(self.list, key) for key in self.sorts]
        if self.export and self.sorts:
            urls.append(_sorted_by(self.export, self.sorts[0]))
        return tuple(urls)


def _sorted_by(url: str, key: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}sort=-{key}"


# --------------------------------------------------------------------------- factories


def _project(world, i: int, *, unit: str = "U1", year: int = 2022, tag: str = "G"):
    from jixiao.budgets.models import Project

    unit = world.units[unit]
    return Project.objects.create(
        region=unit.region,
        year=year,
        code=f"{tag}{year}-{unit.code}-{i:02d}",
        name=f"通用测试项目{tag}{i:02d}",
        unit=unit,
        full_current=Decimal("100"),
        initial_current=Decimal("90"),
    )


def _child_project(world, i: int):
    """A project of the filer's level-2 unit, which the filer's unit oversees."""
    return _project(world, i, unit="U1A", tag="C")


def _unit(world, i: int):
    """A level-2 unit under the filer's unit."""
    from jixiao.orgs.models import Unit, UnitYear

    parent = world.units["U1"]
    unit = Unit.objects.create(region=parent.region, code=f"U1-G{i:02d}", name=f"通用二级单位{i}")
    for year in (2021, 2022):
        UnitYear.objects.create(
            unit=unit,
            year=year,
            name=unit.name,
            level=2,
            parent=parent,
            office=world.offices["BIZ1"],
        )
    return unit


def _target(world, i: int):
    from jixiao.targets.models import Indicator, Target

    project = _project(world, i, tag="T")
    target = Target.objects.create(
        region=project.region,
        year=2022,
        unit=project.unit,
        project=project,
        status="submitted",
        goal="完成年度任务。",
        amount_total=Decimal("100"),
        amount_current=Decimal("100"),
    )
    for position, name in enumerate(("改造数量", "验收合格率")):
        Indicator.objects.create(
            target=target,
            position=position,
            category="产出指标",
            subcategory="数量指标",
            name=name,
            value_text="≥12个",
        )
    return target


def _round(world, i: int):
    from jixiao.monitoring.models import Round

    return Round.objects.create(
        region=world.region,
        year=2022,
        code=f"2022-G{i:02d}",
        name=f"通用监控批次{i}",
        period_end=datetime.date(2022, 7, 31),
        deadline=datetime.date(2022, 8, 15),
    )


def _report(world, i: int):
    from jixiao.monitoring.models import Report

    project = _project(world, i, tag="M")
    return Report.objects.create(
        round=_round(world, 100 + i),
        project=project,
        region=project.region,
        unit=project.unit,
        year=2022,
        status="submitted",
        executed=Decimal("30"),
    )


def _alert(world, i: int):
    from jixiao.monitoring.models import Alert

    report = _report(world, 200 + i)
    return Alert.objects.create(
        region=report.region,
        year=2022,
        unit=report.unit,
        project=report.project,
        round=report.round,
        report=report,
        code="M01",
        level="red",
        message=f"执行进度滞后 {i}",
        due_date=datetime.date(2022, 8, 25),
    )


def _selfeval(world, i: int):
    """A self-evaluation of a project of the year before the work year, as the list shows."""
    from jixiao.evaluations.models import SelfEvalIndicator, SelfEvaluation

    project = _project(world, i, year=2021, tag="S")
    selfeval = SelfEvaluation.objects.create(
        region=project.region,
        year=2021,
        unit=project.unit,
        project=project,
        status="submitted",
        total=Decimal("90.00"),
        grade="优",
    )
    SelfEvalIndicator.objects.create(
        selfeval=selfeval,
        position=0,
        category="产出指标",
        subcategory="数量指标",
        name="改造数量",
        target_text="≥12个",
        actual="12个",
        weight=Decimal("90"),
    )
    return selfeval


def _unit_evaluation(world, i: int):
    """The whole-unit evaluation of a new level-2 unit under the filer's unit."""
    from jixiao.evaluations.models import UnitEvaluation

    unit = _unit(world, 50 + i)
    return UnitEvaluation.objects.create(
        region=unit.region,
        year=2021,
        unit=unit,
        status="submitted",
        total=Decimal("85"),
        grade="良",
    )


def _policy(world, i: int):
    from jixiao.reports.models import PolicyDocument

    return PolicyDocument.objects.create(
        region=world.region,
        number=f"甲财绩〔2022〕{i + 1}号",
        title=f"通用测试制度文件{i}",
        issued_on=datetime.date(2022, 3, 1),
        issuer="甲区财政局",
    )


def _audit_finding(world, i: int):
    """An audit finding of the filer's unit, entered by the performance office."""
    from jixiao.results.models import AuditFinding

    return AuditFinding.objects.create(
        region=world.region,
        year=2022,
        unit=world.units["U1"],
        report_title=f"通用测试审计报告{i}",
        report_date=datetime.date(2022, 5, 10),
        problem=f"通用测试审计问题{i}",
        entered_by=world.performance,
    )


def _notice_rectification(world, i: int):
    """An issued rectification of the filer's unit: its unit's notice lists it."""
    from jixiao.results.models import Rectification

    return Rectification.objects.create(
        region=world.region,
        year=2022,
        unit=world.units["U1"],
        status="issued",
        source="audit",
        audit_finding=_audit_finding(world, i),
        issuer=world.offices["PERF"],
        problem=f"通用测试整改问题{i}",
        required_action="限期整改",
        result_date=datetime.date(2022, 5, 10),
        issued_on=datetime.date(2022, 5, 20),
    )


def _rectification(world, i: int):
    """An issued and received rectification of the filer's unit, from an audit finding."""
    from jixiao.results.models import Rectification

    day = datetime.date(2022, 3, 1) + datetime.timedelta(days=i)
    return Rectification.objects.create(
        region=world.region,
        year=2022,
        unit=world.units["U1"],
        project=world.projects["P1"],
        status="received",
        number=f"ZG-T{i:03d}",
        source="audit",
        issuer=world.offices["PERF"],
        problem=f"通用测试整改问题{i}",
        required_action="按要求整改",
        result_date=day,
        issued_on=day,
        received_on=day,
        plan_due=day + datetime.timedelta(days=30),
        due=day + datetime.timedelta(days=90),
    )


def _fund_action(world, i: int):
    """A recovery from a project of the filer's unit (recorded by the budget office)."""
    from jixiao.results.models import FundAction

    project = _project(world, i, tag="F")
    return FundAction.objects.create(
        region=project.region,
        year=project.year,
        unit=project.unit,
        project=project,
        kind="收回",
        amount=Decimal("10.5"),
        date=datetime.date(2022, 6, 15),
        reason=f"通用测试收回{i}",
        source="evaluation",
        document_number=f"甲财绩〔2022〕{i + 1}号",
        created_by=world.budget,
    )


def _linkage_proposal(world, i: int):
    """A 2022 budget linkage proposal for a 2021 project of the filer's unit."""
    from jixiao.results.models import LinkageProposal

    project = _project(world, i, year=2021, tag="L")
    return LinkageProposal.objects.create(
        region=project.region,
        year=2022,
        unit=project.unit,
        project=project,
        grade="良",
        grade_source="rules",
        rule="grow",
        current_amount=Decimal("100"),
        proposed_amount=Decimal("105.00"),
        reason=f"评价等级“良”（按规则评分）；建议优先保障（+5%），安排105.00万元 {i}",
    )


def _result_use(world, i: int):
    """A confirmed self-evaluation of a 2021 project of the filer's unit (a result of 2022),
    its use recorded."""
    from jixiao.evaluations.models import SelfEvaluation
    from jixiao.results.models import ResultUse

    project = _project(world, i, year=2021, tag="U")
    selfeval = SelfEvaluation.objects.create(
        region=project.region, year=2021, unit=project.unit, project=project, status="confirmed"
    )
    ResultUse.objects.create(
        region=project.region, year=2022, unit=project.unit, selfeval=selfeval, fed_back=True
    )
    return selfeval


# --------------------------------------------------------------------------- the registry


def _disclosure(world, i: int):
    """A pending disclosure record of the filer's unit's targets."""
    from jixiao.results.models import Disclosure

    return Disclosure.objects.create(
        region=world.region,
        year=2022,
        kind="targets",
        unit=world.units["U1"],
        subject=f"2022年甲区教育局预算绩效目标（{i}）",
        due=datetime.date(2022, 3, 2),
    )


def _unit_assessment(world, i: int):
    """The 2022 assessment of a new first-level unit of district A (one a unit and year)."""
    from jixiao.orgs.models import Unit, UnitYear
    from jixiao.results.models import UnitAssessment

    unit = Unit.objects.create(region=world.region, code=f"UA{i:02d}", name=f"考核测试单位{i}")
    UnitYear.objects.create(unit=unit, year=2022, name=unit.name, level=1)
    return UnitAssessment.objects.create(
        region=world.region,
        year=2022,
        unit=unit,
        computed=Decimal("90"),
        score=Decimal("90"),
        rank=i + 1,
    )


PAGES: list[ObjectPage] = [
    ObjectPage(
        "unit",
        make=_unit,
        detail="/units/{obj.pk}/",
        list="/units/",
        export="/units/?export=xlsx",
        api="/api/v1/units/{obj.pk}",
        api_list="/api/v1/units",
        sorts=("code", "name", "level", "parent", "office"),
    ),
    ObjectPage(
        "project",
        make=_project,
        detail="/projects/{obj.pk}/",
        list="/projects/",
        export="/projects/?export=xlsx",
        api="/api/v1/projects/{obj.pk}",
        api_list="/api/v1/projects",
        more=("/projects/{obj.pk}/edit/",),
        sorts=("full", "code", "name", "unit", "initial"),
    ),
    ObjectPage(
        "project of a level-2 unit",
        make=_child_project,
        detail="/projects/{obj.pk}/",
        api="/api/v1/projects/{obj.pk}",
    ),
    ObjectPage(
        "target",
        make=_target,
        detail="/targets/{obj.pk}/",
        list="/targets/",
        export="/targets/?export=xlsx",
        api="/api/v1/targets/{obj.pk}",
        api_list="/api/v1/targets",
        sorts=("amount", "unit", "project", "status", "findings", "submitted", "deadline"),
    ),
    ObjectPage(
        "monitoring round",
        make=_round,
        detail="/monitoring/{obj.pk}/",
        list="/monitoring/",
        api="/api/v1/monitoring-rounds/{obj.pk}",
        api_list="/api/v1/monitoring-rounds",
        more=("/monitoring/{obj.pk}/?export=xlsx",),
        owner="performance",
        stranger="other_region",
        sorts=("end", "code", "deadline", "reports", "status"),
    ),
    ObjectPage(
        "monitoring report",
        make=_report,
        detail="/monitoring/reports/{obj.pk}/",
        list="/monitoring/reports/",
        api="/api/v1/monitoring-reports/{obj.pk}",
        api_list="/api/v1/monitoring-reports",
        sorts=("budget", "round", "project", "unit", "executed", "status", "alerts"),
    ),
    ObjectPage(
        "alert",
        make=_alert,
        detail="/alerts/{obj.pk}/",
        list="/alerts/",
        api="/api/v1/alerts/{obj.pk}",
        api_list="/api/v1/alerts",
        sorts=("due", "status", "code", "level", "project", "unit"),
    ),
    ObjectPage(
        "self-evaluation",
        make=_selfeval,
        detail="/evaluations/{obj.pk}/",
        list="/evaluations/",
        api="/api/v1/selfevals/{obj.pk}",
        api_list="/api/v1/selfevals",
        sorts=(
            "budget",
            "unit",
            "project",
            "self_total",
            "total",
            "reviewed_total",
            "grade",
            "status",
        ),
    ),
    ObjectPage(
        "whole-unit evaluation",
        make=_unit_evaluation,
        detail="/unit-evaluations/{obj.unit_id}/{obj.year}/",
        list="/unit-evaluations/",
        sorts=("total", "unit", "grade", "status"),
    ),
    ObjectPage(
        "policy document",
        make=_policy,
        detail="/policies/{obj.pk}/",
        list="/policies/",
        export="/policies/?export=xlsx",
        owner="performance",
        stranger="other_region",
        sorts=("issued", "number", "title", "issuer", "repealed"),
    ),
    # The bureau's dashboard lists the records behind each figure, each linking to its page.
    *(
        ObjectPage(
            f"{name} on the dashboard",
            make=make,
            detail=detail,
            list=f"/dashboard/records/{topic}/",
            export=f"/dashboard/records/{topic}/?format=xlsx",
            owner="performance",
            stranger="other_region",
        )
        for name, make, topic, detail in [
            ("target", _target, "targets", "/targets/{obj.pk}/"),
            ("monitoring report", _report, "monitored", "/monitoring/reports/{obj.pk}/"),
            ("alert", _alert, "alerts", "/alerts/{obj.pk}/"),
            ("self-evaluation", _selfeval, "selfevals", "/evaluations/{obj.pk}/"),
            (
                "whole-unit evaluation",
                _unit_evaluation,
                "unit-evaluations",
                "/unit-evaluations/{obj.unit_id}/{obj.year}/",
            ),
            ("policy document", _policy, "policies", "/policies/{obj.pk}/"),
        ]
    ),
    ObjectPage(
        "audit finding",
        make=_audit_finding,
        detail="/results/audit/{obj.pk}/",
        list="/results/audit/",
        owner="performance",
    ),
    ObjectPage(
        "rectification notice",
        make=_notice_rectification,
        detail="/results/notices/{obj.unit_id}/?year={obj.year}",
        list="/results/notices/",
    ),
    ObjectPage(
        "fund action",
        make=_fund_action,
        detail="/fund-actions/{obj.pk}/",
        list="/fund-actions/",
        export="/fund-actions/?export=xlsx",
        api="/api/v1/fund-actions/{obj.pk}",
        api_list="/api/v1/fund-actions",
        sorts=("amount", "date", "project", "unit", "kind", "source", "document", "receiving"),
    ),
    ObjectPage(
        "disclosure",
        make=_disclosure,
        detail="/disclosures/{obj.pk}/",
        list="/disclosures/",
        api="/api/v1/disclosures/{obj.pk}",
        api_list="/api/v1/disclosures",
        sorts=("due", "kind", "subject", "unit", "published", "status"),
    ),
    ObjectPage(
        "unit assessment",
        make=_unit_assessment,
        detail="/unit-assessments/{obj.pk}/",
        list="/unit-assessments/",
        export="/unit-assessments/?export=xlsx",
        api="/api/v1/unit-assessments/{obj.pk}",
        api_list="/api/v1/unit-assessments",
        more=("/unit-assessments/{obj.pk}/adjust/", "/unit-assessments/{obj.pk}/report.docx"),
        owner="performance",
        stranger="other_region",
    ),
    ObjectPage(
        "linkage proposal",
        make=_linkage_proposal,
        detail="/linkage/{obj.pk}/",
        list="/linkage/?year=2022",
        export="/linkage/?year=2022&export=xlsx",
        api="/api/v1/linkage-proposals/{obj.pk}",
        api_list="/api/v1/linkage-proposals?year=2022",
        sorts=("proposed", "unit", "project", "rule", "current", "decided", "status"),
    ),
    ObjectPage(
        "rectification",
        make=_rectification,
        detail="/rectifications/{obj.pk}/",
        list="/rectifications/?year=2022",
        export="/rectifications/export.xlsx?year=2022",
        api="/api/v1/rectifications/{obj.pk}",
        api_list="/api/v1/rectifications?year=2022",
        sorts=("due", "unit", "number", "project", "source", "issued", "plan_due", "closed"),
    ),
    ObjectPage(
        "result use",
        make=_result_use,
        detail="/evaluations/{obj.pk}/",
        list="/result-uses/?year=2022",
        export="/result-uses/?year=2022&export=xlsx",
    ),
]
