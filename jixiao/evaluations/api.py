"""API: /api/v1/selfevals (CONTRACT.md) with submit, return and approve, in the shape of
schemas/selfeval plus the scores: the unit's, the rules', the reviewer's."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from jixiao.budgets.models import FUNDING_SOURCES
from jixiao.core.api import ListQuery, add_workflow_routes, answers, paginate, sorted_by
from jixiao.core.api_writes import (
    loaded_of,
    number,
    problem,
    put_lines_document,
    write_answers,
)
from jixiao.core.rule_messages import texts_only
from jixiao.orgs.selectors import rows_for_region_code

from . import selectors, services
from .schemas import SelfEvalDetailOut, SelfEvalIn, SelfEvalList
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
        "external_id": selfeval.external_id,
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
@sorted_by(selectors.SELFEVAL_SORTS)
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


#: A table line's fields in the service's terms (`score` is the band's entered score).
ROW_FIELDS = {"score": "entered_score"}
NUMBERS = ("weight", "score", "self_score")


def _table(body: SelfEvalIn, errors: list[dict]) -> tuple[dict, list[dict]]:
    """The executed amounts by source key and the lines, numbers checked where they are."""
    sources = {str(label): key for key, label in FUNDING_SOURCES}
    executed = {}
    for i, sent in enumerate(body.table.budget.sources):
        if sent.source not in sources:
            errors.append(
                problem(
                    f"table.budget.sources[{i}].source",
                    _("资金来源只能是：%(s)s") % {"s": "、".join(sources)},
                    "choice",
                )
            )
            continue
        path = f"table.budget.sources[{i}].executed"
        executed[sources[sent.source]] = number(sent.executed, path, errors, places=6)
    rows = []
    for i, line in enumerate(body.table.indicators):
        values = line.model_dump(exclude_unset=True)
        for field in NUMBERS:
            if field in values:
                values[field] = number(values[field], f"table.indicators[{i}].{field}", errors)
        rows.append({"position": i, **{ROW_FIELDS.get(k, k): v for k, v in values.items()}})
    return executed, rows


def _positions(selfeval, rows: list[dict]) -> list[dict]:
    """The lines in GET's order given the stored lines' positions."""
    stored = list(selfeval.indicators.order_by("position").values_list("position", flat=True))
    return [{**row, "position": position} for row, position in zip(rows, stored, strict=True)]


@router.put(
    "/{int:selfeval_id}",
    response=write_answers(SelfEvalDetailOut),
    exclude_unset=True,
    summary="填报项目自评表（草稿或被退回），按规则重新评分",
)
def update_selfeval(request, selfeval_id: int, body: SelfEvalIn):
    selfeval = selectors.selfeval_get(user=request.user, pk=selfeval_id)

    def parse(errors):
        executed, rows = _table(body, errors)
        return (executed, rows), len(rows)

    def save(values):
        executed, rows = values
        return services.selfeval_save(
            actor=request.user,
            selfeval=selfeval,
            executed=executed,
            goal_achieved=body.table.goal.achieved or "",
            report=body.report if body.report is not None else selfeval.report,
            rows=_positions(selfeval, rows),
            loaded=loaded_of(request, selfeval),
        )

    return put_lines_document(
        selfeval,
        request.user,
        SELFEVAL_WORKFLOW,
        parse=parse,
        lines="table.indicators",
        save=save,
        external_id=body.external_id,
        refused_at="table",
        answer=lambda saved: serialize(
            selectors.selfeval_get(user=request.user, pk=saved.pk), detail=True
        ),
    )


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
