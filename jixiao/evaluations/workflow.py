"""Review of self-evaluations and whole-unit evaluations (DOMAIN.md §6.1): the unit fills and
submits, the business office reviews (and may adjust scores with a reason), the budget office
confirms; returns need a reason. Evaluations of year Y are done in Y+1, so the year that locks
them is Y+1."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.locks import year_lock
from jixiao.orgs.review import unit_review_workflow

from .models import EvaluationStatus, SelfEvaluation, UnitEvaluation


def _scored(document, user) -> str | None:
    problems = [p for p in (document.result or {}).get("errors", [])]
    if document.total is None or problems:
        return _("还有不能计算得分的指标（见评分明细），请补充后再提交。")
    return None


def _deviations_explained(document, user) -> str | None:
    missing = [
        i.name
        for i in document.indicators.all()
        if i.score is not None and i.weight and i.score < i.weight and not i.deviation.strip()
    ]
    if missing:
        return _("未完成目标的指标须填写偏差原因和改进措施：%(n)s") % {"n": "、".join(missing[:5])}
    return None


def _review_workflow(document, checks, state_refusal):
    return unit_review_workflow(
        document=document,
        status=EvaluationStatus,
        final=("confirm", gettext_lazy("确认"), EvaluationStatus.CONFIRMED),
        lock=year_lock(1),  # year Y is evaluated, and locked, in Y + 1
        pass_label=gettext_lazy("审核通过"),
        checks=checks,
        edit_refusal=gettext_lazy("只有本单位的填报人员可以填写自评。"),
        state_refusal=state_refusal,
    )


SELFEVAL_WORKFLOW = _review_workflow(
    SelfEvaluation,
    (_scored, _deviations_explained),
    gettext_lazy("自评处于“%(s)s”状态，不能修改。"),
)
UNIT_EVALUATION_WORKFLOW = _review_workflow(
    UnitEvaluation, (_scored,), gettext_lazy("评价处于“%(s)s”状态，不能修改。")
)

API_ACTIONS = {
    "submit": ("submit",),
    "approve": ("pass", "confirm"),
    "return": ("return_first", "return_final"),
}

# The key-evaluation and ex-ante workflows register with their documents when imported.
from .key import workflow as key_workflow  # noqa: E402, F401
