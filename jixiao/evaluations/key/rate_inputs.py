"""The inputs of a key evaluation's rate indicators (资金到位率, 预算执行率, 完成率 …), and the
score each rule suggests to the experts (`rates.rate_score`).

Where the inputs come from:
- from the data, for an evaluation with a project (`DATA_INPUTS`): 预算资金 is the project's
  full-year budget; 实际支出资金 its executed amount, the self-evaluation's executed figure when
  there is one, else the sum of its treasury payments; 实际到位资金 the full-year budget (the
  self-evaluation keeps no funds-received figure);
- a satisfaction rule (`survey` in the rulebook) takes the rate of the first source of
  `SATISFACTION_SOURCES` that answers (the public survey's slot: a later stage appends a function
  owner → a fraction 0–1, or None);
- every other input (产出数, 成本, 募集资金, 国有资本 …, and the satisfaction rate while no
  survey answers) is typed by the assigned agency during the fieldwork, and kept on the
  indicator (`PanelIndicator.rate_inputs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jixiao.budgets.models import Payment
from jixiao.core import audit
from jixiao.core.messages import render_message
from jixiao.core.schema_read import read_decimal
from jixiao.evaluations.models import SelfEvaluation

from .models import KeyStatus, PanelIndicator
from .rates import RateResult, rate_score
from .work import rules_of
from .workflow import KEY_WORKFLOW, assigned_agency

#: The public survey's slot (公众测评): functions panel owner → the satisfaction rate as a
#: fraction 0–1, or None. The first answer wins. The report reads the same list.
SATISFACTION_SOURCES: list[Callable[[object], Decimal | None]] = []

BUDGET, SPENT, RECEIVED = "预算资金", "实际支出资金", "实际到位资金"
#: Inputs read from the data when the evaluation has a project.
DATA_INPUTS = (BUDGET, SPENT, RECEIVED)


def satisfaction_rate(owner) -> Decimal | None:
    """The survey's satisfaction rate (a fraction 0–1) of the owner, or None."""
    for source in SATISFACTION_SOURCES:
        rate = source(owner)
        if rate is not None:
            return Decimal(rate)
    return None


def project_figures(project) -> dict[str, Decimal | None]:
    """预算资金, 实际支出资金 and 实际到位资金 of a project (万元); None where unknown."""
    if project is None:
        return {}
    selfeval = SelfEvaluation.objects.filter(project=project).first()
    spent = selfeval.executed_total if selfeval is not None else None
    if spent is None:
        spent = Payment.objects.filter(project=project).aggregate(total=Sum("amount"))["total"]
    budget = project.full_total
    return {BUDGET: budget, SPENT: spent, RECEIVED: budget}


def typed_names(rule: dict, figures: dict, survey: Decimal | None) -> list[str]:
    """The inputs of `rule` that the agency types: those the data and the survey leave (a
    figure the data do not have, such as spending without payments, is typed too)."""
    if rule.get("survey") and survey is not None:
        return []
    return [n for n in rule.get("inputs", []) if figures.get(n) is None]


@dataclass
class RateRow:
    """A rate indicator with its inputs and the rule's suggestion (explanation rendered in the
    reader's language)."""

    indicator: PanelIndicator
    rule: dict
    result: RateResult
    explanation: str
    typed: list[tuple[int, str, str]] = field(default_factory=list)  # (index, name, value)
    from_survey: bool = False


def _typed_value(indicator: PanelIndicator, name: str) -> Decimal | None:
    text = (indicator.rate_inputs or {}).get(name)
    try:
        return None if text in (None, "") else Decimal(str(text))
    except InvalidOperation:
        return None


def rate_rows(owner, indicators=None) -> list[RateRow]:
    """Each indicator of the owner's panel whose rule is a rate of the rulebook, in order."""
    rules = rules_of(owner)
    known = rules.get("rate_rules", {})
    if indicators is None:
        indicators = owner.panel.indicators.all()
    indicators = [i for i in indicators if i.rule in known]
    if not indicators:
        return []
    figures = project_figures(getattr(owner, "project", None))
    survey = satisfaction_rate(owner)
    rows = []
    for indicator in indicators:
        rule = known[indicator.rule]
        names, typed = rule.get("inputs", []), typed_names(rule, figures, survey)
        from_survey = bool(rule.get("survey")) and survey is not None
        if from_survey:
            inputs = {n: survey * 100 for n in names}
        else:
            inputs = {n: _typed_value(indicator, n) if n in typed else figures[n] for n in names}
        result = rate_score(rule, inputs, indicator.weight, rules)
        rows.append(
            RateRow(
                indicator,
                rule,
                result,
                render_message(result.explanation),
                [
                    (n, name, (indicator.rate_inputs or {}).get(name, ""))
                    for n, name in enumerate(names)
                    if name in typed
                ],
                from_survey,
            )
        )
    return rows


def rate_inputs_refusal(evaluation, user) -> str | None:
    """The assigned agency types the inputs during the fieldwork."""
    refusal = assigned_agency(evaluation, user)
    if refusal or evaluation.status == KeyStatus.FIELDWORK:
        return refusal
    return _("评价处于“%(s)s”状态，现场评价阶段才能填写计分数据。") % {
        "s": KEY_WORKFLOW.label(evaluation.status)
    }


def _read(text: str, indicator: PanelIndicator, name: str) -> str:
    """A typed figure as decimal text ("" when left empty: the input is cleared)."""
    try:
        value = read_decimal(str(text or ""))
    except ValueError:
        raise ValidationError(
            _("“%(i)s”的“%(n)s”：“%(v)s”不是数字。")
            % {"i": indicator.level3, "n": name, "v": str(text).strip()}
        ) from None
    return "" if value is None else f"{value:f}"


@transaction.atomic
def rate_inputs_save(*, actor, evaluation, values: dict) -> list[PanelIndicator]:
    """Keep the typed inputs, `values` {(indicator id, input index): text}; an empty text
    clears the input. Nothing is written when a value is not a number."""
    refusal = rate_inputs_refusal(evaluation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    problems, changed = [], []
    for row in rate_rows(evaluation):
        indicator, kept = row.indicator, dict(row.indicator.rate_inputs or {})
        for index, name, _value in row.typed:
            try:
                text = _read(values.get((indicator.pk, index), ""), indicator, name)
            except ValidationError as exc:
                problems += exc.messages
                continue
            if text:
                kept[name] = text
            else:
                kept.pop(name, None)
        if kept != (indicator.rate_inputs or {}):
            indicator.rate_inputs = kept
            changed.append(indicator)
    if problems:
        raise ValidationError(problems)
    for indicator in changed:
        indicator.save(update_fields=["rate_inputs"])
    if changed:
        audit.record(
            action="update",
            instance=evaluation,
            actor=actor,
            message=_("填写计分规则数据：%(i)s") % {"i": "、".join(i.level3 for i in changed)},
        )
    return changed
