"""API (CONTRACT.md, HTTP API): /api/v1/key-evaluations with their workflow actions, and the
registries /api/v1/agencies and /api/v1/experts for the performance office and the auditor.
The ex-ante assessments are in `api_exante`.

Scope is the pages': an evaluation outside the caller's scope answers 404 (a unit reaches only
its own, an agency or an expert only those assigned to it). Experts' raw scores go through
`selectors.visible_scores`: the office and the auditor read them all, an expert only its own
until every expert has submitted.
"""

from __future__ import annotations

import inspect

from django.db.models import Prefetch, Q, QuerySet
from ninja import Query, Router

from jixiao.core.api import ListQuery, add_workflow_routes, answers, paginate, sorted_by
from jixiao.core.exports import decimal_text
from jixiao.core.workflow import perform
from jixiao.orgs.models import Role
from jixiao.orgs.selectors import rows_for_region_code

from . import selectors
from .figures import fixed
from .models import Agency, Expert, KeyEvaluation, PanelMember
from .schemas import (
    AgencyDetailOut,
    AgencyList,
    ExpertList,
    ExpertOut,
    KeyEvaluationDetailOut,
    KeyEvaluationList,
)
from .workflow import KEY_WORKFLOW

router = Router()
agencies_router = Router()
experts_router = Router()

#: Who reads the registries through the API: the performance office keeps them, the auditor
#: checks them. Anyone else gets an empty list and a 404 for each entry.
REGISTRY_READERS = (Role.PERFORMANCE, Role.AUDITOR)


# ── shared parts (the ex-ante API uses them too) ─────────────────────────────────────────────
def verbs(workflow) -> dict[str, tuple[str, ...]]:
    """The contract's three verbs over a workflow's steps: `return` takes the steps that send a
    document back, `approve` the performance office's (or commissioning unit's) other steps,
    `submit` everyone else's (the agency's, the unit's). Each verb does whichever of its steps
    the caller may take now."""
    out: dict[str, tuple[str, ...]] = {"submit": (), "approve": (), "return": ()}
    for t in workflow.transitions:
        if t.is_return:
            verb = "return"
        elif Role.PERFORMANCE in t.roles:
            verb = "approve"
        else:
            verb = "submit"
        out[verb] += (t.name,)
    return out


def code_name(obj) -> dict | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def project_ref(project) -> dict | None:
    if project is None:
        return None
    return {"code": project.code, "name": project.name, "id": project.id}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def experts_of(panel) -> list[dict]:
    """The experts on a panel (read from a prefetch when there is one)."""
    return [{"id": m.expert.id, "name": m.expert.name} for m in panel.members.all()]


def indicator_rows(panel) -> list[dict]:
    """A panel's indicators with the panel's results (never the raw scores)."""
    return [
        {
            "level1": i.level1,
            "level2": i.level2,
            "level3": i.level3,
            "weight": fixed(i.weight),
            "standard": i.standard,
            "computed": fixed(i.computed),
            "spread": fixed(i.spread),
            "flagged": i.flagged,
            "agreed": fixed(i.agreed),
            "score": fixed(i.score),
        }
        for i in panel.indicators.all()
    ]


def panel_parts(panel, user) -> dict:
    """A panel's indicators with their results, and the raw scores `user` may read."""
    return {
        "indicators": indicator_rows(panel),
        "expert_scores": [
            {
                "expert": s.member.expert.name,
                "indicator": s.indicator.level3,
                "score": fixed(s.score),
                "reason": s.reason,
            }
            for s in selectors.visible_scores(panel, user).order_by(
                "indicator__order", "indicator_id", "member__expert__name"
            )
        ],
    }


def with_panel(rows: QuerySet) -> QuerySet:
    """A list's rows with their experts, in three queries whatever the page size."""
    members = PanelMember.objects.select_related("expert").order_by("expert__name")
    return rows.prefetch_related(Prefetch("panel__members", queryset=members))


def read_by(document, user):
    """The document with its reader, so that an action's answer (serialized without the
    request) shows the reader what the detail shows them."""
    document.reader = user
    return document


def document_routes(
    router,
    *,
    noun: str,
    select,
    serialize,
    detail_out,
    detail_summary: str,
    workflow,
    approve_summary: str,
) -> None:
    """GET /{id} (the detail, 404 out of scope) and the three verbs of one document kind.
    `select(user=, pk=)` is the stage's selector of one visible document, `serialize(document,
    detail=True)` its detail (the routes take the module of `serialize`, so that each stage's
    operations keep their own OpenAPI names), and the verbs move it through `workflow`."""
    param = f"{noun}_id"

    def get(request, document_id: int):
        return read_by(select(user=request.user, pk=document_id), request.user)

    def detail(request, **path):
        return serialize(get(request, path[param]), detail=True)

    detail.__signature__ = inspect.Signature(
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(param, inspect.Parameter.KEYWORD_ONLY, annotation=int),
        ]
    )
    detail.__name__ = f"get_{noun}"
    get.__module__ = detail.__module__ = serialize.__module__
    router.get(f"/{{int:{param}}}", response=answers(detail_out, 404), summary=detail_summary)(
        detail
    )
    add_workflow_routes(
        router,
        get=get,
        workflow=workflow,
        perform=lambda request, document, name, body: perform(
            obj=document,
            name=name,
            actor=request.user,
            workflow=workflow,
            comment=body.comment,
            attest=body.attest,
        ),
        serialize=lambda document: serialize(document, detail=True),
        actions=verbs(workflow),
        noun=noun,
        approve_summary=approve_summary,
    )


