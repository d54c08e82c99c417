"""Audit findings (审计发现, DOMAIN.md §8.1): a problem an audit report found, entered by the
performance office, and the draft rectification (source "audit") it becomes.

`audit_finding_create` is the one write: the office's entry form and the xlsx import
(`audit_import.py`) both go through it, so a finding never exists without its rectification.
The auditor reads findings and never writes them (DOMAIN.md §3).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.orgs.models import Role, Unit, UnitYear

from . import rectifications
from .models import AuditFinding, Rectification, RectificationSource

#: The longest texts the model's columns keep (PostgreSQL refuses longer; SQLite would not).
TITLE_MAX = AuditFinding._meta.get_field("report_title").max_length
NUMBER_MAX = AuditFinding._meta.get_field("report_number").max_length


def entry_refusal(user) -> str | None:
    """Why `user` may not enter audit findings (only the performance office does), or None."""
    if not user.has_role(Role.PERFORMANCE):
        return _("只有绩效办可以录入审计发现；审计监督人员只能查阅。")
    return None


def audit_finding_errors(
    *,
    region,
    year: int,
    unit,
    project,
    report_title: str,
    report_number: str,
    report_date: dt.date | None,
    problem: str,
    recommendation: str,
    amount: Decimal | None,
    required_action: str = "",
    today: dt.date | None = None,
) -> dict[str, list[str]]:
    """Every problem of a finding's values, by field (empty: none). Shared by the form and the
    import, which locates each message at its row and column."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if unit is None:
        add("unit", _("请选择预算单位"))
    elif unit.region_id != region.pk:
        add("unit", _("单位“%(u)s”不属于%(r)s") % {"u": unit.name, "r": region.name})
    elif not UnitYear.objects.filter(unit=unit, year=year).exists():
        add("unit", _("单位“%(u)s”在 %(y)s 年度不存在") % {"u": unit.name, "y": year})
    if project is not None and unit is not None and project.unit_id != unit.pk:
        add(
            "project",
            _("项目“%(p)s”不是单位“%(u)s”的项目") % {"p": project.code, "u": unit.name},
        )
    if not (report_title or "").strip():
        add("report_title", _("请填写审计报告名称"))
    elif len(report_title) > TITLE_MAX:
        add("report_title", _("审计报告名称最多 %(n)s 个字") % {"n": TITLE_MAX})
    if len(report_number or "") > NUMBER_MAX:
        add("report_number", _("文号最多 %(n)s 个字") % {"n": NUMBER_MAX})
    if report_date is None:
        add("report_date", _("请填写报告日期"))
    elif report_date > today:
        add(
            "report_date",
            _("报告日期 %(d)s 晚于今天（%(t)s），审计报告不能来自未来")
            % {"d": report_date.isoformat(), "t": today.isoformat()},
        )
    if not (problem or "").strip():
        add("problem", _("请填写审计发现的问题"))
    if not (recommendation or "").strip() and not (required_action or "").strip():
        add("recommendation", _("请填写审计建议（整改要求据此提出）"))
    if amount is not None:
        if not isinstance(amount, Decimal):
            add("amount", _("涉及金额应为数字"))
        elif amount < 0:
            add("amount", _("涉及金额不能为负数：%(v)s") % {"v": amount})
        elif amount.as_tuple().exponent < -6 or amount >= Decimal("1e12"):
            add("amount", _("涉及金额最多 6 位小数，且小于 10¹² 万元"))
    return errors


@transaction.atomic
def audit_finding_create(
    *,
    actor,
    region,
    year: int,
    unit: Unit,
    project=None,
    report_title: str,
    report_number: str = "",
    report_date: dt.date,
    problem: str,
    recommendation: str = "",
    amount: Decimal | None = None,
    required_action: str = "",
) -> AuditFinding:
    """A finding and its draft rectification (source 审计发现), in one transaction. The
    rectification's required action is `required_action` when given, else the audit's
    recommendation; the issuer is the performance office, the result date the report's date.
    Refused (PermissionDenied) for anyone but the performance office; invalid values raise a
    ValidationError by field and write nothing."""
    refusal = entry_refusal(actor)
    if refusal:
        raise PermissionDenied(refusal)
    if (
        unit is not None
        and not Unit.objects.visible_to(actor).filter(pk=unit.pk).exists()
        or (actor.region_id and region.pk != actor.region_id)
    ):
        raise PermissionDenied(_("您不能为本区划以外的单位录入审计发现。"))
    fields = {
        "region": region,
        "year": year,
        "unit": unit,
        "project": project,
        "report_date": report_date,
        "amount": amount,
        "report_title": (report_title or "").strip(),
        "report_number": (report_number or "").strip(),
        "problem": (problem or "").strip(),
        "recommendation": (recommendation or "").strip(),
    }
    errors = audit_finding_errors(required_action=required_action, **fields)
    if errors:
        raise ValidationError(errors)
    finding = AuditFinding.objects.create(entered_by=actor, **fields)
    rectifications.rectification_create(
        actor=actor,
        source=RectificationSource.AUDIT,
        unit=unit,
        project=project,
        problem=fields["problem"],
        required_action=(required_action or "").strip() or fields["recommendation"],
        result_date=report_date,
        issuer=actor.office,
        audit_finding=finding,
    )
    return finding


def finding_rectification(finding: AuditFinding) -> Rectification | None:
    """The rectification a finding became (one per finding)."""
    return finding.rectifications.order_by("pk").first()
