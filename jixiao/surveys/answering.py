"""One online answer to a public survey (DOMAIN.md §6.4): the posted form is read question by
question, judged by the validity rules, and stored as a `Response` with its `Answer`s in one
transaction.

- Only what the question offers is taken: a chosen option must be one of its options, a number a
  finite decimal, a text is trimmed to the rulebook's size limit. A text is kept as the plain
  characters typed (never as markup: pages escape it on output).
- A required question left empty, an answer given too fast or every scale question given the
  same level is stored invalid with its reason (`validity.validity`), never refused: the
  respondent is thanked either way and the office sees why it does not count.
- One answer per respondent: the cookie's token (stored hashed) and, when the survey asks for
  one, the one-time code. A second answer raises `AlreadyAnswered`; the database's unique
  constraints settle two posts that arrive at the same time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from jixiao.core.numbers import typed_decimal
from jixiao.core.ratelimit import address_hash

from . import formulas, validity
from .models import (
    Answer,
    Channel,
    OneTimeCode,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
)
from .rules import rules_in_force

RESPONDENT_SALT = "jixiao.surveys.respondent"
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.SCALE, QuestionKind.GROUP)
# Decimal(14, 4) holds 10 digits before the point.
NUMBER_LIMIT = Decimal("1e10")
KEPT_CONTROLS = {"\n", "\t"}


class AlreadyAnswered(Exception):
    """This respondent (or this one-time code) has answered the survey already."""


class NotOpen(Exception):
    """The survey takes no answers now (closed, past its closing time, or not yet open)."""


class InvalidAnswers(Exception):
    """Answers that cannot be stored as posted: `errors` maps a field name to the reason."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class State:
    """Whether a survey takes answers now: "open", "closed" or "not_yet"."""

    name: str

    @property
    def open(self) -> bool:
        return self.name == "open"


def state_of(survey: Survey, now: datetime | None = None) -> State:
    now = now or timezone.now()
    if survey.status == SurveyStatus.CLOSED or (survey.closes_at and survey.closes_at <= now):
        return State("closed")
    if survey.opens_at and survey.opens_at > now:
        return State("not_yet")
    return State("open")


def respondent_hash(token: str) -> str:
    """The stored form of a respondent's cookie token (a keyed hash, 64 hex characters)."""
    return salted_hmac(RESPONDENT_SALT, token, algorithm="sha256").hexdigest()


def survey_rules(survey: Survey) -> dict:
    """The rulebook section "survey" in force for the survey's region and year."""
    return rules_in_force(survey.region, survey.year)


def answered_already(survey: Survey, respondent: str) -> bool:
    """Whether the respondent (the stored hash of their token) has answered the survey."""
    return Response.objects.filter(survey=survey, respondent=respondent).exists()


