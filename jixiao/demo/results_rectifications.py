"""Demo rectifications (整改, DOMAIN.md §8.1).

Work year 2021 (complete): the offices send the year's results to rectification.
- Eight of the 2021 red alerts, disposed in August, are sent by the business office reviewing
  the disposals (`rect_sources.alert_to_rectification`), the `unit` persona's M02 among them.
- `rect_sources.sources_find` makes the drafts of the other sources: the six 2020
  self-evaluations graded 差 (confirmed in May 2021) and the findings of the seven key
  evaluations archived in July and August 2021. (No 2020 whole-unit evaluation was graded 中 or
  差, so none is a source.)
Each one is issued by its office between 5 and 18 days after its result (two of them after
the 20 days of the feedback rule), received a few days later, and then, drawn from `demo.rng`:
most are closed on time, some late (the report after the due day), and a few are still open on
31 December, past a deadline (overdue as of the year end, escalated the day after it).
Everything goes through the services (issue, receive, plan, confirm, report with an evidence
file, confirm, verify) by the personas and the units' plain accounts; each step's date is put
back afterwards (the services stamp the build day), the deadlines computed from the day of
receipt as the service computes them.

Work year 2022 (live, dates relative to the build day):
- the district audit office's report on the `unit` persona's 2021 funds (entered by `perf`,
  `audit_findings.audit_finding_create`) is issued and received three days ago: `unit` has its
  plan to write (due in 27 days or so);
- the 2021 self-evaluation graded 差 of the persona unit's school (113001, a unit of `office`'s
  社会事业股) was sent to rectification, planned and reported: `office` has it to verify;
- the other sources of 2022, if any, stay drafts for their offices to issue.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from jixiao.core.attachments import attachment_add
from jixiao.core.models import TransitionLog
from jixiao.monitoring.models import Alert
from jixiao.results import deadlines
from jixiao.results.audit_findings import audit_finding_create
from jixiao.results.models import Rectification, RectificationSource
from jixiao.results.rect_sources import alert_to_rectification, sources_find
from jixiao.results.rectifications import (
    rectification_rules,
    rectification_transition,
    rectification_update,
    working_calendar,
)
from jixiao.results.workflow import ISSUER_KIND

from . import district as d
from .key_evaluations import pdf_bytes
from .key_registry import redate_attachments
from .targets import _reviewer, _unit_staff

YEAR = 2021
YEAR_END = dt.date(YEAR, 12, 31)
ALERTS_SENT = 8
PLAN = "一、成立整改工作专班，明确责任领导和具体责任人。\n二、对照问题逐项制定措施和完成时限。\n三、建立长效机制，防止问题反弹。"
REPORT = "已按整改方案完成整改：问题已逐项整改到位，相关制度已修订印发，佐证材料附后。"


def build_rectifications(demo) -> None:
    rng = random.Random(demo.rng.random())
    rows = _sources_2021(demo)
    outcomes = _outcomes(rng, len(rows))
    for row, outcome in zip(rows, outcomes, strict=True):
        _walk_2021(demo, rng, row, outcome)
    _live_year(demo)


# ── 2021 ────────────────────────────────────────────────────────────────────────────────


def _sources_2021(demo) -> list[Rectification]:
    alerts = list(
        Alert.objects.filter(
            region=demo.region, year=YEAR, level="red", status=Alert.Status.DISPOSED
        ).order_by("unit__code", "project__code", "code")
    )
    rng = random.Random(2021_08)
    persona = [a for a in alerts if a.unit.code == d.PERSONA_UNIT and a.code == "M02"][:1]
    others = [a for a in alerts if a not in persona]
    chosen = persona + rng.sample(others, min(ALERTS_SENT - len(persona), len(others)))
    rows = []
    for alert in chosen:
        office = _reviewer(demo, alert.unit, YEAR)
        rows.append(
            alert_to_rectification(
                office,
                alert,
                problem=f"{alert.code}：{alert.message}（处置理由不充分，偏差原因未整改到位）",
                required_action="查明执行偏差原因，调整实施计划，加快项目实施和资金支付进度。",
            )
        )
    rows += sources_find(region=demo.region, year=YEAR, actor=None, today=YEAR_END)
    return sorted(rows, key=lambda r: (r.result_date, r.pk))


def _outcomes(rng: random.Random, n: int) -> list[str]:
    """Most on time, some late, a few open and overdue at the year end; two late feedbacks."""
    outcomes = ["late"] * max(1, n // 7) + ["open"] * max(1, n // 9)
    outcomes += ["on_time"] * (n - len(outcomes))
    rng.shuffle(outcomes)
    return outcomes


def _issuer_user(demo, row: Rectification):
    if ISSUER_KIND[row.source] == "performance":
        return demo.users["perf"]
    return _reviewer(demo, row.unit, row.year)


def _walk_2021(demo, rng: random.Random, row: Rectification, outcome: str) -> None:
    issued = row.result_date + dt.timedelta(days=rng.randint(5, 18))
    if row.source == RectificationSource.KEY_EVALUATION and row.pk % 13 == 0:
        issued = row.result_date + dt.timedelta(days=rng.randint(22, 26))  # feedback late
    received = issued + dt.timedelta(days=rng.randint(0, 3))
    rules, calendar = rectification_rules(row), working_calendar(row.region, row.year)
    plan_due = deadlines.plan_due(received, rules, calendar)
    due = deadlines.completion_due(received, rules, calendar)
    if outcome == "open" and due >= YEAR_END:
        outcome = "on_time"  # not yet due on 31 December: it would not show as overdue
    days: dict[str, dt.date] = {"issue": issued, "receive": received}
    planned = received + dt.timedelta(days=rng.randint(8, 26))
    if outcome == "on_time":
        reported = due - dt.timedelta(days=rng.randint(6, 25))
        closed = reported + dt.timedelta(days=rng.randint(1, 5))
    else:
        reported = due + dt.timedelta(days=rng.randint(3, 25))
        closed = reported + dt.timedelta(days=rng.randint(2, 6))
    days |= {"submit_plan": planned - dt.timedelta(days=2), "confirm_plan": planned}
    last = "verify"
    if outcome == "open":
        last = "receive" if rng.random() < 0.4 else "confirm_plan"
    else:
        days |= {
            "submit_report": reported - dt.timedelta(days=2),
            "confirm_report": reported,
            "verify": closed,
        }
    row = walk_rectification(demo, row, last)
    fields = {
        "issued_on": issued,
        "received_on": received,
        "plan_due": plan_due,
        "due": due,
        "planned_on": days.get("confirm_plan") if last != "receive" else None,
        "reported_on": days.get("confirm_report"),
        "closed_on": days.get("verify"),
    }
    if outcome == "open":
        first_late = (plan_due if last == "receive" else due) + dt.timedelta(days=1)
        fields["escalated_on"] = first_late
    Rectification.objects.filter(pk=row.pk).update(**fields)
    _redate(row, days)


def walk_rectification(demo, row: Rectification, last: str = "verify") -> Rectification:
    """Walk `row` from its draft through the services up to the step `last` (default: closed),
    by its issuing office's staff and its unit's filer and leader, the plan, the report and an
    evidence file written on the way. The steps are stamped the build day: the caller dates
    them (`_redate`). Other demo parts with rectifications to walk (audit findings) can share
    it."""
    issuer = _issuer_user(demo, row)
    filer, leader = _unit_staff(demo, row.unit)
    row = rectification_transition(actor=issuer, rectification=row, name="issue")
    row = rectification_transition(actor=filer, rectification=row, name="receive")
    if last == "receive":
        return row
    row = rectification_update(actor=filer, rectification=row, plan=PLAN)
    row = rectification_transition(actor=filer, rectification=row, name="submit_plan")
    row = rectification_transition(
        actor=leader, rectification=row, name="confirm_plan", attest=True
    )
    if last == "confirm_plan":
        return row
    row = rectification_update(actor=filer, rectification=row, report=REPORT)
    attachment_add(
        obj=row,
        name="整改佐证材料.pdf",
        data=pdf_bytes("整改佐证材料"),
        actor=filer,
        can_change=True,
    )
    row = rectification_transition(actor=filer, rectification=row, name="submit_report")
    row = rectification_transition(
        actor=leader, rectification=row, name="confirm_report", attest=True
    )
    if last == "confirm_report":
        return row
    return rectification_transition(
        actor=issuer, rectification=row, name="verify", comment="经核验，整改到位，同意销号。"
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _redate(row: Rectification, days: dict[str, dt.date]) -> None:
    """Each logged step and the evidence file at the step's day."""
    kind = ContentType.objects.get_for_model(Rectification)
    for log in TransitionLog.objects.filter(content_type=kind, object_id=row.pk):
        if log.transition in days:
            log.created_at = _at(days[log.transition])
            log.save(update_fields=["created_at"])
    if "submit_report" in days:
        redate_attachments(row, _at(days["submit_report"], 9))


