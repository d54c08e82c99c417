"""The API's shared parts: authentication, error shapes, list envelopes and the review verbs
(CONTRACT.md, HTTP API). `jixiao.api` only wires the apps' routers together.

Authentication is `Authorization: Bearer <token>` or the browser session; without either the
answer is 401. Errors are `{"detail": "...", "errors": [...]}`; lists are
`{"count": N, "items": [...]}` paginated by `page` and `page_size` (up to 500), and a list
marked `@sorted_by(SORTS)` sorts by `?sort=` as its page does (`sorted_by`).
"""

from __future__ import annotations

import copy
import datetime
import functools
import hashlib
import inspect
import re

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from . import locks

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class BearerToken(HttpBearer):
    """The token was checked by `core.middleware.BearerTokenMiddleware`, before the audit
    context opened, so that changes made through the API name their actor."""

    def authenticate(self, request, token):
        return getattr(request, "token_user", None)


class Session(SessionAuth):
    """The browser session, for pages that call the API; CSRF still applies to writes.

    Without a signed-in session there is nothing to forge, so an anonymous write answers 401
    like an anonymous read, not 403 for a missing CSRF token; a session's failed CSRF check
    answers 403 in the usual error shape."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError as exc:
            raise PermissionDenied(_("CSRF 校验失败：请刷新页面后重试。")) from exc


AUTH = [BearerToken(), Session()]


def error(detail: str, errors: list | None = None) -> dict:
    return {"detail": detail, "errors": errors or []}


def paginate(
    request, queryset, *, page: int, page_size: int | None, serialize, through=None
) -> dict:
    """The list envelope. `page` starts at 1; `page_size` is capped at 500.

    The rows come in the list's own order, or the one `?sort=` asks for on a route marked
    `sorted_by` (`through`: how the Sorts' columns read on these rows, when they are not the
    rows the Sorts were written for), with the id as the last key (`stable_order`), so that
    paging never repeats or skips one; `?updated_since=<ISO 8601 date-time>` keeps those changed
    at or after that moment (`updated_since`), and a value that is not one answers 422.

    A bulk read is logged as an export (CONTRACT.md, audit: "an API list of more than one
    page"): an answer that is one page of a longer list, any page past the first, or a page of
    more rows than the default page size (50) writes one `export` entry, with the list's kind,
    the query parameters and the number of rows answered. A short list read whole is not."""
    if "updated_since" in request.GET:  # given empty, it is no date-time either
        moment = parse_moment(request.GET["updated_since"])
        if moment is None:
            from ninja import Status

            message = _("updated_since 应为 ISO 8601 日期时间，如 2026-03-01T08:00:00+08:00。")
            problem = {"path": "updated_since", "code": "invalid", "message": message}
            return Status(422, error(_("请求格式不正确。"), [problem]))
        queryset = _refine(queryset, lambda rows: updated_since(rows, moment))
    sorts, value = getattr(request, "list_sort", (None, ""))
    if sorts is not None:  # checked by JixiaoAPI before the route ran; else the list's own order
        queryset = _refine(queryset, lambda rows: sorts.apply(rows, value, through=through))
    queryset = _refine(queryset, stable_order)
    size = min(max(page_size or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    page = max(page, 1)
    count = queryset.count()
    start = (page - 1) * size
    # A page past the end is empty: its offset may not even fit the database's integers.
    items = [serialize(obj) for obj in queryset[start : start + size]] if start < count else []
    if items and (page > 1 or count > len(items) or len(items) > DEFAULT_PAGE_SIZE):
        from . import audit

        audit.record_export(
            kind=request.path.rstrip("/").rsplit("/", 1)[-1],  # the list: "units" …
            rows=len(items),
            filters=audit.query_filters(request.GET),
            name=request.path,
            # the caller's own region, where their auditors look (a filter may name any code)
            region_code=getattr(getattr(request.user, "region", None), "code", "") or "",
            actor=request.user,
        )
    return {"count": count, "page": page, "page_size": size, "items": items}


def _refine(rows, change):
    """`change` applied to a queryset, or to the queryset a paginator's wrapper holds as `rows`
    (surveys.results.WithListFigures), keeping the wrapper."""
    from django.db.models import QuerySet

    if isinstance(rows, QuerySet):
        return change(rows)
    inner = getattr(rows, "rows", None)
    if not isinstance(inner, QuerySet):
        return rows
    wrapper = copy.copy(rows)
    wrapper.rows = change(inner)
    return wrapper


def parse_moment(text: str):
    """An ISO 8601 date-time (`2026-03-01T08:00:00+08:00`, `…Z`, or without an offset: the
    site's time zone) or a date (its first moment there); None when `text` is neither."""
    from django.utils import timezone
    from django.utils.dateparse import parse_date, parse_datetime

    try:
        moment = parse_datetime(text.strip())
        if moment is None:
            day = parse_date(text.strip())
            moment = day and datetime.datetime.combine(day, datetime.time())
    except ValueError:  # well-formed but no such day or hour
        return None
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # in UTC: PostgreSQL refuses offsets past ±15:59 (an ISO text may say -16:09)
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):  # the first or last day of the calendar, shifted out
        return None


def updated_since(queryset, moment):
    """The rows of `queryset` changed at or after `moment`. A model with `updated_at` compares
    that; one without compares each of its own date-time fields (created_at, raised_at …) that
    is not still ahead, and the audit log, whose entries name every object a page, an import or
    the API changed."""
    from django.db.models import CharField, DateTimeField, Exists, OuterRef, Q
    from django.db.models.functions import Cast
    from django.utils import timezone

    from .models import AuditLog, AuditObject

    model = queryset.model
    stamps = [f.name for f in model._meta.concrete_fields if isinstance(f, DateTimeField)]
    if "updated_at" in stamps:
        return queryset.filter(updated_at__gte=moment)
    label, pk = model._meta.label_lower, Cast(OuterRef("pk"), CharField())
    changed = Q(
        Exists(AuditLog.objects.filter(object_type=label, object_id=pk, created_at__gte=moment))
    ) | Q(
        Exists(
            AuditObject.objects.filter(
                object_type=label, object_id=pk, entry__created_at__gte=moment
            )
        )
    )
    now = timezone.now()  # a time still ahead (a survey's closing) has changed nothing yet
    for name in stamps:
        changed |= Q(**{f"{name}__gte": moment, f"{name}__lte": now})
    return queryset.filter(changed)


def stable_order(queryset):
    """`queryset` in its own order (its `order_by`, or its model's default) with the primary
    key as the last key, unless it already ends with it: rows that tie on the list's order
    still come in one fixed order, page after page."""
    if queryset.query.combinator:
        return queryset
    query = queryset.query
    order = list(query.order_by) or (
        list(queryset.model._meta.ordering) if query.default_ordering else []
    )
    if order and isinstance(order[-1], str) and order[-1].lstrip("-") in ("pk", "id"):
        return queryset
    return queryset.order_by(*order, "pk")


def sorted_by(sorts):
    """Mark a list route (under its `@router.get`) as sorting by `?sort=` with the keys of
    `sorts`, its page's `Sorts` (core/sorting.py): `paginate` orders the rows as the page
    would. `JixiaoAPI` answers 400 to a value that is none of the keys, naming them, before the
    route runs (the page falls back to its default; a client should know), and documents the
    parameter with its keys in OpenAPI. No `sort`: the list's own order; an empty one is
    none of the keys either (as an empty `updated_since` is no date-time)."""

    def mark(view):
        view.sorts = sorts
        return view

    return mark


def sort_refusal(sorts, value: str) -> dict | None:
    """The error body for `?sort=value` on a list sorted by `sorts`, or None when it is one of
    the list's keys."""
    if sorts.parsed(value) is not None:
        return None
    allowed = "、".join(sorts.values())
    message = _("sort 只能取以下值之一：%(allowed)s（前加“-”为降序）。") % {"allowed": allowed}
    problem = {"path": "sort", "code": "invalid", "message": message, "allowed": sorts.values()}
    return error(_("无法按“%(value)s”排序。") % {"value": value}, [problem])


def sort_parameter(sorts) -> dict:
    """The OpenAPI description of a sorted list's `sort` parameter: its values, from `sorts`."""
    first = next(iter(sorts.columns))
    return {
        "in": "query",
        "name": "sort",
        "required": False,
        "description": (
            f"排序，与页面的列表相同：{'、'.join(sorts.columns)}，升序；前加“-”为降序（如 -{first}）。"
            "同值者按 id 排（随方向），翻页不重不漏；未填的值排在最后。不给出时按列表自身的顺序。"
            "其他值（空值也是）答 400，errors[0].allowed 列出可取的值"
        ),
        "schema": {"type": "string", "enum": sorts.values()},
    }


class ListQuery(Schema):
    """The query parameters every list route shares (CONTRACT.md), for `Query[ListQuery]`: the
    region's code, the year, the unit, and the page with its size (see `paginate`)."""

    region: str = ""
    year: int | None = None
    unit: str = ""
    page: int = 1
    page_size: int | None = None


def not_found() -> str:
    return _("对象不存在或不在您的权限范围内。")


class ErrorOut(Schema):
    detail: str
    errors: list


#: What any route may answer besides its own errors, in the error shape: 401 without a valid
#: token or session, 403 when the caller may not go on (a session's failed CSRF check, a
#: password to change first), 422 for parameters or a body that do not fit the route.
ERRORS = (401, 403, 422)


def answers(ok, *errors: int) -> dict:
    """A route's `response=`: `ok` with 200, and the error shape with each of `ERRORS` and of
    `errors` (404 for an object out of scope, 409 for a step that cannot be taken now, ...), so
    that OpenAPI documents every status code the route can answer."""
    return {200: ok} | {code: ErrorOut for code in sorted({*ERRORS, *errors})}


class ActionIn(Schema):
    """The body of a workflow action (CONTRACT.md: submit, return, approve)."""

    comment: str = ""
    attest: bool = False
    grades: dict[str, str] = {}


ACTION_RESPONSES = answers(dict, 400, 404, 409)


def workflow_action(*, document, user, workflow, names, perform, reload):
    """Do whichever of `names` the caller may take now on `document` — the API's verbs map
    onto the caller's own step — or answer 409 with every reason none can."""
    from ninja import Status

    from jixiao.core.workflow import TransitionError

    available = {t.name for t in workflow.available(document, user)}
    name = next((n for n in names if n in available), None)
    if name is None:
        reasons = []
        for n in names:
            reasons += workflow.problems(document, user, workflow.get(n))
        return Status(
            409, error(_("现在不能执行此操作。"), [{"message": r} for r in dict.fromkeys(reasons)])
        )
    try:
        perform(name)
    except TransitionError as exc:
        return Status(409, error(str(exc)))
    return Status(200, reload())


VERBS = (
    ("submit", "submit", "单位负责人确认并提交"),
    ("return", "return_{noun}", "退回（须填写理由）"),
    ("approve", "approve", None),
)


def add_workflow_routes(
    router, *, get, workflow, perform, serialize, actions, noun: str, approve_summary: str
) -> None:
    """The contract's three verbs for one document kind: POST /{id}/submit, /return and
    /approve on `router`, each doing whichever of `actions[verb]` the caller may take now.

    `get(request, id)` is the visible document (404 otherwise), `perform(request, document,
    name, body)` the stage's transition service, `serialize(document)` the answer. `noun` names
    the path parameter (`{noun}_id`) and the operations as the stage has always named them."""
    param = f"{noun}_id"
    for verb, name, summary in VERBS:

        def endpoint(request, body: ActionIn, verb=verb, **path):
            document = get(request, path[param])
            return workflow_action(
                document=document,
                user=request.user,
                workflow=workflow,
                names=actions[verb],
                perform=lambda step: perform(request, document, step, body),
                reload=lambda: serialize(get(request, path[param])),
            )

        endpoint.__signature__ = inspect.Signature(
            [
                inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                inspect.Parameter(param, inspect.Parameter.KEYWORD_ONLY, annotation=int),
                inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=ActionIn),
            ]
        )
        endpoint.__name__ = name.format(noun=noun)
        endpoint.__module__ = get.__module__
        router.post(
            f"/{{int:{param}}}/{verb}",
            response=ACTION_RESPONSES,
            summary=summary or approve_summary,
        )(endpoint)


