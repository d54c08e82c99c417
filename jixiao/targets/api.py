"""API: /api/v1/targets with the `submit`, `return` and `approve` actions (CONTRACT.md), and
the budget gate at /api/v1/projects/{id}/arrange. Targets travel in the shape of
schemas/target (indicators with `target` as the text people wrote, plus the parsed form)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from ninja import Router, Status

from jixiao.budgets.models import Project
from jixiao.core import workflow
from jixiao.core.api import add_workflow_routes, answers, error, paginate
from jixiao.core.rule_messages import texts_only
from jixiao.orgs.models import Region

from . import selectors, services
from .models import Indicator, Target
from .schemas import ArrangeOut, TargetDetailOut, TargetList
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