# ── key evaluations ──────────────────────────────────────────────────────────────────────────
def serialize(evaluation: KeyEvaluation, *, detail: bool = False) -> dict:
    """The evaluation in the contract's shape; the detail (read with its reader by
    `document_routes`) adds what its reader may see of the panel and the findings."""
    data = {
        "id": evaluation.id,
        "year": evaluation.year,
        "region": evaluation.region.code,
        "subject": evaluation.subject,
        "project": project_ref(evaluation.project),
        "unit": code_name(evaluation.unit),
        "kind": evaluation.kind,
        "special_kind": evaluation.special_kind or None,
        "commissioner": code_name(evaluation.commissioner),
        "agency": (
            {"id": evaluation.agency.id, "name": evaluation.agency.name}
            if evaluation.agency_id
            else None
        ),
        "experts": experts_of(evaluation.panel),
        "status": evaluation.status,
        "score": fixed(evaluation.score),
        "grade": evaluation.grade or None,
    }
    if detail:
        data |= {
            "amount": decimal_text(evaluation.amount),
            "notified_on": _date(evaluation.notified_on),
            "archived_on": _date(evaluation.archived_on),
            "conclusion": evaluation.conclusion,
            **panel_parts(evaluation.panel, evaluation.reader),
            "findings": [
                {
                    "level1": f.level1,
                    "indicator": f.indicator.level3 if f.indicator_id else None,
                    "problem": f.problem,
                    "evidence": f.evidence,
                    "recommendation": f.recommendation,
                    "status": f.status,
                }
                for f in evaluation.findings.select_related("indicator")
            ],
        }
    return data


@router.get("", response=answers(KeyEvaluationList), summary="重点评价列表")
@sorted_by(selectors.KEY_SORTS)
def list_key_evaluations(request, query: Query[ListQuery], status: str = "", kind: str = ""):
    rows = rows_for_region_code(
        selectors.key_list,
        user=request.user,
        region=query.region,
        year=query.year,
        filters={"status": status, "kind": kind},
    )
    if query.unit:
        rows = rows.filter(unit__code=query.unit)
    return paginate(
        request, with_panel(rows), page=query.page, page_size=query.page_size, serialize=serialize
    )


document_routes(
    router,
    noun="evaluation",
    select=selectors.key_get,
    serialize=serialize,
    detail_out=KeyEvaluationDetailOut,
    detail_summary="重点评价（指标体系、评分结果与发现的问题）",
    workflow=KEY_WORKFLOW,
    approve_summary="绩效办下达通知、批复工作方案或审定报告（部门评价为委托单位）",
)


# ── registries ───────────────────────────────────────────────────────────────────────────────
def registry(model, user) -> QuerySet:
    """The registry's rows the API shows this user: none unless they keep or audit it."""
    if not any(user.has_role(role) for role in REGISTRY_READERS):
        return model.objects.none()
    return model.objects.visible_to(user).select_related("region")


def _in_region(rows: QuerySet, region: str) -> QuerySet:
    return rows.filter(region__code=region) if region else rows


def serialize_agency(agency: Agency, *, detail: bool = False) -> dict:
    data = {
        "id": agency.id,
        "region": agency.region.code,
        "name": agency.name,
        "credit_code": agency.credit_code,
        "qualifications": agency.qualifications,
        "contact": agency.contact,
        "phone": agency.phone,
        "blacklisted": agency.blacklisted,
        "blacklist_reason": agency.blacklist_reason,
        "blacklist_from": _date(agency.blacklist_from),
        "blacklist_until": _date(agency.blacklist_until),
        "violation_on": _date(agency.violation_on),
    }
    if detail:
        scored = agency.evaluations.filter(agency_quality_score__isnull=False).order_by(
            "-year", "pk"
        )
        data["quality_scores"] = [
            {
                "evaluation": e.id,
                "year": e.year,
                "subject": e.subject,
                "score": fixed(e.agency_quality_score),
            }
            for e in scored
        ]
    return data


@agencies_router.get("", response=answers(AgencyList), summary="第三方机构名录（绩效办）")
def list_agencies(
    request, region: str = "", q: str = "", page: int = 1, page_size: int | None = None
):
    rows = _in_region(registry(Agency, request.user), region)
    if q:
        rows = rows.filter(name__icontains=q)
    return paginate(request, rows, page=page, page_size=page_size, serialize=serialize_agency)


@agencies_router.get(
    "/{int:agency_id}",
    response=answers(AgencyDetailOut, 404),
    summary="第三方机构（含以往执业质量评分）",
)
def get_agency(request, agency_id: int):
    agency = registry(Agency, request.user).get_visible_or_404(request.user, pk=agency_id)
    return serialize_agency(agency, detail=True)


def serialize_expert(expert: Expert) -> dict:
    return {
        "id": expert.id,
        "region": expert.region.code,
        "name": expert.name,
        "fields_of_expertise": expert.fields_of_expertise,
        "employer": expert.employer,
        "employer_unit": code_name(expert.employer_unit),
        "title": expert.title,
        "phone": expert.phone,
        "available": expert.available,
    }


@experts_router.get("", response=answers(ExpertList), summary="专家库（绩效办）")
def list_experts(
    request,
    region: str = "",
    q: str = "",
    available: bool | None = None,
    page: int = 1,
    page_size: int | None = None,
):
    rows = _in_region(registry(Expert, request.user), region).select_related("employer_unit")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(fields_of_expertise__icontains=q))
    if available is not None:
        rows = rows.filter(available=available)
    return paginate(request, rows, page=page, page_size=page_size, serialize=serialize_expert)


@experts_router.get("/{int:expert_id}", response=answers(ExpertOut, 404), summary="专家")
def get_expert(request, expert_id: int):
    rows = registry(Expert, request.user).select_related("employer_unit")
    return serialize_expert(rows.get_visible_or_404(request.user, pk=expert_id))
