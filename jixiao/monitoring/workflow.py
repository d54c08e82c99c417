"""The review workflow of monitoring reports: the same path as targets (DOMAIN.md §5: "the same
review workflow as targets (unit → business office → budget office, with returns)")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.workflow import Transition, Workflow
from jixiao.targets.workflow import BUDGET, BUSINESS, FILER, LEADER, office_of_unit, own_unit


class Status(models.TextChoices):
    DRAFT = "draft", gettext_lazy("草稿")
    READY = "ready", gettext_lazy("待单位审核")
    SUBMITTED = "submitted", gettext_lazy("业务股室初审中")
    FIRST_PASSED = "first_passed", gettext_lazy("预算股终审中")
    APPROVED = "approved", gettext_lazy("已审核")
    RETURNED = "returned", gettext_lazy("已退回")


EDITABLE = (Status.DRAFT, Status.RETURNED)
COUNTED = (Status.SUBMITTED, Status.FIRST_PASSED, Status.APPROVED)


def _round_open(report, user) -> str | None:
    return None if report.round.status == "open" else _("监控批次已结束。")


def _indicators_reported(report, user) -> str | None:
    missing = [r.name for r in report.indicators.all() if not (r.progress or "").strip()]
    if report.executed is None:
        return _("请填写截至监控期的执行数。")
    if missing:
        return _("以下指标还没有填写完成值：%(n)s") % {"n": "、".join(missing[:5])}
    return None


REPORT_WORKFLOW = Workflow(
    states=dict(Status.choices),
    transitions=[
        Transition(
            "complete",
            gettext_lazy("填报完成"),
            frozenset(EDITABLE),
            Status.READY,
            FILER,
            (own_unit, _round_open, _indicators_reported),
            style="primary",
        ),
        Transition(
            "reopen",
            gettext_lazy("退回填报人"),
            frozenset({Status.READY}),
            Status.DRAFT,
            LEADER | FILER,
            (own_unit,),
        ),
        Transition(
            "submit",
            gettext_lazy("确认并提交"),
            frozenset({Status.READY}),
            Status.SUBMITTED,
            LEADER,
            (own_unit, _round_open, _indicators_reported),
            style="primary",
        ),
        Transition(
            "withdraw",
            gettext_lazy("撤回"),
            frozenset({Status.SUBMITTED}),
            Status.DRAFT,
            LEADER,
            (own_unit,),
        ),
        Transition(
            "pass",
            gettext_lazy("初审通过"),
            frozenset({Status.SUBMITTED}),
            Status.FIRST_PASSED,
            BUSINESS,
            (office_of_unit,),
            style="primary",
        ),
        Transition(
            "return_first",
            gettext_lazy("退回"),
            frozenset({Status.SUBMITTED}),
            Status.RETURNED,
            BUSINESS,
            (office_of_unit,),
            needs_comment=True,
            style="danger",
        ),
        Transition(
            "approve",
            gettext_lazy("终审通过"),
            frozenset({Status.FIRST_PASSED}),
            Status.APPROVED,
            BUDGET,
            (),
            style="primary",
        ),
        Transition(
            "return_final",
            gettext_lazy("退回"),
            frozenset({Status.FIRST_PASSED}),
            Status.RETURNED,
            BUDGET,
            (),
            needs_comment=True,
            style="danger",
        ),
    ],
)


def _year_lock(report) -> str | None:
    from jixiao.budgets.selectors import year_is_open

    if not year_is_open(region=report.region, year=report.year):
        return _("%(y)s 年度已关闭，文档已锁定。") % {"y": report.year}
    return None


REPORT_WORKFLOW.lock = _year_lock

API_ACTIONS = {
    "submit": ("submit",),
    "approve": ("pass", "approve"),
    "return": ("return_first", "return_final"),
}
