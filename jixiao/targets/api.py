"""API: /api/v1/targets with the `submit`, `return` and `approve` actions (CONTRACT.md), and
the budget gate at /api/v1/projects/{id}/arrange. Targets travel in the shape of
schemas/target (indicators with `target` as the text people wrote, plus the parsed form)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from jixiao.budgets.models import Project
from jixiao.core import workflow
from jixiao.core.api import add_workflow_routes, answers, error, paginate, sorted_by
from jixiao.core.api_writes import (
    edit_refusal,
    loaded_of,
    number,
    problem,
    rejected,
    save_with_external_id,
    write_answers,
)
from jixiao.core.idempotency import unchanged
from jixiao.core.rule_messages import texts_only
from jixiao.orgs.models import Region, Unit

from . import adapters, selectors, services
from .models import Indicator, Target
from .schemas import ArrangeOut, TargetDetailOut, TargetIn, TargetList
from .workflow import API_ACTIONS, TARGET_WORKFLOW

router = Router()
gate_router = Router()


def _money(value) -> str | None:
    return None if value is None else str(value)


def _indicator(i: Indicator) -> dict:
    return {
        "category": i.category,
        "subcategory": i.subcategory,
        "name": i.name,
        "target": i.value_text,
        "unit": i.unit or None,
        "parsed": {
            "op": i.operator or None,
            "number": _money(i.number),
            "date": i.deadline.isoformat() if i.deadline else None,
        },
        "weight": _money(i.weight),
        "explanation": i.explanation or None,
        "basis": i.basis or None,
        "source": i.source or None,
    }


def serialize(target: Target, *, detail: bool = False) -> dict:
    project = target.project
    data = {
        "id": target.id,
        "region": target.region.code,
        "year": target.year,
        "unit": {"code": target.unit.code, "name": target.unit.name},
        "project": {
            "code": project.code,
            "name": project.name,
            "parent_code": project.parent.code if project.parent_id else None,
        }
        if project
        else None,
        "version": target.version,
        "status": target.status,
        "status_label": str(target.get_status_display()),
        "amounts": {
            k: _money(getattr(target, f"amount_{k}"))
            for k in ("total", "current", "carryover", "other")
        },
        "goal": target.goal or None,
        "medium_term_goal": target.medium_term_goal or None,
        "serves_public": target.serves_public,
        "blocking": target.blocking_count,
        "warnings": target.warning_count,
        "submitted_at": target.submitted_at,
        "approved_at": target.approved_at,
        "external_id": target.external_id,
    }
    if detail:
        data["indicators"] = [_indicator(i) for i in target.indicators.all()]
        data["findings"] = texts_only(target.findings)
        data["grades"] = target.grades
        data["return_reason"] = target.return_reason or None
        data["history"] = [
            {
                "transition": h.transition,
                "from": h.source,
                "to": h.target,
                "actor": h.actor.username if h.actor else None,
                "comment": h.comment,
                "at": h.created_at.isoformat(),
            }
            for h in workflow.history(target)
        ]
    return data


@router.get("", response=answers(TargetList), summary="绩效目标列表")
@sorted_by(selectors.TARGET_SORTS)
def list_targets(
    request,
    region: str = "",
    year: int | None = None,
    unit: str = "",
    status: str = "",
    page: int = 1,
    page_size: int | None = None,
):
    found = Region.objects.filter(code=region).first() if region else None
    rows = selectors.target_list(user=request.user, region=found, year=year, status=status)
    if region and found is None:
        rows = rows.none()
    if unit:
        rows = (
            rows.filter(unit__code=unit)
            if not unit.isdigit()
            else rows.filter(unit_id=int(unit)) | rows.filter(unit__code=unit)
        )
    rows = rows.select_related("project__parent")
    return paginate(request, rows, page=page, page_size=page_size, serialize=serialize)


def _get(request, target_id: int) -> Target:
    return (
        Target.objects.select_related("unit", "project__parent", "region")
        .prefetch_related(Prefetch("indicators", Indicator.objects.order_by("position")))
        .get_visible_or_404(request.user, pk=target_id)
    )


@router.get(
    "/{int:target_id}",
    response=answers(TargetDetailOut, 404),
    by_alias=True,  # history's "from"
    summary="绩效目标",
)
def get_target(request, target_id: int):
    return serialize(_get(request, target_id), detail=True)


add_workflow_routes(
    router,
    get=_get,
    workflow=TARGET_WORKFLOW,
    perform=lambda request, target, name, body: services.target_transition(
        actor=request.user,
        target=target,
        name=name,
        comment=body.comment,
        grades=body.grades,
        attest=body.attest,
    ),
    serialize=lambda target: serialize(target, detail=True),
    actions=API_ACTIONS,
    noun="target",
    approve_summary="审核通过：主管部门报送、业务股室初审或预算股终审",
)


# --- writes: a declaration in schemas/target's shape, as GET returns it -----------


def _rows(body: TargetIn) -> list[dict]:
    """The indicator grid in the services' terms (`target` is the value as written)."""
    return [
        {
            "category": i.category,
            "subcategory": i.subcategory,
            "name": i.name,
            "value_text": i.target,
            "unit": i.unit,
            "weight": i.weight,
            "explanation": i.explanation,
            "basis": i.basis,
            "source": i.source,
        }
        for i in body.indicators
    ]


