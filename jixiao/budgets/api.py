"""API: /api/v1/projects (CONTRACT.md). Money travels as decimal strings in 万元, never floats."""

from __future__ import annotations

from decimal import Decimal

from ninja import Query, Router, Schema

from jixiao.core.api import ListQuery, answers, paginate
from jixiao.orgs.selectors import rows_for_region_code

from .models import FUNDING_SOURCES, STAGES, Project
from .selectors import project_get, project_list

router = Router()


class AmountsOut(Schema):
    current: str
    carryover: str
    other: str
    total: str


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    unit_name: str
    region: str
    year: int
    kinds: list[str]
    parent: str | None
    multi_year: bool
    serves_public: bool
    initial: AmountsOut
    full: AmountsOut


class ProjectList(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProjectOut]


def _amounts(project: Project, stage: str) -> dict:
    parts = {src: getattr(project, f"{stage}_{src}") for src, _l in FUNDING_SOURCES}
    total = sum(parts.values(), Decimal(0))
    return {**{k: str(v) for k, v in parts.items()}, "total": str(total)}


def serialize(project: Project) -> dict:
    return {
        "id": project.id,
        "code": project.code,
        "name": project.name,
        "unit": project.unit.code,
        "unit_name": project.unit.name,
        "region": project.region.code,
        "year": project.year,
        "kinds": [k.label for k in project.kinds.all()],
        "parent": project.parent.code if project.parent else None,
        "multi_year": project.multi_year,
        "serves_public": project.serves_public,
        **{stage: _amounts(project, stage) for stage, _s in STAGES},
    }


@router.get("", response=answers(ProjectList), summary="项目列表")
def list_projects(request, query: Query[ListQuery], kind: str = "", q: str = ""):
    rows = rows_for_region_code(
        project_list,
        user=request.user,
        region=query.region,
        year=query.year,
        unit=query.unit,
        kind=kind,
        q=q,
    )
    return paginate(request, rows, page=query.page, page_size=query.page_size, serialize=serialize)


@router.get("/{int:project_id}", response=answers(ProjectOut, 404), summary="项目")
def get_project(request, project_id: int):
    return serialize(project_get(user=request.user, pk=project_id))