def options_of(question: Question, rules: dict) -> list[str]:
    """The labels a choice question offers (a scale question: the rulebook's five levels)."""
    if question.kind == QuestionKind.SCALE and not question.options:
        return formulas.scale_labels(rules)
    return [str(option) for option in question.options]


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def plain_text(value: str, limit: int) -> str:
    """Typed text as plain characters: control characters dropped (line breaks and tabs kept),
    line ends made "\\n", surrounding blanks trimmed, at most `limit` characters."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(
        c for c in value if c in KEPT_CONTROLS or unicodedata.category(c) not in ("Cc", "Cs")
    )
    return value.strip()[:limit].strip()


def _values(data: Mapping, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        values = data.getlist(name)
    else:
        value = data.get(name)
        values = value if isinstance(value, list | tuple) else [] if value is None else [value]
    return [str(v).strip() for v in values if str(v).strip()]


def _number(raw: str) -> Decimal:
    # As a person types it (core.numbers): "1,234.5" is 1234.5, "12,5" is refused, not 125.
    number = typed_decimal(raw)
    if number is None or abs(number) >= NUMBER_LIMIT:
        raise ValueError(raw)
    return number.quantize(Decimal("0.0001"))


def clean_answers(
    questions: list[Question], data: Mapping, rules: dict
) -> tuple[dict[int, object], dict[str, str]]:
    """The answers given, by question id (a list of labels, a Decimal or a text; questions left
    empty are absent), and the errors by field name. An empty answer is no error here: a
    required question left empty makes the answer invalid, it is not refused."""
    answers: dict[int, object] = {}
    errors: dict[str, str] = {}
    for question in questions:
        name = field_name(question)
        values = _values(data, name)
        if not values:
            continue
        if question.kind in (*CHOICE_KINDS, QuestionKind.MULTIPLE):
            offered = options_of(question, rules)
            if question.kind != QuestionKind.MULTIPLE and len(values) > 1:
                errors[name] = _("第%(n)s题只能选一项。") % {"n": question.order or question.pk}
            elif any(value not in offered for value in values):
                errors[name] = _("第%(n)s题的选项不在本题的选项中。") % {
                    "n": question.order or question.pk
                }
            else:
                answers[question.pk] = [option for option in offered if option in values]
        elif question.kind == QuestionKind.NUMBER:
            try:
                answers[question.pk] = _number(values[0])
            except (InvalidOperation, ValueError):
                errors[name] = _("第%(n)s题请填写一个数字（例如 3 或 2.5）。") % {
                    "n": question.order or question.pk
                }
        else:
            text = plain_text(values[0], int(rules["text_chars"]))
            if text:
                answers[question.pk] = text
    return answers, errors


def _answer_row(response: Response, question: Question, value) -> Answer:
    if isinstance(value, Decimal):
        return Answer(response=response, question=question, number=value)
    if isinstance(value, str):
        return Answer(response=response, question=question, text=value)
    return Answer(response=response, question=question, choices=list(value))


def _group(questions: list[Question], answers: dict[int, object]) -> str:
    for question in questions:
        if question.kind == QuestionKind.GROUP and answers.get(question.pk):
            return str(answers[question.pk][0])[:50]
    return ""


def _use_code(survey: Survey, code: str, now: datetime) -> OneTimeCode:
    """Lock the survey's one-time code and mark it used; refused if unknown or used."""
    found = (
        OneTimeCode.objects.select_for_update()
        .filter(survey=survey, code__iexact=code.strip())
        .first()
    )
    if found is None:
        raise InvalidAnswers({"code": _("作答码不正确，请核对问卷通知上印的作答码。")})
    if found.used_at is not None:
        raise AlreadyAnswered
    found.used_at = now
    found.save(update_fields=["used_at"])
    return found


def submit(
    survey: Survey,
    form_data: Mapping,
    respondent: str,
    address: str,
    channel: str | None,
    code: str | None,
    started_at: datetime | None,
    *,
    now: datetime | None = None,
    rules: Mapping | None = None,
) -> Response:
    """Store one online answer: `form_data` is the posted form (fields `q<question id>`),
    `respondent` the cookie's token, `address` the client address (stored as a salted hash),
    `channel` the link's tag, `code` the one-time code, `started_at` the signed time the form
    was served (None when missing or forged: the answer then counts as given too fast).

    `rules` is the survey's rulebook section when the caller has read it already.

    Raises NotOpen, InvalidAnswers (with the errors to show) or AlreadyAnswered."""
    now = now or timezone.now()
    if not state_of(survey, now).open:
        raise NotOpen
    rules = rules if rules is not None else survey_rules(survey)
    questions = list(survey.questions.all())
    answers, errors = clean_answers(questions, form_data, rules)
    if survey.needs_code and not (code or "").strip():
        errors["code"] = _("本问卷凭一次性作答码作答，请填写作答码。")
    if errors:
        raise InvalidAnswers(errors)
    seconds = max(0, int((now - started_at).total_seconds())) if started_at else 0
    judged = validity.validity(validity.response_facts(questions, answers, seconds), rules)
    tagged = Channel.objects.filter(survey=survey, tag=channel[:20]).first() if channel else None
    who = respondent_hash(respondent)
    try:
        with transaction.atomic():
            if answered_already(survey, who):
                raise AlreadyAnswered
            used = _use_code(survey, code, now) if survey.needs_code else None
            response = Response.objects.create(
                survey=survey,
                respondent=who,
                address_hash=address_hash(address),
                channel=tagged,
                code=used,
                group=_group(questions, answers),
                started_at=started_at,
                submitted_at=now,
                seconds=seconds,
                valid=judged.valid,
                invalid_reason=judged.reason,
            )
            by_id = {question.pk: question for question in questions}
            Answer.objects.bulk_create(
                _answer_row(response, by_id[pk], value) for pk, value in answers.items()
            )
    except IntegrityError:  # the same respondent or code posted twice at the same moment
        raise AlreadyAnswered from None
    return response
