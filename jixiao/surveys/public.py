"""The public pages of a survey (DOMAIN.md §6.4, CONTRACT.md "Public pages"): the questionnaire
at `/survey/<token>/`, its QR code and its printable poster. No login, no JavaScript, nothing
loaded from outside the site; the pages' links are root-relative (only the QR code's content is
an absolute URL, built from the request's host).

- GET serves the form with a signed start time (so "too fast" cannot be forged) and gives the
  browser a respondent token in a cookie (HttpOnly, SameSite=Lax, 180 days).
- POST is rate-limited per source address and per survey (the rulebook's "survey" →
  `rate_limits`; over the limit answers 429) and stored by `answering.submit`.
- A draft survey is not found; a closed one, or one past its closing time, says it is closed.
"""

from __future__ import annotations

import io
import re
import secrets
from datetime import UTC, datetime

import segno
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.core.ratelimit import address_hash, client_address, hit

from . import answering, subjects
from .models import Channel, QuestionKind, Response, Survey, SurveyStatus

COOKIE = "jx_respondent"
COOKIE_DAYS = 180
STARTED_SALT = "jixiao.surveys.public.started"
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
TAG_RE = re.compile(r"[-a-zA-Z0-9_]{1,20}")
QR_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


def _survey_or_404(token: str) -> Survey:
    """The survey of a public link; a draft one is not found."""
    survey = (
        Survey.objects.select_related("region", "unit")
        .exclude(status=SurveyStatus.DRAFT)
        .filter(token=token)
        .first()
    )
    if survey is None:
        raise Http404(_("没有找到这份问卷。"))
    return survey


def _tag(value: str | None) -> str:
    value = (value or "").strip()
    return value if TAG_RE.fullmatch(value) else ""


def _respondent(request) -> tuple[str, bool]:
    """The respondent's token from the cookie, or a new one (and whether it is new)."""
    token = request.COOKIES.get(COOKIE, "")
    if TOKEN_RE.fullmatch(token):
        return token, False
    return secrets.token_urlsafe(24), True


