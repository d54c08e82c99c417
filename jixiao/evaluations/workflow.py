"""Review of self-evaluations and whole-unit evaluations (DOMAIN.md §6.1): the unit fills and
submits, the business office reviews (and may adjust scores with a reason), the budget office
confirms; returns need a reason. Evaluations of year Y are done in Y+1, so the year that locks
them is Y+1."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.workflow import Transition, Workflow
from jixiao.targets.workflow import BUDGET, BUSINESS, FILER, LEADER, office_of_unit, own_unit

from .models import EDITABLE, Status


def _work_year_lock(document) -> str | None:
    from jixiao.budgets.selectors import year_is_open

    work_year = document.year + 1
    if not year_is_open(region=document.region, year=work_year):
        return _("%(y)s 年度已关闭，评价已锁定。") % {"y": work_year}
    return None


def _scored(document, user) -> str | None:
    problems = [p for p in (document.result or {}).get("errors", [])]
    if document.total is None or problems:
        return _("还有不能计算得分的指标（见评分明细），请补充后再提交。")
    return None


def _deviations_explained(document, user) -> str | None:
    if not hasattr(document, "indicators"):
        return None
    missing = [
        i.name
        for i in document.indicators.all()
        if i.score is not None and i.weight and i.score < i.weight and not i.deviation.strip()
    ]
    if missing:
        return _("未完成目标的指标须填写偏差原因和改进措施：%(n)s") % {"n": "、".join(missing[:5])}
    return None


def _review_workflow(checks) -> Workflow:
    return Workflow(
        states=dict(Status.choices),
        transitions=[
            Transition(
                "complete",
                gettext_lazy("填报完成"),
                frozenset(EDITABLE),
                Status.READY,
                FILER,
                (own_unit, *checks),
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
                (own_unit, *checks),
                style="primary",
            ),
            Transition(
                "pass",
                gettext_lazy("审核通过"),
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
                "confirm",
                gettext_lazy("确认"),
                frozenset({Status.FIRST_PASSED}),
                Status.CONFIRMED,
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
        lock=_work_year_lock,
    )


SELFEVAL_WORKFLOW = _review_workflow((_scored, _deviations_explained))
UNIT_EVALUATION_WORKFLOW = _review_workflow((_scored,))

API_ACTIONS = {
    "submit": ("submit",),
    "approve": ("pass", "confirm"),
    "return": ("return_first", "return_final"),
}
