"""Demo audit findings (审计发现, DOMAIN.md §8.1).

Work year 2021 (complete): the district audit office's report on the 2020 budget execution
(东湖区审计局, dated in August 2021) found three problems in the management of project funds,
at the 教育体育局 (the `unit` persona's), the 城市管理和综合执法局 (`other`'s) and the 卫生健康委员会.
`perf` enters each one (`audit_findings.audit_finding_create`: the finding and its draft
rectification), issues it, and each unit receives it, writes its plan, reports its completion
with a scanned certificate, and `perf` verifies and closes it, all in 2021: through the
services (`results_rectifications.walk_rectification`), with each step's date put back
afterwards (the services stamp the build day), the deadlines computed from the day of receipt as
the service computes them.

The live year's audit finding (the `unit` persona's plan to write) is built by the
rectifications' demo, which runs before this one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from jixiao.budgets.models import Project
from jixiao.core.models import TransitionLog
from jixiao.results import deadlines
from jixiao.results.audit_findings import audit_finding_create
from jixiao.results.models import AuditFinding, Rectification
from jixiao.results.rectifications import rectification_rules, working_calendar

from . import district as d
from .key_registry import redate_attachments
from .results_rectifications import walk_rectification

YEAR = 2021
REPORT = "关于东湖区2020年度区级预算执行和其他财政收支情况的审计工作报告"
NUMBER = "东审报〔2021〕9号"
REPORT_DATE = dt.date(2021, 8, 16)
#: (unit code, problem, recommendation, amount in 万元 or None)
FINDINGS = [
    (
        d.PERSONA_UNIT,
        "部分项目资金未按合同约定进度拨付，年末形成结余资金，未及时清理上缴。",
        "严格按合同约定进度拨付项目资金，清理结余资金并按规定上缴或盘活。",
        Decimal("46.80"),
    ),
    (
        d.OTHER_UNIT,
        "项目实施中存在以拨代支、支出依据不充分的情况，部分支出未取得验收资料。",
        "完善项目支出审核和验收程序，补齐验收资料，杜绝以拨代支。",
        Decimal("23.15"),
    ),
    (
        "124",
        "专项资金管理台账不健全，项目资金与单位日常经费混合核算。",
        "建立专项资金管理台账，实行分账核算，确保专款专用。",
        None,
    ),
]
#: Days after the report: issued, received; the plan, the report and the closing by the
#: deadlines (30 and 90 days from receipt).
ISSUE_DAYS, RECEIVE_DAYS, PLAN_DAYS, REPORT_DAYS, CLOSE_DAYS = 12, 14, 35, 80, 92
STEP_DAYS = {
    "issue": ISSUE_DAYS,
    "receive": RECEIVE_DAYS,
    "submit_plan": PLAN_DAYS - 2,
    "confirm_plan": PLAN_DAYS,
    "submit_report": REPORT_DAYS - 2,
    "confirm_report": REPORT_DAYS,
    "verify": CLOSE_DAYS,
}


def build_audit(demo) -> list[Rectification]:
    """The 2021 audit findings and their rectifications, closed (see the module's text)."""
    perf = demo.users["perf"]
    rows = []
    for code, problem, recommendation, amount in FINDINGS:
        unit = demo.units[code]
        project = (
            Project.objects.filter(region=demo.region, year=YEAR, unit=unit)
            .order_by("-full_current", "code")
            .first()
        )
        finding = audit_finding_create(
            actor=perf,
            region=demo.region,
            year=YEAR,
            unit=unit,
            project=project,
            report_title=REPORT,
            report_number=NUMBER,
            report_date=REPORT_DATE,
            problem=problem,
            recommendation=recommendation,
            amount=amount,
        )
        row = _closed(demo, finding.rectifications.get())
        rows.append(row)
    return rows


def _closed(demo, row: Rectification) -> Rectification:
    """Walk one rectification to closed through the services (as the rectifications' demo
    walks its own), then date its steps in 2021."""
    row = walk_rectification(demo, row)
    _redate(row)
    row.refresh_from_db()
    return row


def _redate(row: Rectification) -> None:
    """Each step at its 2021 day, and the deadlines from the day of receipt."""
    day = lambda n: REPORT_DATE + dt.timedelta(days=n)  # noqa: E731
    received = day(RECEIVE_DAYS)
    rules, calendar = rectification_rules(row), working_calendar(row.region, row.year)
    Rectification.objects.filter(pk=row.pk).update(
        issued_on=day(ISSUE_DAYS),
        received_on=received,
        plan_due=deadlines.plan_due(received, rules, calendar),
        due=deadlines.completion_due(received, rules, calendar),
        planned_on=day(PLAN_DAYS),
        reported_on=day(REPORT_DAYS),
        closed_on=day(CLOSE_DAYS),
    )
    AuditFinding.objects.filter(pk=row.audit_finding_id).update(
        created_at=dt.datetime.combine(day(ISSUE_DAYS - 2), dt.time(9), tzinfo=dt.UTC)
    )
    kind = ContentType.objects.get_for_model(Rectification)
    for log in TransitionLog.objects.filter(content_type=kind, object_id=row.pk):
        log.created_at = dt.datetime.combine(
            day(STEP_DAYS.get(log.transition, CLOSE_DAYS)), dt.time(10), tzinfo=dt.UTC
        )
        log.save(update_fields=["created_at"])
    redate_attachments(row, dt.datetime.combine(day(REPORT_DAYS - 3), dt.time(9), tzinfo=dt.UTC))