def _save_errors(target: Target, rows: list[dict], exc: ValidationError) -> list[dict]:
    """target_save's refusal located: the indicator whose weight it could not read (each row
    read alone again, only on this path), or the whole grid."""
    for position, row in enumerate(rows):
        try:
            adapters.parse_rows(target, [row])
        except ValidationError:
            return [problem(f"indicators[{position}].weight", m) for m in exc.messages]
    return [problem("indicators", m) for m in exc.messages]


def _identity(data) -> tuple:
    """Which declaration it is: region, year, unit and project codes."""
    if not isinstance(data, dict):
        data = data.model_dump()
    project = data.get("project") or {}
    return (data["region"], data["year"], data["unit"]["code"], project.get("code"))


def _write_target(request, body: TargetIn, target: Target | None, *, project=None, unit=None):
    errors: list[dict] = []
    amounts = {
        key: number(getattr(body.amounts, key), f"amounts.{key}", errors, places=6)
        for key in ("total", "current", "carryover", "other")
    }
    if target is not None and _identity(body) != _identity(serialize(target)):
        errors.append(
            problem("project", _("绩效目标的区划、年度、单位和项目不能修改。"), "immutable")
        )
    if target is not None:
        refusal = edit_refusal(TARGET_WORKFLOW, target, request.user)
        if refusal is not None:
            return refusal
    if errors:
        return rejected(errors)
    rows = _rows(body)
    draft = {"target": target, "created": target is None}

    def save() -> Target:
        if draft["target"] is None:
            draft["target"] = services.target_create(
                actor=request.user, year=body.year, unit=unit, project=project
            )
        return services.target_save(
            actor=request.user,
            target=draft["target"],
            goal=body.goal or "",
            medium_term_goal=body.medium_term_goal or "",
            amounts=amounts,
            serves_public=body.serves_public,
            indicators=rows,
            loaded=loaded_of(request, target),
        )

    def refused(exc: ValidationError) -> list[dict]:
        if draft["target"] is None:  # target_create's: the project or unit has one already
            return [problem("project" if project else "unit", m) for m in exc.messages]
        return _save_errors(draft["target"], rows, exc)

    saved, refusal = save_with_external_id(save, body.external_id, refused=refused)
    if refusal is not None:
        return refusal
    status = 201 if draft["created"] else 200
    return Status(status, serialize(_get(request, saved.pk), detail=True))


@router.post(
    "",
    response=write_answers(TargetDetailOut, created=True),
    by_alias=True,
    summary="申报绩效目标（按 external_id 已有则更新）；应答带审核发现",
)
def create_target(request, body: TargetIn):
    region = get_object_or_404(Region.objects.visible_to(request.user), code=body.region)
    unit = get_object_or_404(
        Unit.objects.visible_to(request.user), region=region, code=body.unit.code
    )
    project = None
    if body.project is not None:
        project = get_object_or_404(
            Project.objects.visible_to(request.user),
            region=region,
            year=body.year,
            code=body.project.code,
        )
    if body.external_id:
        known = (
            Target.objects.filter(region=region, external_id=body.external_id)
            .order_by("-version")
            .first()
        )
        if known is not None:
            known = _get(request, known.pk)
            current = serialize(known, detail=True)
            if unchanged(body.model_dump(exclude={"id", "version", "status"}), current):
                return Status(200, current)
            return _write_target(request, body, known)
    return _write_target(request, body, None, project=project, unit=unit)


@router.put(
    "/{int:target_id}",
    response=write_answers(TargetDetailOut),
    by_alias=True,
    summary="修改绩效目标（草稿或被退回）；应答带审核发现",
)
def update_target(request, target_id: int, body: TargetIn):
    return _write_target(request, body, _get(request, target_id))


@gate_router.post(
    "/{int:project_id}/arrange",
    response=answers(ArrangeOut, 404, 409),
    summary="预算安排（没有已批复的绩效目标则拒绝）",
)
def arrange(request, project_id: int):
    project = Project.objects.get_visible_or_404(request.user, pk=project_id)
    try:
        project = services.project_arrange(actor=request.user, project=project)
    except PermissionDenied as exc:
        return Status(403, error(str(exc)))
    except ValidationError as exc:
        return Status(409, error("；".join(exc.messages)))
    return Status(
        200,
        {
            "id": project.id,
            "code": project.code,
            "arranged": project.arranged,
            "arranged_at": project.arranged_at,
        },
    )
