"""The API's shared parts: authentication, error shapes, list envelopes and the review verbs
(CONTRACT.md, HTTP API). `jixiao.api` only wires the apps' routers together.

Authentication is `Authorization: Bearer <token>` or the browser session; without either the
answer is 401. Errors are `{"detail": "...", "errors": [...]}`; lists are
`{"count": N, "items": [...]}` paginated by `page` and `page_size` (up to 500).
"""

from __future__ import annotations

import inspect

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

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


def paginate(request, queryset, *, page: int, page_size: int | None, serialize) -> dict:
    """The list envelope. `page` starts at 1; `page_size` is capped at 500.

    A bulk read is logged as an export (CONTRACT.md, audit: "an API list of more than one
    page"): an answer that is one page of a longer list, any page past the first, or a page of
    more rows than the default page size (50) writes one `export` entry, with the list's kind,
    the query parameters and the number of rows answered. A short list read whole is not."""
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
