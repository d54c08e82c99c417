"""Request-wide concerns: characters no database takes, idle session timeout, the audit context."""

import json
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext

from . import audit
from .addresses import client_ip  # also imported from here by others

NUL = "\x00"
# Pages anyone reaches without an account (the public survey, the disclosure portal): no
# sign-in, password or second-factor page stands in front of them.
PUBLIC_PATHS = ("/survey/", "/public/", "/robots.txt")


class RefuseNulMiddleware:
    """A NUL character in a page's query or form answers 400 before any view runs: PostgreSQL's
    text holds none (psycopg refuses the query, which answered 500) and SQLite would store it.
    The API refuses it in its own error shape (422, `jixiao.api.urls.refuse_unstorable`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and has_nul(request):
            reason = gettext("请求中含有不允许的控制字符（NUL），已拒绝。")
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)


def has_nul(request, *, raw_body: bool = False) -> bool:
    """Whether the query, a posted form or (`raw_body`, for JSON) the body holds a NUL, written
    as itself or as JSON's escape. Pages pass no raw body: an upload is not read twice."""
    if raw_body and any(nul in request.body for nul in (b"\x00", b"\\u0000")):
        return True
    fields = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields.append(request.POST)
    return any(
        NUL in key or any(NUL in value for value in values)
        for query in fields
        for key, values in query.lists()
    )


#: JSON's escape of half of a UTF-16 pair (\ud800–\udfff). A high and a low half together
#: stand for one character beyond the BMP (an emoji); a half alone is no character at all, and
#: neither database stores it (encoding it as UTF-8 fails, which answered 500).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def lone_surrogate_at(body: bytes, parsed=None) -> str | None:
    """Where the JSON `body` holds a lone surrogate, as a path (`items[3].code`, `$` for the
    whole), or None: none there, or not JSON (its parser says so). The bytes are searched for
    the escape first, a scan; they are parsed (or `parsed` walked) only when they hold one."""
    if not _SURROGATE_ESCAPE.search(body):
        return None
    if parsed is None:
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return None
    stack = [(parsed, "")]
    while stack:  # not recursive: a body may nest as deep as its parser allowed
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not _storable(key):
                    return f"{path}.{key!a}".lstrip(".")
                stack.append((item, f"{path}.{key}"))
        elif isinstance(value, list):
            stack += ((item, f"{path}[{i}]") for i, item in enumerate(value))
        elif isinstance(value, str) and not _storable(value):
            return path.lstrip(".") or "$"
    return None


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class SessionTimeoutMiddleware:
    """End a session after JIXIAO_SESSION_IDLE_SECONDS without a request (DOMAIN.md §11).

    The time of the last request is written to the session only once it has moved by a
    thirtieth of the limit (a minute of the default half hour): writing it on every request
    saved the session, an UPDATE and a commit, on every page. A session may so end up to that
    step before the limit, never after it."""

    KEY = "jixiao_last_seen"
    STEPS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # A Bearer-token request has no session: touching it would store a session row and set
        # a cookie on every call of a polling integration.
        if user is not None and user.is_authenticated and not hasattr(request, "token_user"):
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - int(last) > settings.JIXIAO_SESSION_IDLE_SECONDS:
                with audit.audit_context(actor=user, source="web", ip=client_ip(request)):
                    audit.record(action="logout", instance=user, message=gettext("会话超时"))
                logout(request)
                if not request.path.startswith(("/api/", *PUBLIC_PATHS)):
                    login = resolve_url(settings.LOGIN_URL)
                    query = urlencode({"timeout": "1", "next": request.get_full_path()})
                    return redirect(f"{login}?{query}")
            elif last is None or now - int(last) >= self.step():
                request.session[self.KEY] = now
        return self.get_response(request)

    @classmethod
    def step(cls) -> int:
        return max(1, settings.JIXIAO_SESSION_IDLE_SECONDS // cls.STEPS)


def signed_in_now(sender, request=None, user=None, **_kwargs) -> None:
    """A sign-in is activity: its session starts with the time the timeout counts from, saved
    with the sign-in itself, so the first page after it has nothing to write."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SessionTimeoutMiddleware.KEY] = int(time.time())


class AuditContextMiddleware:
    """Every change made while serving one request shares one audit batch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        source = "api" if request.path.startswith("/api/") else "web"
        with audit.audit_context(actor=actor, source=source, ip=client_ip(request)) as ctx:
            request.audit_batch = ctx.batch
            return self.get_response(request)


class BearerTokenMiddleware:
    """`Authorization: Bearer <token>` on /api/ signs the request in as the token's user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if request.path.startswith("/api/") and header[:7].lower() == "bearer ":
            from django.utils import timezone

            from .models import ApiToken

            token = ApiToken.objects.authenticate(header[7:].strip())
            if token is not None:
                request.user = request.token_user = token.user
                request._dont_enforce_csrf_checks = True  # no cookie, so no CSRF to forge
                stale = (
                    token.last_used_at is None
                    or (timezone.now() - token.last_used_at).total_seconds() > 300
                )
                if stale:
                    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
                request.api_token = token
                from .api import token_gate  # the token's rate limit and scope

                return token_gate(request, token, self.get_response)
        return self.get_response(request)
