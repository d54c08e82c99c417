"""/api/v1/: one NinjaAPI, one router per app, OpenAPI at /api/v1/openapi.json."""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import register_converter
from django.urls.converters import PathConverter
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from jixiao.api.exchange_api import router as exchange_router
from jixiao.api.feed import router as changes_router
from jixiao.api.webhook_api import router as webhooks_router
from jixiao.budgets.api import router as projects_router
from jixiao.core.api import AUTH, JixiaoAPI, error, not_found
from jixiao.core.idempotency import idempotent
from jixiao.core.job_api import router as jobs_router
from jixiao.core.middleware import has_nul, lone_surrogate_at
from jixiao.evaluations.api import router as selfevals_router
from jixiao.evaluations.key.api import agencies_router, experts_router
from jixiao.evaluations.key.api import router as key_evaluations_router
from jixiao.evaluations.key.api_exante import router as ex_ante_router
from jixiao.monitoring.api import alerts_router, payments_router, reports_router, rounds_router
from jixiao.orgs.api import router as units_router
from jixiao.reports.api import router as stats_router
from jixiao.results.api_assessments import router as assessments_router
from jixiao.results.api_disclosures import router as disclosures_router
from jixiao.results.api_funds import router as fund_actions_router
from jixiao.results.api_linkage import router as linkage_router
from jixiao.results.api_rectifications import router as rectifications_router
from jixiao.surveys.api import router as surveys_router
from jixiao.targets.api import gate_router
from jixiao.targets.api import router as targets_router

api = JixiaoAPI(
    title="Jixiao API",
    version="1",
    description="绩效 预算绩效管理系统 API（CONTRACT.md）。认证：Authorization: Bearer <token>。",
    auth=AUTH,
    urls_namespace="api",
)
api.add_router("/units", units_router, tags=["units"])
api.add_router("/projects", projects_router, tags=["projects"])
api.add_router("/projects", gate_router, tags=["projects"])
api.add_router("/targets", targets_router, tags=["targets"])
api.add_router("/monitoring-rounds", rounds_router, tags=["monitoring"])
api.add_router("/monitoring-reports", reports_router, tags=["monitoring"])
api.add_router("/alerts", alerts_router, tags=["monitoring"])
api.add_router("/payments", payments_router, tags=["monitoring"])
api.add_router("/selfevals", selfevals_router, tags=["evaluations"])
api.add_router("/key-evaluations", key_evaluations_router, tags=["key evaluations"])
api.add_router("/ex-ante-assessments", ex_ante_router, tags=["key evaluations"])
api.add_router("/agencies", agencies_router, tags=["key evaluations"])
api.add_router("/experts", experts_router, tags=["key evaluations"])
api.add_router("/surveys", surveys_router, tags=["surveys"])
api.add_router("/rectifications", rectifications_router, tags=["results"])
api.add_router("/linkage-proposals", linkage_router, tags=["results"])
api.add_router("/fund-actions", fund_actions_router, tags=["results"])
api.add_router("/unit-assessments", assessments_router, tags=["results"])
api.add_router("/disclosures", disclosures_router, tags=["results"])
api.add_router("/stats", stats_router, tags=["reports"])
api.add_router("/changes", changes_router, tags=["changes"])
api.add_router("/webhooks", webhooks_router, tags=["changes"])
api.add_router("/exchange", exchange_router, tags=["exchange"])
api.add_router("/jobs", jobs_router, tags=["jobs"])


class Anything(PathConverter):
    regex = r"[\s\S]+"  # "path" stops at a line break


register_converter(Anything, "anything")

#: Last: a URL under /api/v1/ that no route takes (an id that is not a number, a kind that does
#: not exist) answers 404 in the error shape, as an object out of scope does, not with a page.
unrouted = Router(auth=None)


@unrouted.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{anything:rest}", include_in_schema=False
)
def no_route(request, rest: str):
    raise Http404


api.add_router("", unrouted)


def refuse_unstorable(run):
    """Characters no database stores answer 422 before anything else: a NUL in a query or body
    (PostgreSQL's text holds none, and psycopg's refusal answered 500; SQLite stored it) and
    half of a UTF-16 pair alone in a JSON body (encoding it failed: 500), said where."""

    @functools.wraps(run)
    def checked(request, **kwargs):
        if has_nul(request, raw_body=True):
            return api.create_response(request, error(_("请求格式不正确。")), status=422)
        at = lone_surrogate_at(request.body) if request.body else None
        if at is not None:
            why = _(
                "“%(at)s”含有无法存储的字符：单独的 UTF-16 代理项（如 \\ud800），请检查文本的编码。"
            )
            detail = why % {"at": at}
            errors = [{"field": at, "message": detail}]
            return api.create_response(request, error(detail, errors), status=422)
        return run(request, **kwargs)

    return checked


api.add_decorator(refuse_unstorable, mode="view")


def refuse_repeated(run):
    """A query parameter given more than once answers 422: every route takes one value of each,
    and django-ninja would silently keep the last one (API fuzzing sent `page` as a list)."""

    @functools.wraps(run)
    def checked(request, **kwargs):
        repeated = sorted(key for key, values in request.GET.lists() if len(values) > 1)
        if repeated:
            errors = [{"field": key, "message": _("参数只能给出一次。")} for key in repeated]
            return api.create_response(request, error(_("请求格式不正确。"), errors), status=422)
        return run(request, **kwargs)

    return checked


api.add_decorator(refuse_repeated, mode="view")
#: A POST or PUT with an Idempotency-Key answers a retry with its first answer (core.idempotency).
api.add_decorator(idempotent, mode="view")


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return api.create_response(request, error(_("未登录或令牌无效。")), status=401)


@api.exception_handler(HttpError)
def bad_request(request, exc):
    """django-ninja's own refusals in the error shape: a body that is not JSON answers 400."""
    detail = _("请求格式不正确。") if exc.status_code == 400 else str(exc)
    return api.create_response(request, error(detail), status=exc.status_code)


@api.exception_handler(Http404)
def missing(request, exc):
    return api.create_response(request, error(not_found()), status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, error(str(exc) or _("没有权限。")), status=403)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    errors = (
        [{"field": k, "message": "；".join(v)} for k, v in exc.message_dict.items()]
        if hasattr(exc, "error_dict")
        else [{"message": m} for m in exc.messages]
    )
    return api.create_response(request, error(_("数据校验未通过。"), errors), status=422)


def body_path(loc) -> str:
    """Where a value sits, in the request's own terms: ("body", "body", "indicators", 3,
    "weight") → "indicators[3].weight" (the parameter's place and name left out)."""
    parts = list(loc)
    if parts[:1] == ["body"]:
        parts = parts[2:]
    elif parts:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


@api.exception_handler(SchemaValidationError)
def schema_invalid(request, exc):
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", [])),
            "path": body_path(e.get("loc", [])),
            "code": e.get("type", "invalid"),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return api.create_response(request, error(_("请求格式不正确。"), errors), status=422)
