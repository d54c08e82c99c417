"""API (CONTRACT.md, HTTP API, `linkage-proposals`): /api/v1/linkage-proposals.

GET lists the proposals in the caller's scope (a unit its own; filters `region`, `year` (the
budget year), `unit` (code), `status` (proposed, accepted, overridden), `rule` (grow, keep, cut,
cancel)) and one at `/{id}`. `POST /{id}/decide` with `{"accept": bool, "amount": "…",
"cancel": bool, "reason": "…"}` records the budget office's decision
(`linkage_service.proposal_decide`): others get 403, a proposal out of scope 404, an override
or a cancel without a reason 422. Amounts are decimal strings in 万元.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from jixiao.core.api import ListQuery, answers, paginate, sorted_by
from jixiao.core.schemas import CodeName, Page
from jixiao.orgs.selectors import rows_for_list_query

from . import linkage_selectors as selectors
from . import linkage_service as services
from .models import LinkageProposal

router = Router()


class ProjectRef(Schema):
    id: int
    code: str
    name: str
    year: int


_money = selectors.money_text


class ProposalOut(Schema):
    id: int
    year: int = Field(description="预算年度")
    project: ProjectRef = Field(description="上一年度的项目")
    unit: CodeName
    grade: str = Field(description="起作用的评价等级（优、良、中、差），无等级为空")
    grade_source: str = Field(description="key_evaluation、spot_check、reviewed 或 rules")
    rule: str = Field(description="grow、keep、cut 或 cancel")
    current_amount: str = Field(description="本年预算（万元）")
    proposed_amount: str = Field(description="建议安排（万元）")
    decided_amount: str | None = Field(description="决定安排（万元），未决定为 null")
    difference: str | None = Field(description="决定减建议（万元），未决定为 null")
    reason: str
    explanation: list[str] = Field(description="计算过程")
    open_rectifications: int
    execution_rate: str | None = Field(description="预算执行率（小数，四位）")
    key_conclusion: str
    status: str = Field(description="proposed、accepted 或 overridden")
    cancelled: bool
    decision_reason: str
    decided_at: str | None
    url: str


ProposalList = Page[ProposalOut]


class DecisionIn(Schema):
    accept: bool = False
    amount: Any = None
    cancel: bool = False
    reason: str = ""


def serialize(p: LinkageProposal) -> dict:
    return {
        "id": p.pk,
        "year": p.year,
        "project": {
            "id": p.project_id,
            "code": p.project.code,
            "name": p.project.name,
            "year": p.project.year,
        },
        "unit": {"code": p.unit.code, "name": p.unit.name},
        "grade": p.grade,
        "grade_source": p.grade_source,
        "rule": p.rule,
        "current_amount": _money(p.current_amount),
        "proposed_amount": _money(p.proposed_amount),
        "decided_amount": _money(p.decided_amount),
        "difference": _money(p.difference),
        "reason": p.reason,
        "explanation": [step.get("text", "") for step in p.explanation],
        "open_rectifications": p.open_rectifications,
        "execution_rate": None if p.execution_rate is None else f"{p.execution_rate:.4f}",
        "key_conclusion": p.key_conclusion,
        "status": p.status,
        "cancelled": p.cancelled,
        "decision_reason": p.decision_reason,
        "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        "url": f"/linkage/{p.pk}/",
    }


@router.get("", response=answers(ProposalList), summary="预算挂钩建议列表")
@sorted_by(selectors.LINKAGE_SORTS)
def list_proposals(request, query: Query[ListQuery], status: str = "", rule: str = ""):
    rows = rows_for_list_query(
        selectors.proposal_list,
        user=request.user,
        query=query,
        status=status,
        rule=rule,
    )
    return paginate(request, rows, page=query.page, page_size=query.page_size, serialize=serialize)


@router.get("/{int:proposal_id}", response=answers(ProposalOut, 404), summary="预算挂钩建议")
def get_proposal(request, proposal_id: int):
    return serialize(selectors.proposal_get(user=request.user, pk=proposal_id))


@router.post(
    "/{int:proposal_id}/decide",
    response=answers(ProposalOut, 400, 404),
    summary="预算股决定：采纳建议，或调整金额、取消项目（须说明理由）",
)
def decide_proposal(request, proposal_id: int, body: DecisionIn):
    proposal = selectors.proposal_get(user=request.user, pk=proposal_id)
    amount = body.amount
    if amount is not None:
        if isinstance(amount, float):
            raise ValidationError(_('金额应以字符串给出，如 "85.50"。'))
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            raise ValidationError(_("决定安排金额“%(v)s”不是数。") % {"v": amount}) from None
    services.proposal_decide(
        actor=request.user,
        proposal=proposal,
        accept=body.accept,
        amount=amount,
        cancel=body.cancel,
        reason=body.reason,
    )
    return serialize(selectors.proposal_get(user=request.user, pk=proposal_id))
