"""Whether one response to a public survey is valid (公众测评, DOMAIN.md §6.4).

A pure module (DESIGN.md, Pure rules): standard library and pure modules only; the thresholds
are the rulebook's "survey" section (`validity.min_seconds`, `validity.straight_min_questions`).

A response is checked on plain facts (`ResponseFacts`, built from the questions and answers by
`response_facts`), and is invalid for one of three reasons, the codes of
`models.InvalidReason`:
- "too_fast": answered in under `min_seconds` seconds. Paper questionnaires are not timed
  (`seconds` is None), so they never fail this check;
- "straight": every scale question answered gave the same option ("straight-lining"), checked
  only when at least `straight_min_questions` scale questions were answered;
- "required": a required question was left empty.

When several apply, the reason recorded is the first in that order (`REASONS`): an answer given
too fast is not a reading of the questions at all, so what it contains says nothing; identical
scale answers exist but carry no signal; a required question left empty may be an honest
respondent's omission. The explanation gives every check, whichever the reason. A response is
never deleted: the caller stores the reason beside it ("manual", marking by hand, is not decided
here).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from jixiao.core.rule_messages import Join, Message

__all__ = ["REASONS", "ResponseFacts", "Validity", "is_empty", "response_facts", "validity"]

#: The automatic reasons in order of precedence.
REASONS = ("too_fast", "straight", "required")


@dataclass(frozen=True)
class ResponseFacts:
    """What the validity checks need to know about one response."""

    seconds: int | None  # time taken; None when not timed (paper)
    scale_answers: Sequence[str] = ()  # the option chosen on each scale question answered
    required_empty: Sequence[str] = ()  # the texts of the required questions left empty


class Validity(NamedTuple):
    valid: bool
    reason: str  # "" when valid, else one of REASONS
    explanation: str


def is_empty(value) -> bool:
    """An answer with nothing in it: None, blank text, no option chosen (0 is an answer)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return not any(not is_empty(v) for v in value)
    return False


def _field(question, name: str):
    return question[name] if isinstance(question, Mapping) else getattr(question, name)


def response_facts(questions: Iterable, answers: Mapping, seconds: int | None) -> ResponseFacts:
    """The facts of a response from its survey's questions and its answers.

    Each question is a mapping or an object (a `Question` row works) with `id`, `kind`,
    `required` and `text`; `answers` maps a question's id to its answer: the chosen options as
    a list (or one option as a string), a number, or a text. A question missing from `answers`
    is unanswered."""
    scale, empty = [], []
    for question in questions:
        value = answers.get(_field(question, "id"))
        if value is None or is_empty(value):
            if _field(question, "required"):
                empty.append(_field(question, "text"))
            continue
        if _field(question, "kind") == "scale":
            chosen = value if isinstance(value, str) else next(v for v in value if not is_empty(v))
            scale.append(str(chosen))
    return ResponseFacts(seconds=seconds, scale_answers=tuple(scale), required_empty=tuple(empty))


def validity(facts: ResponseFacts, rules: Mapping) -> Validity:
    """Valid or not, the reason (see `REASONS`) and the explanation of every check."""
    limits = rules["validity"]
    least_seconds = int(limits["min_seconds"])
    least_scale = int(limits["straight_min_questions"])
    failed = []

    if facts.seconds is None:
        timing = Message("survey.valid.untimed")
    elif facts.seconds < least_seconds:
        timing = Message("survey.valid.too_fast", seconds=facts.seconds, min=least_seconds)
        failed.append("too_fast")
    else:
        timing = Message("survey.valid.timed", seconds=facts.seconds, min=least_seconds)

    answered = list(facts.scale_answers)
    if len(answered) < least_scale:
        straight = Message("survey.valid.few_scale", n=len(answered), min=least_scale)
    elif len(set(answered)) == 1:
        straight = Message("survey.valid.straight", n=len(answered), label=answered[0])
        failed.append("straight")
    else:
        straight = Message("survey.valid.varied", n=len(answered))

    if facts.required_empty:
        quoted = Join(Message("lint.quoted", text=text) for text in facts.required_empty)
        required = Message("survey.valid.required", questions=quoted)
        failed.append("required")
    else:
        required = Message("survey.valid.required_ok")

    checks = Join([timing, straight, required], "clauses")
    if not failed:
        return Validity(True, "", Message("survey.valid.valid", checks=checks))
    reason = next(r for r in REASONS if r in failed)
    return Validity(False, reason, Message("survey.valid.invalid", checks=checks))
