"""API: /api/v1/selfevals (CONTRACT.md) with submit, return and approve, in the shape of
schemas/selfeval plus the scores: the unit's, the rules', the reviewer's."""

from __future__ import annotations

from ninja import Query, Router

from jixiao.core.api import ListQuery, add_workflow_routes, answers, paginate
from jixiao.core.rule_messages import texts_only
from jixiao.orgs.selectors import rows_for_region_code

from . import selectors, services
from .schemas import SelfEvalDetailOut, SelfEvalList
from .workflow import API_ACTIONS, SELFEVAL_WORKFLOW

router = Router()


def _money(value) -> str | None:
    return None if value is None else str(value)


def serialize(selfeval, *, detail: bool = False) -> dict:
    data = {
        "id": selfeval.id,
        "status": selfeval.status,
        "year": selfeval.year,
        "region": selfeval.region.code,
        "unit": {"code": selfeval.unit.code, "name": selfeval.unit.name},
        "project": {"code": selfeval.project.code, "name": selfeval.project.name},
        "total": _money(selfeval.total),
        "grade": selfeval.grade or None,
        "self_total": _money(selfeval.self_total),
        "reviewed_total": _money(selfeval.reviewed_total),
        "reviewed_grade": selfeval.reviewed_grade or None,
        "spot_check_total": _money(selfeval.spot_check_total),
        "rulebook": selfeval.rulebook,
    }
    if detail:
        data["table"] = services.selfeval_data(selfeval)
        data["score"] = texts_only(selfeval.result)
        data["reviews"] = [
            {
                "indicator": i.position,
                "name": i.name,
                "reviewed_score": _money(i.reviewed_score),
                "reason": i.review_reason,
            }
            for i in selfeval.indicators.all()
            if i.reviewed_score is not None
        ]
    return data


@router.get("", response=answers(SelfEvalList), summary="项目自评列表")
def list_selfevals(request, query: Query[ListQuery], status: str = "", grade: str = ""):
    rows = rows_for_region_code(
        selectors.selfeval_list,
        user=request.user,
        region=query.region,
        year=query.year,
        status=status,
        grade=grade,
    )
    if query.unit:
        rows = rows.filter(unit__code=query.unit)
    return paginate(request, rows, page=query.page, page_size=query.page_size, serialize=serialize)


@router.get(
    "/{int:selfeval_id}",
    response=answers(SelfEvalDetailOut, 404),
    exclude_unset=True,  # the stored scores' optional keys stay absent
    summary="项目自评（自评表与评分明细）",
)
def get_selfeval(request, selfeval_id: int):
    return serialize(selectors.selfeval_get(user=request.user, pk=selfeval_id), detail=True)


add_workflow_routes(
    router,
    get=lambda request, selfeval_id: selectors.selfeval_get(user=request.user, pk=selfeval_id),
    workflow=SELFEVAL_WORKFLOW,
    perform=lambda request, selfeval, name, body: services.selfeval_transition(
        actor=request.user,
        selfeval=selfeval,
        name=name,
        comment=body.comment,
        attest=body.attest,
    ),
    serialize=lambda selfeval: serialize(selfeval, detail=True),
    actions=API_ACTIONS,
    noun="selfeval",
    approve_summary="业务股室审核或预算股确认",
)