# --- ETag and If-Match (CONTRACT.md: GET sends an ETag; a write whose If-Match does not match
# answers 412 before anything else is checked) ------------------------------------------------

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

#: The API's kinds, the first part of its paths (`units`, `targets`, `payments` …), as
#: `JixiaoAPI.add_router` meets them: what a token can be scoped to (see `api_kinds`).
KINDS: set[str] = set()

#: The object a URL names: `/api/v1/<kind>/<id>`, whatever follows (an action, a sub-object).
OBJECT_PATH = re.compile(r"^(/api/v1/[a-z0-9-]+/\d+)(?:/|$)")


def etag_of(content: bytes) -> str:
    """The ETag of a representation: a strong tag, a hash of the JSON body GET answers."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def object_path(path: str) -> str | None:
    """The URL of the object `path` acts on (`/api/v1/targets/5/approve` → `/api/v1/targets/5`),
    or None for a path that names no object (a list, a create)."""
    match = OBJECT_PATH.match(path)
    return match.group(1) if match else None


def current_etag(request, path: str | None = None) -> str | None:
    """The ETag that a GET of `path` (by default the object the request's URL names) answers
    this caller now, or None when it answers no object (none such, or out of the caller's
    scope). The GET runs in-process through the same route, so the tag is the one a client saw."""
    path = path or object_path(request.path)
    if path is None:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    probe = copy.copy(request)
    probe.method = "GET"
    probe.META = {**request.META, "REQUEST_METHOD": "GET", "QUERY_STRING": ""}
    probe.GET, probe._post, probe._files = QueryDict(), QueryDict(), MultiValueDict()
    probe._body = b""
    probe.path = probe.path_info = path
    probe.resolver_match = match
    response = match.func(probe, *match.args, **match.kwargs)
    return response.get("ETag") if response.status_code == 200 else None


def if_match_tags(request) -> list[str] | None:
    """The entity tags of the request's `If-Match` header (weak ones compared as strong), or
    None without the header."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    tags = [t.strip() for t in header.split(",") if t.strip()]
    return [t[2:] if t.startswith("W/") else t for t in tags]


class PreconditionFailed(HttpError):
    """412 in the error shape: the object changed since the client read it."""

    def __init__(self) -> None:
        super().__init__(
            412, _("对象已被他人修改：请重新读取后再提交（If-Match 与当前 ETag 不符）。")
        )


def require_if_match(request, etag) -> None:
    """Refuse a stale write: when the request carries `If-Match` and none of its tags is the
    object's current `etag`, raise `PreconditionFailed` (412); `*` matches any object.

    `etag` is the tag a GET of the object answers now: a string, or a callable giving it (called
    only when the header is there, e.g. `lambda: current_etag(request)`); None (no such object
    in the caller's scope) raises Http404. A write with no If-Match is not checked. Writes to
    `/api/v1/<kind>/<id>…` are already checked before their route runs (`JixiaoAPI`), so a
    second call on the same request does nothing."""
    tags = if_match_tags(request)
    if tags is None or getattr(request, "if_match_checked", False):
        return
    current = etag() if callable(etag) else etag
    if current is None:
        raise Http404
    if "*" not in tags and current not in tags:
        raise PreconditionFailed
    request.if_match_checked = True


class JixiaoAPI(NinjaAPI):
    """The NinjaAPI of /api/v1/ with the contract's headers on every route: an `ETag` on each
    GET of one object and the `If-Match` check of every write to one (`require_if_match`, run
    before the route's own checks), and the kinds of its routers (`KINDS`, what a token can be
    scoped to). `document_headers` adds them to OpenAPI with the token middleware's headers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_decorator(self._check_sort, mode="view")
        self.add_decorator(self._check_if_match, mode="view")

    def add_router(self, prefix: str, router, **kwargs) -> None:
        if prefix.strip("/"):
            KINDS.add(prefix.strip("/"))
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                sorts = getattr(operation.view_func, "sorts", None)
                if sorts is not None:  # sorted_by: the parameter and its 400 in OpenAPI
                    extra = operation.openapi_extra or {}
                    operation.openapi_extra = extra | {
                        "parameters": [*extra.get("parameters", []), sort_parameter(sorts)],
                        "responses": extra.get("responses", {})
                        | {400: _error_answer("sort 不是此列表可排序的列（errors 列出可取的值）")},
                    }
        super().add_router(prefix, router, **kwargs)

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        match = getattr(request, "resolver_match", None)
        if request.method == "GET" and response.status_code == 200 and match and match.kwargs:
            response["ETag"] = etag_of(response.content)
        return response

    def _check_sort(self, run):
        """A route marked `sorted_by`: 400 for a `sort` that is none of its keys, else the
        value kept on the request for `paginate`."""
        operation = getattr(inspect.unwrap(run), "__self__", None)  # run: the operation's own
        view = getattr(operation, "view_func", None)
        sorts = getattr(view, "sorts", None)
        if sorts is None:
            return run

        @functools.wraps(run)
        def checked(request, **kwargs):
            if "sort" in request.GET:  # given empty, it is no key either
                value = request.GET["sort"]
                refusal = sort_refusal(sorts, value)
                if refusal is not None:
                    return self.create_response(request, refusal, status=400)
                request.list_sort = (sorts, value)
            return run(request, **kwargs)

        return checked

    def _check_if_match(self, run):
        @functools.wraps(run)
        def checked(request, **kwargs):
            user = getattr(request, "user", None)
            if (
                request.method not in SAFE_METHODS
                and object_path(request.path)
                and user is not None
                and user.is_authenticated
            ):
                if if_match_tags(request) is not None:
                    # the check and the write as one step: writers of one object take turns,
                    # so of two clients with the same tag one wins and the other gets 412
                    with locks.held(f"api-object:{object_path(request.path)}", wait=30):
                        try:
                            require_if_match(request, lambda: current_etag(request))
                        except PreconditionFailed as exc:
                            return self.create_response(request, error(exc.message), status=412)
                        except Http404:
                            return self.create_response(request, error(not_found()), status=404)
                        request.if_matched = True  # api_writes.loaded_of: the page saves too
                        return run(request, **kwargs)
            return run(request, **kwargs)

        return checked

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_headers(schema)
        return schema


def _error_answer(description: str, headers: dict | None = None) -> dict:
    answer = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    return answer | ({"headers": headers} if headers else {})


RATE_HEADERS = {
    "X-RateLimit-Limit": "此令牌每个时间窗口可调用的次数",
    "X-RateLimit-Remaining": "本时间窗口内还可调用的次数",
    "X-RateLimit-Reset": "本时间窗口结束的时刻（Unix 秒）",
}


UPDATED_SINCE = {
    "in": "query",
    "name": "updated_since",
    "required": False,
    "description": "只列出此时刻（ISO 8601，含）以后改变的对象；格式不对时答 422",
    "schema": {"type": "string", "format": "date-time"},
}


def _is_list(schema: dict, responses: dict) -> bool:
    """Whether an operation's 200 answer is the list envelope (`count` and `items`)."""
    ok = responses.get(200) or responses.get("200") or {}
    ref = ok.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    answer = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    return {"count", "items"} <= set(answer.get("properties", {}))


def document_headers(schema: dict) -> None:
    """Document in OpenAPI what `JixiaoAPI` and the token middleware add to every route: the
    rate-limit headers of a token's calls and their 429, the ETag of a GET of one object,
    If-Match and its 412 on a write to one, `updated_since` on a list."""
    integer = {"schema": {"type": "integer"}}
    rate = {name: {"description": text} | integer for name, text in RATE_HEADERS.items()}
    for path, operations in schema.get("paths", {}).items():
        one = "{" in path
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                429,
                _error_answer(
                    "超过令牌的调用次数限制",
                    rate | {"Retry-After": {"description": "几秒后可以再试"} | integer},
                ),
            )
            if method == "get" and _is_list(schema, responses):
                parameters = operation.setdefault("parameters", [])
                if "updated_since" not in {p["name"] for p in parameters}:
                    parameters.append(UPDATED_SINCE)
            if method == "get" and one and "200" in {str(k) for k in responses}:
                ok = responses.get(200) or responses.get("200")
                ok.setdefault("headers", {})["ETag"] = {
                    "description": "对象表示的哈希；写入时放在 If-Match 中",
                    "schema": {"type": "string"},
                }
            if method in ("post", "put", "patch", "delete") and object_path(
                re.sub(r"\{[^}]+\}", "1", path)
            ):
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "If-Match",
                        "required": False,
                        "description": "GET 所得的 ETag；对象已改变时答 412",
                        "schema": {"type": "string"},
                    }
                )
                responses.setdefault(412, _error_answer("If-Match 与对象当前的 ETag 不符"))
            for answer in responses.values():
                answer.setdefault("headers", {}).update(rate)


