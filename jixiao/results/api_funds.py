"""API (CONTRACT.md, HTTP API, `fund-actions`): /api/v1/fund-actions.

GET lists the actions in the caller's scope (filters `region`, `year` (the project's budget
year), `unit` (code), `action` (调整, 收回, 盘活), `source`) and one action at `/{id}`; POST
records one through `fund_actions.fund_action_create`, with the same checks as the page. A body
that is refused answers 422 `{"detail", "errors": [{"path", "code", "message"}]}` and writes
nothing; a caller who does not record actions gets 403. Amounts travel as decimal strings (万元);
a JSON number with a fraction is refused, since it may have lost digits on the way.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from jixiao.budgets.models import Project
from jixiao.core.api import ListQuery, answers, error, paginate, sorted_by
from jixiao.core.schemas import CodeName, Page
from jixiao.evaluations.key.models import KeyEvaluation
from jixiao.evaluations.key.schemas import IdCodeName
from jixiao.evaluations.models import SelfEvaluation
from jixiao.monitoring.models import Alert
from jixiao.orgs.selectors import rows_for_list_query

from . import fund_actions as services
from .models import FundAction, Rectification

router = Router()


class FundActionOut(Schema):
    id: int
    project: IdCodeName
    action: str = Field(description="调整、收回或盘活")
    amount: str = Field(description="金额（万元，字符串，按存储精度）")
    date: str = Field(description="日期（ISO），自此日起改变项目的当前预算")
    reason: str
    year: int = Field(description="项目的预算年度")
    unit: CodeName
    source: str = Field(description="alert、evaluation 或 rectification")
    alert: int | None = None
    selfeval: int | None = None
    key_evaluation: int | None = None
    rectification: int | None = None
    document_number: str
    receiving_project: IdCodeName | None = Field(None, description="盘活时接收资金的项目")
    url: str = Field(description="登记页面（站内相对地址）")


FundActionList = Page[FundActionOut]


class FundActionIn(Schema):
    """What GET answers (`project` as its id, its `{id}` or its `{code}`); `id`, `year`,
    `unit` and `url` are ignored."""

    project: Any = None
    action: str = ""
    amount: Any = None
    date: str = ""
    reason: str = ""
    source: str = ""
    document_number: str = ""
    alert: int | None = None
    selfeval: int | None = None
    key_evaluation: int | None = None
    rectification: int | None = None
    receiving_project: Any = None


def _ref(project: Project | None) -> dict | None:
    if project is None:
        return None
    return {"id": project.pk, "code": project.code, "name": project.name}


def serialize(action: FundAction) -> dict:
    return {
        "id": action.pk,
        "project": _ref(action.project),
        "action": action.kind,
        "amount": f"{action.amount:f}",
        "date": action.date.isoformat(),
        "reason": action.reason,
        "year": action.year,
        "unit": {"code": action.unit.code, "name": action.unit.name},
        "source": action.source,
        "alert": action.alert_id,
        "selfeval": action.selfeval_id,
        "key_evaluation": action.key_evaluation_id,
        "rectification": action.rectification_id,
        "document_number": action.document_number,
        "receiving_project": _ref(action.receiving_project),
        "url": f"/fund-actions/{action.pk}/",
    }


def _visible(user):
    return FundAction.objects.visible_to(user).select_related(
        "project", "unit", "receiving_project"
    )


@router.get("", response=answers(FundActionList), summary="资金调整、收回和盘活列表")
@sorted_by(services.FUND_ACTION_SORTS)
def list_fund_actions(
    request, query: Query[ListQuery], action: str = "", source: str = "", kind: str = ""
):
    rows = rows_for_list_query(
        services.fund_action_list,
        user=request.user,
        query=query,
        kind=action or kind,
        source=source,
    )
    return paginate(request, rows, page=query.page, page_size=query.page_size, serialize=serialize)


@router.get("/{int:action_id}", response=answers(FundActionOut, 404), summary="资金处理")
def get_fund_action(request, action_id: int):
    return serialize(_visible(request.user).get_visible_or_404(request.user, pk=action_id))


def _problem(path: str, code: str, message: str) -> dict:
    return {"path": path, "code": code, "message": message}


def _project(user, value, path: str, problems: list) -> Project | None:
    """A project in the caller's scope by id, `{id}` or `{code, year}`; a problem otherwise."""
    if isinstance(value, dict):
        lookup = {"pk": value["id"]} if "id" in value else {}
        if not lookup and "code" in value:
            lookup = {"code": value["code"]}
            if "year" in value:
                lookup["year"] = value["year"]
        value = lookup or None
    elif isinstance(value, int) and not isinstance(value, bool):
        value = {"pk": value}
    elif isinstance(value, str) and value.strip():
        value = {"code": value.strip()}
    else:
        value = None
    if value is None:
        problems.append(_problem(path, "funds.project.missing", _("请指定项目（id 或编码）。")))
        return None
    try:
        found = list(Project.objects.visible_to(user).select_related("region")
                     .filter(**value)[:2])  # fmt: skip
    except (ValueError, TypeError):
        found = []
    if len(found) != 1:
        problems.append(
            _problem(
                path,
                "funds.project.unknown",
                _("项目不存在、不在您的权限范围内，或编码对应多个年度（请同时给出 year）。"),
            )
        )
        return None
    return found[0]


LINKS = {
    "alert": Alert,
    "selfeval": SelfEvaluation,
    "key_evaluation": KeyEvaluation,
    "rectification": Rectification,
}


@router.post(
    "",
    response=answers(FundActionOut, 400, 403),
    summary="登记资金调整、收回或盘活（不得超过项目未支付余额）",
)
def create_fund_action(request, body: FundActionIn):
    user, problems = request.user, []
    if not services.may_record(user):
        raise PermissionDenied(_("只有预算股和绩效办可以登记资金调整、收回和盘活。"))
    project = _project(user, body.project, "project", problems)
    receiving = None
    if body.receiving_project not in (None, ""):
        receiving = _project(user, body.receiving_project, "receiving_project", problems)
    amount = body.amount
    if isinstance(amount, float):
        problems.append(
            _problem("amount", "funds.amount.float", _('金额应以字符串给出，如 "85.50"。'))
        )
        amount = None
    elif not isinstance(amount, (str, int, Decimal)):
        amount = None
    try:
        on = datetime.date.fromisoformat(body.date)
    except ValueError:
        problems.append(
            _problem("date", "funds.date.invalid", _("日期应为 YYYY-MM-DD，如 2021-06-15。"))
        )
        on = None
    links = {}
    for name, model in LINKS.items():
        pk = getattr(body, name)
        if pk is None:
            continue
        link = model.objects.visible_to(user).filter(pk=pk).first()
        if link is None:
            problems.append(_problem(name, "funds.source.unknown_link", _("依据不存在或不可见。")))
        links[name] = link
    if project is not None and not problems:
        try:
            action = services.fund_action_create(
                actor=user,
                project=project,
                kind=body.action,
                amount=amount if amount is not None else "",
                date=on,
                reason=body.reason,
                source=body.source,
                document_number=body.document_number,
                receiving_project=receiving,
                **links,
            )
        except services.FundActionRefused as refused:
            problems += [_problem(p.path, p.code, p.message) for p in refused.problems]
        else:
            return Status(200, serialize(_visible(user).get(pk=action.pk)))
    return Status(422, error(_("资金处理未登记：数据校验未通过。"), problems))