def _set_respondent(response, request, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_DAYS * 24 * 3600,
        path="/survey/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def sign_start(survey: Survey, now: datetime) -> str:
    return signing.dumps([survey.token, int(now.timestamp())], salt=STARTED_SALT)


def read_start(survey: Survey, value: str) -> datetime | None:
    """The time the form was served, or None when the field is missing, forged or another
    survey's."""
    try:
        token, stamp = signing.loads(value or "", salt=STARTED_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if token != survey.token:
        return None
    return datetime.fromtimestamp(int(stamp), tz=UTC)


def _message(request, survey: Survey, kind: str, *, status: int = 200) -> HttpResponse:
    return render(
        request, "surveys/public_message.html", {"survey": survey, "kind": kind}, status=status
    )


def _items(survey: Survey, rules: dict, data=None, errors=None) -> list[dict]:
    """The questions as the form shows them, with what was posted when it is shown again."""
    items = []
    for question in survey.questions.all():
        name = answering.field_name(question)
        posted = data.getlist(name) if data is not None else []
        items.append(
            {
                "question": question,
                "name": name,
                "options": answering.options_of(question, rules)
                if question.kind not in (QuestionKind.NUMBER, QuestionKind.TEXT)
                else [],
                "multiple": question.kind == QuestionKind.MULTIPLE,
                "chosen": set(posted),
                "value": posted[0] if posted else "",
                "error": (errors or {}).get(name, ""),
            }
        )
    return items


def _form(request, survey, rules, *, tag, token, data=None, errors=None, status=200):
    context = {
        "survey": survey,
        "items": _items(survey, rules, data, errors),
        "started": sign_start(survey, timezone.now()) if data is None else data.get("started"),
        "tag": tag,
        "code": (data.get("code", "") if data is not None else "").strip()[:16],
        "code_error": (errors or {}).get("code", ""),
        "text_chars": rules["text_chars"],
        "errors": errors,
    }
    response = render(request, "surveys/public_form.html", context, status=status)
    _set_respondent(response, request, token)
    return response


def _within_limits(request, survey: Survey, rules: dict) -> bool:
    """Count this submission per source address and per survey (a refused one counts too)."""
    limits = rules["rate_limits"]
    address = address_hash(client_address(request)) or "none"
    by_address, by_survey = limits["address"], limits["survey"]
    return hit(
        f"survey:{survey.pk}:address:{address}", int(by_address["limit"]), by_address["seconds"]
    ) and hit(f"survey:{survey.pk}", int(by_survey["limit"]), by_survey["seconds"])


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_public(request, token: str):
    survey = _survey_or_404(token)
    state = answering.state_of(survey)
    if not state.open:
        return _message(request, survey, state.name)
    rules = answering.survey_rules(survey)
    respondent, new = _respondent(request)
    if request.method != "POST":
        if not new and answering.answered_already(survey, answering.respondent_hash(respondent)):
            return _message(request, survey, "answered", status=409)
        return _form(request, survey, rules, tag=_tag(request.GET.get("c")), token=respondent)
    if not _within_limits(request, survey, rules):
        response = _message(request, survey, "limited", status=429)
        response["Retry-After"] = str(rules["rate_limits"]["address"]["seconds"])
        return response
    tag = _tag(request.POST.get("c"))
    try:
        saved = answering.submit(
            survey,
            request.POST,
            respondent,
            client_address(request),
            tag,
            request.POST.get("code"),
            read_start(survey, request.POST.get("started", "")),
            rules=rules,  # read once a request
        )
    except answering.NotOpen:
        return _message(request, survey, "closed")
    except answering.AlreadyAnswered:
        return _message(request, survey, "answered", status=409)
    except answering.InvalidAnswers as refused:
        return _form(
            request, survey, rules, tag=tag, token=respondent, data=request.POST,
            errors=refused.errors, status=400,
        )  # fmt: skip
    context = {"survey": survey, "answers": _receipt(saved)}
    response = render(request, "surveys/public_thanks.html", context)
    _set_respondent(response, request, respondent)
    return response


def _receipt(saved: Response) -> list[tuple[str, str]]:
    """The answers just stored, as (question, answer) texts, in the questionnaire's order."""
    rows = saved.answers.select_related("question").order_by("question__order", "question")
    receipt = []
    for answer in rows:
        if answer.number is not None:
            given = f"{answer.number.normalize():f}"
        else:
            given = answer.text or "、".join(str(choice) for choice in answer.choices)
        receipt.append((answer.question.text, given))
    return receipt


def _printable_or_404(token: str) -> Survey:
    """An open survey not past its closing time (its QR code and poster are printed before it
    opens, so a later opening time is no obstacle)."""
    survey = _survey_or_404(token)
    if survey.status != SurveyStatus.OPEN or answering.state_of(survey).name == "closed":
        raise Http404(_("这份问卷不在进行中。"))
    return survey


def _link(request, survey: Survey) -> str:
    """The public URL, with `?c=` when the request names one of the survey's channels."""
    tag = _tag(request.GET.get("c"))
    if tag and Channel.objects.filter(survey=survey, tag=tag).exists():
        return f"{survey.public_url}?c={tag}"
    return survey.public_url


@require_GET
def survey_qr(request, token: str, fmt: str):
    """The QR code of the public link (PNG or SVG): its content is the absolute URL."""
    if fmt not in QR_FORMATS:
        raise Http404
    survey = _printable_or_404(token)
    qr = segno.make(request.build_absolute_uri(_link(request, survey)), error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        qr.save(buffer, kind="png", scale=8, border=2)
    else:
        qr.save(buffer, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
    response = HttpResponse(buffer.getvalue(), content_type=QR_FORMATS[fmt])
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def survey_poster(request, token: str):
    """A printable A4 poster: the subject's name, the QR code, the URL, the closing date."""
    survey = _printable_or_404(token)
    subject = subjects.subject_of(survey)
    link = _link(request, survey)
    context = {
        "survey": survey,
        "subject": subjects.subject_title(subject) if subject else survey.unit.name,
        "qr": link.replace(survey.public_url, f"{survey.public_url}qr.svg", 1),
        "address": request.build_absolute_uri(link),
    }
    return render(request, "surveys/public_poster.html", context)