# ── 2022 (live) ─────────────────────────────────────────────────────────────────────────


def _live_year(demo) -> None:
    today = timezone.localdate()
    _live_audit_item(demo, today)
    drafts = sources_find(region=demo.region, year=d.LIVE_YEAR, actor=None, today=today)
    school = next((r for r in drafts if r.unit.code == f"{d.PERSONA_UNIT}001"), None)
    if school is not None:
        _live_reported(demo, school, today)


def _live_audit_item(demo, today: dt.date) -> None:
    """`unit` has received, three days ago, a rectification whose plan is to write."""
    unit = demo.units[d.PERSONA_UNIT]
    finding = audit_finding_create(
        actor=demo.users["perf"],
        region=demo.region,
        year=d.LIVE_YEAR,
        unit=unit,
        report_title="关于东湖区教育体育局2021年度部门预算执行情况的专项审计调查报告",
        report_number="东审调〔2022〕3号",
        report_date=today - dt.timedelta(days=12),
        problem="部分政府采购项目未按合同约定验收即支付尾款，验收资料不完整。",
        recommendation="完善政府采购项目验收程序，补齐验收资料，严格按合同约定支付。",
        required_action="补齐验收资料，完善验收和支付审核程序，报送整改方案和整改情况。",
    )
    row = finding.rectifications.get()
    filer, _leader = _unit_staff(demo, unit)
    row = rectification_transition(actor=demo.users["perf"], rectification=row, name="issue")
    row = rectification_transition(actor=filer, rectification=row, name="receive")
    received = today - dt.timedelta(days=3)
    rules, calendar = rectification_rules(row), working_calendar(row.region, row.year)
    Rectification.objects.filter(pk=row.pk).update(
        issued_on=today - dt.timedelta(days=5),
        received_on=received,
        plan_due=deadlines.plan_due(received, rules, calendar),
        due=deadlines.completion_due(received, rules, calendar),
    )
    _redate(row, {"issue": today - dt.timedelta(days=5), "receive": received})


def _live_reported(demo, row: Rectification, today: dt.date) -> None:
    """`office` has a completion report to verify: issued some seven weeks ago."""
    row = walk_rectification(demo, row, "confirm_report")
    issued = today - dt.timedelta(days=50)
    received = issued + dt.timedelta(days=1)
    rules, calendar = rectification_rules(row), working_calendar(row.region, row.year)
    days = {
        "issue": issued,
        "receive": received,
        "submit_plan": received + dt.timedelta(days=12),
        "confirm_plan": received + dt.timedelta(days=14),
        "submit_report": today - dt.timedelta(days=4),
        "confirm_report": today - dt.timedelta(days=2),
    }
    Rectification.objects.filter(pk=row.pk).update(
        issued_on=issued,
        received_on=received,
        plan_due=deadlines.plan_due(received, rules, calendar),
        due=deadlines.completion_due(received, rules, calendar),
        planned_on=days["confirm_plan"],
        reported_on=days["confirm_report"],
    )
    _redate(row, days)
