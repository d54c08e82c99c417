"""API (CONTRACT.md, HTTP API, `disclosures`): /api/v1/disclosures, the records of the items to
publish with their state, and the actions publish, withhold {reason}, withdraw {reason}.

Scope is the pages': a record outside the caller's scope answers 404. The services say who may
act (the performance office; 403 otherwise) and when (409: a state that refuses the step, 422
is ninja's for a body that does not fit). `public_url` is root-relative and answers 404 on the
portal unless the record is published.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from jixiao.core.api import ListQuery, answers, error, paginate, sorted_by
from jixiao.core.schemas import Page
from jixiao.orgs.selectors import rows_for_list_query

from . import disclosure_rules, disclosures
from .disclosures import DISCLOSURE_SORTS, disclosure_list
from .models import Disclosure

router = Router()


class UnitRef(Schema):
    code: str
    name: str


class DisclosureOut(Schema):
    id: int
    year: int
    kind: str
    subject: str
    status: str
    unit: UnitRef | None
    due: str | None
    overdue: bool
    published_on: str | None
    reason: str
    public_url: str


class ReasonIn(Schema):
    reason: str = ""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def serialize(d: Disclosure) -> dict:
    return {
        "id": d.pk,
        "year": d.year,
        "kind": d.kind,
        "subject": d.subject,
        "status": d.status,
        "unit": {"code": d.unit.code, "name": d.unit.name} if d.unit_id else None,
        "due": _iso(d.due),
        "overdue": disclosure_rules.is_overdue(
            d.status, d.due, d.published_on, timezone.localdate()
        ),
        "published_on": _iso(d.published_on),
        "reason": d.reason,
        "public_url": d.public_url,
    }


def _visible(user):
    return Disclosure.objects.visible_to(user).select_related("unit", "region")


@router.get("", response=answers(Page[DisclosureOut]), summary="信息公开事项列表")
@sorted_by(DISCLOSURE_SORTS)
def list_disclosures(request, query: Query[ListQuery], kind: str = "", status: str = ""):
    rows = rows_for_list_query(
        disclosure_list,
        user=request.user,
        query=query,
        kind=kind,
        status=status,
    )
    return paginate(request, rows, page=query.page, page_size=query.page_size, serialize=serialize)


def _get(request, disclosure_id: int) -> Disclosure:
    return _visible(request.user).get_visible_or_404(request.user, pk=disclosure_id)


@router.get(
    "/{int:disclosure_id}",
    response=answers(DisclosureOut, 404),
    summary="信息公开事项（状态、期限、是否逾期、公开网址）",
)
def get_disclosure(request, disclosure_id: int):
    return serialize(_get(request, disclosure_id))


ACTION_ANSWERS = answers(DisclosureOut, 400, 404, 409)  # 400: a body that is not JSON


def _act(request, disclosure_id: int, action: str, reason: str = "") -> Status:
    """`disclosures.disclosure_act` on the visible record; a state that refuses the step (or a
    missing reason) answers 409 with the service's reason."""
    disclosure = _get(request, disclosure_id)
    try:
        disclosures.disclosure_act(
            actor=request.user, disclosure=disclosure, action=action, reason=reason
        )
    except ValidationError as exc:
        return Status(409, error("；".join(exc.messages)))
    return Status(200, serialize(_get(request, disclosure_id)))


@router.post("/{int:disclosure_id}/publish", response=ACTION_ANSWERS, summary="公开")
def publish_disclosure(request, disclosure_id: int):
    return _act(request, disclosure_id, "publish")


def _reasoned(action: str, summary: str) -> None:
    """POST /{id}/<action> with {"reason": "…"} (withhold, withdraw)."""

    def step(request, disclosure_id: int, body: ReasonIn):
        return _act(request, disclosure_id, action, body.reason)

    step.__name__ = f"{action}_disclosure"
    router.post(f"/{{int:disclosure_id}}/{action}", response=ACTION_ANSWERS, summary=summary)(step)


_reasoned("withhold", "不予公开（须填写理由）")
_reasoned("withdraw", "撤回已公开事项（须填写理由）")