# --- tokens: scope and rate limit ---------------------------------------------------------

#: Requests a token may make in a window (seconds) unless settings say otherwise.
DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW = 600, 60


def api_kinds() -> list[str]:
    """The kinds a token can be scoped to: those of the API's routers (`KINDS`)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — loads the URLconf, which builds the API
    return sorted(KINDS)


def api_kind(path: str) -> str | None:
    """The API kind a path is under (`/api/v1/targets/5/approve` → `targets`), or None for a
    path of no kind (the OpenAPI document, its browsable docs, an unknown one)."""
    part = path.removeprefix("/api/v1/").split("/", 1)[0]
    return part if path.startswith("/api/v1/") and part in api_kinds() else None


def rate_limit() -> tuple[int, int]:
    """Requests per token and window: settings `JIXIAO_API_RATE_LIMIT` per
    `JIXIAO_API_RATE_WINDOW` seconds, by default 600 a minute."""
    from django.conf import settings

    return (
        int(getattr(settings, "JIXIAO_API_RATE_LIMIT", DEFAULT_RATE_LIMIT)),
        int(getattr(settings, "JIXIAO_API_RATE_WINDOW", DEFAULT_RATE_WINDOW)),
    )


def token_gate(request, token, get_response):
    """What a call signed by an API token goes through (core.middleware.BearerTokenMiddleware):
    its count in the token's window, 429 past the limit (with Retry-After); then its scope, 403
    for a write with a read-only token or a kind the token is not for; then the call itself.
    Every answer states the limit in `X-RateLimit-Limit`, the calls left in the window in
    `X-RateLimit-Remaining` and the window's end in `X-RateLimit-Reset` (Unix seconds)."""
    import math

    from django.http import JsonResponse
    from django.utils import timezone

    from .ratelimit import count_hit

    limit, window = rate_limit()
    count, end = count_hit(f"api-token:{token.pk}", window)
    if count > limit:
        response = JsonResponse(
            error(_("请求过于频繁：已超过此令牌的调用次数限制，请稍后再试。")), status=429
        )
        response["Retry-After"] = str(max(1, math.ceil((end - timezone.now()).total_seconds())))
    else:
        reason = token.refusal(
            write=request.method not in SAFE_METHODS, kind=api_kind(request.path)
        )
        response = JsonResponse(error(reason), status=403) if reason else get_response(request)
    response["X-RateLimit-Limit"] = str(limit)
    response["X-RateLimit-Remaining"] = str(max(0, limit - count))
    response["X-RateLimit-Reset"] = str(int(end.timestamp()))
    return response
