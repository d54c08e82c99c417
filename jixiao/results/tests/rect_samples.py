"""Rectifications for the tests: a red alert of U1's project (issued by BIZ1, U1's business
office) or an audit finding of U1 (issued by the performance office), and the walk through the
flow by the personas."""

from __future__ import annotations

from datetime import date

from jixiao.core.attachments import attachment_add
from jixiao.monitoring.models import Alert
from jixiao.results.models import AuditFinding
from jixiao.results.rectifications import (
    rectification_create,
    rectification_transition,
    rectification_update,
)

PDF = b"%PDF-1.4\n% evidence\n"


def red_alert(world, project="P1", code="M02"):
    p = world.projects[project]
    return Alert.objects.create(
        region=p.region,
        year=2022,
        unit=p.unit,
        project=p,
        code=code,
        level="red",
        message="执行进度低于节点要求",
        due_date=date(2022, 7, 15),
        status=Alert.Status.SUSPENDED,
    )


def audit_finding(world, unit="U1"):
    return AuditFinding.objects.create(
        region=world.region,
        year=2022,
        unit=world.units[unit],
        report_title="2021年度预算执行审计报告",
        report_date=date(2022, 5, 10),
        problem="项目资金未按合同支付",
        entered_by=world.performance,
    )


def alert_rectification(world, project="P1", **extra):
    alert = red_alert(world, project)
    return rectification_create(
        actor=world.business if project != "P2" else None,
        source="alert",
        unit=alert.unit,
        project=alert.project,
        problem="监控发现执行进度严重滞后",
        required_action="查明原因，加快执行",
        result_date=date(2022, 7, 15),
        alert=alert,
        **extra,
    )


def walk(world, row, until: str):
    """Move `row` (issued by BIZ1, unit U1) from where it is through the flow up to the step
    `until`."""
    steps = [
        ("draft", "issue", world.business),
        ("issued", "receive", world.filer),
        ("received", "submit_plan", world.filer),
        ("plan_ready", "confirm_plan", world.leader),
        ("in_progress", "submit_report", world.filer),
        ("report_ready", "confirm_report", world.leader),
        ("reported", "verify", world.business),
    ]
    for source, name, actor in steps:
        if row.status != source:
            continue
        if name == "submit_plan":
            row = rectification_update(actor=world.filer, rectification=row, plan="一、整改措施")
        if name == "submit_report":
            row = rectification_update(actor=world.filer, rectification=row, report="已整改完毕")
            attachment_add(obj=row, name="证明.pdf", data=PDF, actor=world.filer, can_change=True)
        attest = name in ("confirm_plan", "confirm_report")
        row = rectification_transition(actor=actor, rectification=row, name=name, attest=attest)
        if name == until:
            return row
    return row
