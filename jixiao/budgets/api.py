"""API: /api/v1/projects (CONTRACT.md). Money travels as decimal strings in 万元, never floats."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from jixiao.core.api import ListQuery, answers, paginate, sorted_by
from jixiao.core.api_writes import (
    loaded_of,
    not_found_problem,
    number,
    problem,
    rejected,
    save_with_external_id,
    service_errors,
    write_answers,
)
from jixiao.core.idempotency import unchanged
from jixiao.orgs.models import Region, Unit
from jixiao.orgs.selectors import rows_for_region_code

from .models import FUNDING_SOURCES, STAGES, Project, ProjectKind
from .selectors import PROJECT_SORTS, project_get, project_list
from .services import check_amounts, project_save

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
    external_id: str | None


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
        "external_id": project.external_id,
    }


@router.get("", response=answers(ProjectList), summary="项目列表")
@sorted_by(PROJECT_SORTS)
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


# --- writes: POST creates, PUT replaces, through services.project_save -----------


class AmountsIn(Schema):
    """Amounts by source in 万元 as decimal strings; `total`, when sent, must be their sum."""

    current: str | None = None
    carryover: str | None = None
    other: str | None = None
    total: str | None = None


class ProjectIn(Schema):
    """A project as GET shows it (unit and parent by code, kinds by name), with the budget
    system's `external_id`."""

    code: str
    name: str
    unit: str
    region: str
    year: int
    kinds: list[str]
    parent: str | None = None
    multi_year: bool = False
    serves_public: bool = True
    description: str = ""
    initial: AmountsIn = Field(default_factory=AmountsIn)
    full: AmountsIn = Field(default_factory=AmountsIn)
    external_id: str | None = None


def _amounts_in(body: ProjectIn, errors: list[dict]) -> dict:
    amounts = {}
    for stage, _s in STAGES:
        sent = getattr(body, stage)
        for src, _l in FUNDING_SOURCES:
            amounts[f"{stage}_{src}"] = number(
                getattr(sent, src), f"{stage}.{src}", errors, places=6
            )
        total = number(sent.total, f"{stage}.total", errors, places=6)
        if total is not None and not errors:
            for field, message in check_amounts(amounts, declared_total=total, stage=stage).items():
                errors.append(problem(_path(field), message))
    return amounts


def _path(field: str) -> str:
    """A service's field name in the body's terms: full_current → full.current."""
    stage, _sep, rest = field.partition("_")
    return f"{stage}.{rest}" if stage in dict(STAGES) and rest else field


def _write_project(request, body: ProjectIn, project: Project | None):
    region = get_object_or_404(Region.objects.visible_to(request.user), code=body.region)
    if project is None and body.external_id:
        known = Project.objects.filter(region=region, external_id=body.external_id).first()
        if known is not None:  # the same identifier: that project, if the caller may see it
            project = project_get(user=request.user, pk=known.pk)
            if unchanged(body.model_dump(), serialize(project)):
                return Status(200, serialize(project))
    unit = get_object_or_404(Unit.objects.visible_to(request.user), region=region, code=body.unit)
    errors: list[dict] = []
    parent = None
    if body.parent:
        parent = Project.objects.filter(region=region, year=body.year, code=body.parent).first()
        if parent is None:
            errors.append(not_found_problem("parent", _("上级项目"), body.parent))
    kinds = []
    for i, name in enumerate(body.kinds):
        kind = ProjectKind.objects.filter(Q(label=name) | Q(code=name)).first()
        if kind is None:
            errors.append(not_found_problem(f"kinds[{i}]", _("项目类别"), name))
        kinds.append(kind)
    amounts = _amounts_in(body, errors)
    if project is not None and (project.code, project.year) != (body.code, body.year):
        errors.append(problem("code", _("项目编码和年度不能修改。"), "immutable"))
    if project is not None and project.region_id != region.pk:
        errors.append(problem("region", _("项目的区划不能修改。"), "immutable"))
    if errors:
        return rejected(errors)
    saved, refusal = save_with_external_id(
        lambda: project_save(
            actor=request.user,
            project=project,
            region=region,
            year=body.year,
            code=body.code,
            name=body.name,
            unit=unit,
            kinds=kinds,
            parent=parent,
            amounts=amounts,
            multi_year=body.multi_year,
            serves_public=body.serves_public,
            description=body.description,
            loaded=loaded_of(request, project),
        ),
        body.external_id,
        refused=lambda exc: service_errors(exc, _path),
    )
    if refusal is not None:
        return refusal
    saved = project_get(user=request.user, pk=saved.pk)
    return Status(201 if project is None else 200, serialize(saved))


@router.post("", response=write_answers(ProjectOut, created=True), summary="新增或更新项目")
def create_project(request, body: ProjectIn):
    return _write_project(request, body, None)


@router.put("/{int:project_id}", response=write_answers(ProjectOut), summary="修改项目")
def update_project(request, project_id: int, body: ProjectIn):
    return _write_project(request, body, project_get(user=request.user, pk=project_id))
