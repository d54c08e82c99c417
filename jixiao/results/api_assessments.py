"""API (CONTRACT.md, HTTP API, `unit-assessments`): /api/v1/unit-assessments.

GET lists the assessments in the caller's scope (filters `region`, `year`, `unit` (code)) in the
ranking's order, and one at `/{id}`: the contract's `unit`, `year`, `score`, `rank`, with the
computed points, the adjustment and each part (its points, weight, explanation and the records
it was computed from, each with its model, id, root-relative page and whether it counted for
the unit). Scores are decimal strings. A unit's users read their own unit's only; another's
answers 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from jixiao.core.api import ListQuery, answers, paginate
from jixiao.core.messages import localized
from jixiao.core.schemas import CodeName, Page
from jixiao.orgs.selectors import rows_for_list_query

from .assessment_service import assessment_list
from .models import UnitAssessment

router = Router()


class RecordOut(Schema):
    model: str = Field(description="模型（如 targets.Target）")
    id: int
    url: str = Field(description="记录页面（站内相对地址），无页面时为空")
    ok: bool = Field(description="该记录是否计为得分（false：扣分）")


class PartOut(Schema):
    key: str = Field(
        description="target_quality、timeliness、monitoring、selfeval_quality、rectification 或 results"
    )
    label: str
    weight: str
    points: str
    explanation: str
    records: list[RecordOut]


class AdjustmentOut(Schema):
    points: str
    reason: str
    document_number: str


class AssessmentOut(Schema):
    id: int
    unit: CodeName
    year: int
    score: str = Field(description="考核得分（计算得分 + 调整，0 至 100，两位小数）")
    rank: int | None
    region: str
    computed: str
    adjustment: str
    parts: list[PartOut]
    adjustments: list[AdjustmentOut]
    url: str


AssessmentList = Page[AssessmentOut]


def serialize(row: UnitAssessment) -> dict:
    return {
        "id": row.pk,
        "unit": {"code": row.unit.code, "name": row.unit.name},
        "year": row.year,
        "score": f"{row.score}",
        "rank": row.rank,
        "region": row.region.code,
        "computed": f"{row.computed}",
        "adjustment": f"{row.adjustment}",
        "parts": [
            {
                "key": p["key"],
                "label": localized(p, "label"),
                "weight": p["weight"],
                "points": p["points"],
                "explanation": localized(p, "explanation"),
                "records": p.get("records", []),
            }
            for p in row.parts
        ],
        "adjustments": [
            {
                "points": f"{a.points}",
                "reason": a.reason,
                "document_number": a.document_number,
            }
            for a in row.adjustments.all()
        ],
        "url": reverse("assessment-detail", args=[row.pk]),
    }


def visible(user) -> QuerySet:
    return (
        UnitAssessment.objects.visible_to(user)
        .select_related("unit", "region")
        .prefetch_related("adjustments")
    )


@router.get("", response=answers(AssessmentList), summary="部门预算绩效管理工作考核列表（排名）")
def list_assessments(request, query: Query[ListQuery]):
    rows = (
        rows_for_list_query(assessment_list, user=request.user, query=query)
        .prefetch_related("adjustments")
        .order_by("-year", "region__code", "rank", "unit__code")
    )
    return paginate(request, rows, page=query.page, page_size=query.page_size, serialize=serialize)


@router.get(
    "/{int:assessment_id}",
    response=answers(AssessmentOut, 404),
    summary="一个单位的考核（分项得分、计算说明和依据记录）",
)
def get_assessment(request, assessment_id: int):
    return serialize(visible(request.user).get_visible_or_404(request.user, pk=assessment_id))
