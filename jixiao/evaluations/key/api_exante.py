"""API (CONTRACT.md, HTTP API): /api/v1/ex-ante-assessments (事前绩效评估, DOMAIN.md §7) with
their workflow actions. A module of its own beside `api`, so that the action operations of the
two documents keep distinct OpenAPI names."""

from __future__ import annotations

from ninja import Query, Router

from jixiao.core.api import ListQuery, answers, paginate, sorted_by
from jixiao.core.exports import decimal_text
from jixiao.orgs.selectors import rows_for_region_code

from . import selectors
from .api import code_name, document_routes, experts_of, panel_parts, project_ref
from .figures import fixed
from .models import ExAnteAssessment
from .schemas import ExAnteDetailOut, ExAnteList
from .workflow import EX_ANTE_WORKFLOW

router = Router()


def serialize(assessment: ExAnteAssessment, *, detail: bool = False) -> dict:
    data = {
        "id": assessment.id,
        "year": assessment.year,
        "region": assessment.region.code,
        "subject": assessment.subject,
        "is_policy": assessment.is_policy,
        "project": project_ref(assessment.project),
        "unit": code_name(assessment.unit),
        "amount": decimal_text(assessment.amount),
        "status": assessment.status,
        "score": fixed(assessment.score),
        "conclusion": assessment.conclusion or None,
    }
    if detail:
        data |= {
            "conclusion_reason": assessment.conclusion_reason,
            "concluded_on": assessment.concluded_on.isoformat()
            if assessment.concluded_on
            else None,
            "experts": experts_of(assessment.panel),
            **panel_parts(assessment.panel, assessment.reader),
        }
    return data


@router.get("", response=answers(ExAnteList), summary="事前绩效评估列表")
@sorted_by(selectors.EXANTE_SORTS)
def list_ex_ante_assessments(request, query: Query[ListQuery], status: str = ""):
    rows = rows_for_region_code(
        selectors.exante_list,
        user=request.user,
        region=query.region,
        year=query.year,
        filters={"status": status},
    )
    if query.unit:
        rows = rows.filter(unit__code=query.unit)
    return paginate(request, rows, page=query.page, page_size=query.page_size, serialize=serialize)


document_routes(
    router,
    noun="assessment",
    select=selectors.exante_get,
    serialize=serialize,
    detail_out=ExAnteDetailOut,
    detail_summary="事前绩效评估（评审指标、专家评分与结论）",
    workflow=EX_ANTE_WORKFLOW,
    approve_summary="绩效办受理或出具评估结论",
)
