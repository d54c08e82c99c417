"""API (CONTRACT.md, HTTP API, `rectifications`): /api/v1/rectifications, the list and one item
with the contract's fields, and the actions plan, report, verify and return.

Each action does whichever of its steps (`results.workflow`) the caller may take now: `plan` is
the filer's "submit the plan" (the body's `text`, if any, is saved as the plan first) or the
leader's "confirm the plan" (`attest` required); `report` the same for the completion report
(evidence files are uploaded on the page); `verify` the issuer's closing; `return` the
issuer's return of a report, or the leader's sending back to the filer (a `comment` is
required). Scope is the pages': an item outside the caller's scope answers 404; a step that
cannot be taken now answers 409 with every reason.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from ninja import Field, Query, Router, Schema, Status

from jixiao.core.api import (
    ACTION_RESPONSES,
    ActionIn,
    ListQuery,
    answers,
    error,
    paginate,
    sorted_by,
    workflow_action,
)
from jixiao.core.schemas import CodeName, Page
from jixiao.evaluations.key.schemas import IdCodeName
from jixiao.orgs.selectors import rows_for_list_query

from . import selectors
from .rectifications import feedback_late, rectification_transition, rectification_update
from .workflow import RECTIFICATION_WORKFLOW

router = Router()

# verb → the steps it stands for, in the order tried; the text field the filer may send.
ACTIONS = {
    "plan": (("submit_plan", "confirm_plan"), "plan"),
    "report": (("submit_report", "confirm_report"), "report"),
    "verify": (("verify",), ""),
    "return": (("return", "return_plan", "return_report"), ""),
}
SUMMARIES = {
    "plan": "单位提交整改方案（填报人），或确认整改方案（单位负责人，须 attest）",
    "report": "单位提交整改报告（须已上传佐证材料），或确认整改报告（单位负责人，须 attest）",
    "verify": "下达股室核验销号",
    "return": "退回（须填写理由）：下达股室退回整改报告，或单位负责人退回填报人",
}


class RectificationOut(Schema):
    id: int
    number: str = Field(description="整改编号")
    year: int = Field(description="工作年度（下达整改的年度）")
    region: str
    unit: CodeName
    project: IdCodeName | None
    source: str = Field(description="alert、selfeval、unit_evaluation、key_evaluation 或 audit")
    status: str = Field(
        description="draft、issued、received、plan_ready、in_progress、report_ready、reported、closed"
    )
    issuer: CodeName = Field(description="下达股室")
    problem: str
    required_action: str
    result_date: str
    issued_on: str | None
    received_on: str | None
    plan_due: str | None = Field(description="整改方案期限")
    due: str | None = Field(description="整改完成期限")
    planned_on: str | None
    reported_on: str | None
    closed_on: str | None
    overdue: bool = Field(description="逾期（以前年度按 12 月 31 日，当年按今天）")
    url: str


class RectificationDetailOut(RectificationOut):
    plan: str
    report: str
    verification_note: str
    return_reason: str
    escalated_on: str | None = Field(description="逾期督办日期")
    feedback_late: bool = Field(description="下达晚于结果产生后的反馈时限（20 日）")


class RectificationActionIn(ActionIn):
    """An action's body: besides the comment and the attestation, the filer's plan or report
    text for `plan` and `report`."""

    text: str = ""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _code_name(obj) -> dict | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def serialize(r, *, detail: bool = False) -> dict:
    data = {
        "id": r.pk,
        "number": r.number,
        "year": r.year,
        "region": r.region.code,
        "unit": _code_name(r.unit),
        "project": (
            {"id": r.project.id, "code": r.project.code, "name": r.project.name}
            if r.project_id
            else None
        ),
        "source": r.source,
        "status": r.status,
        "issuer": _code_name(r.issuer),
        "problem": r.problem,
        "required_action": r.required_action,
        "result_date": _iso(r.result_date),
        "issued_on": _iso(r.issued_on),
        "received_on": _iso(r.received_on),
        "plan_due": _iso(r.plan_due),
        "due": _iso(r.due),
        "planned_on": _iso(r.planned_on),
        "reported_on": _iso(r.reported_on),
        "closed_on": _iso(r.closed_on),
        # A list flags its rows together (`overdue_ids`); one item asks for itself.
        "overdue": r.is_overdue if hasattr(r, "is_overdue") else selectors.is_overdue(r),
        "url": f"/api/v1/rectifications/{r.pk}",
    }
    if detail:
        data |= {
            "plan": r.plan,
            "report": r.report,
            "verification_note": r.verification_note,
            "return_reason": r.return_reason,
            "escalated_on": _iso(r.escalated_on),
            "feedback_late": feedback_late(r),
        }
    return data


@router.get("", response=answers(Page[RectificationOut]), summary="整改事项列表")
@sorted_by(selectors.RECTIFICATION_SORTS)
def list_rectifications(
    request,
    query: Query[ListQuery],
    status: str = "",
    source: str = "",
    overdue: str = "",
):
    rows = rows_for_list_query(
        selectors.rectification_list,
        user=request.user,
        query=query,
        filters={"status": status, "source": source, "overdue": overdue},
    )
    late = selectors.overdue_ids(rows)

    def row(r):
        r.is_overdue = r.pk in late
        return serialize(r)

    return paginate(request, rows, page=query.page, page_size=query.page_size, serialize=row)


def _get(request, rectification_id: int):
    return selectors.rectification_get(request.user, rectification_id)


@router.get(
    "/{int:rectification_id}",
    response=answers(RectificationDetailOut, 404),
    summary="整改事项（方案、报告与核验意见）",
)
def get_rectification(request, rectification_id: int):
    return serialize(_get(request, rectification_id), detail=True)


def _perform(request, document, name: str, body: RectificationActionIn):
    return rectification_transition(
        actor=request.user,
        rectification=document,
        name=name,
        comment=body.comment,
        attest=body.attest,
    )


def _save_text(request, document, field: str, body: RectificationActionIn):
    """The filer's text sent with `plan` or `report`, saved before the step (so the step's
    check sees it); nothing is saved when the text is empty."""
    if field and body.text.strip():
        return rectification_update(
            actor=request.user, rectification=document, **{field: body.text}
        )
    return document


def _action(verb: str):
    names, field = ACTIONS[verb]

    def endpoint(request, rectification_id: int, body: RectificationActionIn):
        document = _get(request, rectification_id)
        try:
            with transaction.atomic():  # a refused step keeps no text either
                document = _save_text(request, document, field, body)
                answer = workflow_action(
                    document=document,
                    user=request.user,
                    workflow=RECTIFICATION_WORKFLOW,
                    names=names,
                    perform=lambda step: _perform(request, document, step, body),
                    reload=lambda: serialize(_get(request, rectification_id), detail=True),
                )
                if answer.status_code != 200:
                    transaction.set_rollback(True)
                return answer
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            return Status(409, error("；".join(messages)))

    endpoint.__name__ = f"{verb}_rectification"
    router.post(
        f"/{{int:rectification_id}}/{verb}", response=ACTION_RESPONSES, summary=SUMMARIES[verb]
    )(endpoint)


for _verb in ACTIONS:
    _action(_verb)
