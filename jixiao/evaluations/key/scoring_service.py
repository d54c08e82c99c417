"""Expert scoring (比对打分) of a scoring panel: a key evaluation's or an ex-ante assessment's.

Every function takes the `ScoringPanel`; the document it belongs to (`panel_owner`) decides
when scoring is open (a key evaluation in the fieldwork, an ex-ante assessment being scored)
and who is the office that records the discussion of a flagged indicator.

- `scores_save(actor=, panel=, values=, submit=)`: an expert saves a draft of their own scores
  or submits them once (then they are read-only). A submitted score lies in 0..weight and one
  below full has its reason (`panel.score_refusal`); a draft may leave scores and reasons out.
- When the last expert submits, `panel_compute` stores each indicator's result from the raw
  scores (`panel.aggregate`: mean, trimmed mean from five experts, the spread flag) with its
  explanation; raw scores stay as given.
- `discussion_save(actor=, indicator=, discussion=, agreed=)`: the office records the
  discussion of a flagged indicator and the score agreed.
- The owner's score is the sum of the indicators' scores (`PanelIndicator.score`) and, for a
  key evaluation, its grade (`panel.panel_total`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit
from jixiao.core.bulkupdate import update_many
from jixiao.core.messages import render_message
from jixiao.core.rulebook import rules_for
from jixiao.orgs.models import Role

from .models import (
    ExAnteStatus,
    ExpertScore,
    KeyStatus,
    PanelIndicator,
    PanelMember,
    ScoringPanel,
)
from .panel import aggregate, panel_total, score_refusal
from .selectors import panel_member
from .work import grades_of, rules_of
from .workflow import commissioning_office

#: A panel's owners, the two reverse one-to-one sides: a key evaluation or an ex-ante assessment.
_OWNERS = ("evaluation", "ex_ante")


def panel_owner(panel: ScoringPanel):
    """The key evaluation or the ex-ante assessment the panel scores (None: neither yet).
    Neither read yet: both are read in one query (asked one after the other, an ex-ante
    assessment's panel paid a query for the key evaluation it does not have)."""
    sides = [getattr(ScoringPanel, name) for name in _OWNERS]
    if panel.pk is not None and not any(side.is_cached(panel) for side in sides):
        both = ScoringPanel.objects.select_related(*_OWNERS).get(pk=panel.pk)
        for side in sides:
            owner = side.related.get_cached_value(both)
            side.related.set_cached_value(panel, owner)
            if owner is not None:  # its panel is this one, as reading it from here gives
                side.related.field.set_cached_value(owner, panel)
    for name in _OWNERS:
        try:
            return getattr(panel, name)
        except AttributeError:  # RelatedObjectDoesNotExist: not this kind of panel
            continue
    return None


def _is_key(owner) -> bool:
    return owner is not None and owner._meta.model_name == "keyevaluation"


def open_refusal(panel: ScoringPanel) -> str | None:
    """Scoring is open while the key evaluation is in the fieldwork, or while the ex-ante
    assessment is being scored."""
    owner = panel_owner(panel)
    if owner is None:
        return _("评分组尚未关联评价。")
    if _is_key(owner):
        if owner.status == KeyStatus.FIELDWORK:
            return None
        return _("评价处于“%(s)s”状态，现场评价阶段才能评分。") % {"s": owner.get_status_display()}
    if owner.status == ExAnteStatus.SCORING:
        return None
    return _("事前评估处于“%(s)s”状态，专家评审阶段才能评分。") % {"s": owner.get_status_display()}


def office_refusal(panel: ScoringPanel, user) -> str | None:
    """Who records the discussion: the commissioning office of a key evaluation, the
    performance office for an ex-ante assessment."""
    owner = panel_owner(panel)
    if _is_key(owner):
        return commissioning_office(owner, user)
    if user.has_role(Role.PERFORMANCE):
        return None
    return _("只有绩效办可以记录专家讨论结果。")


# --------------------------------------------------------------------------- an expert's scores


@dataclass(frozen=True)
class ScoreRow:
    """One indicator on an expert's sheet, with what they have written so far."""

    indicator: PanelIndicator
    score: Decimal | None
    reason: str


def score_sheet(panel: ScoringPanel, member: PanelMember) -> list[ScoreRow]:
    mine = {s.indicator_id: s for s in member.scores.all()}
    return [
        ScoreRow(i, getattr(mine.get(i.pk), "score", None), getattr(mine.get(i.pk), "reason", ""))
        for i in panel.indicators.all()
    ]


def _read_score(raw, indicator) -> Decimal | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            _("“%(i)s”：评分“%(v)s”不是数字。") % {"i": indicator.level3, "v": text}
        )
    return value


@transaction.atomic
def scores_save(*, actor, panel: ScoringPanel, values: dict, submit: bool = False) -> PanelMember:
    """Save the expert's scores, `values` {indicator id: (score text, reason)}. A draft keeps
    what is given (a score outside 0..weight is refused); `submit` also needs every indicator
    scored and a reason for every score below full, and closes the sheet. Nothing is written
    when anything is refused; every refusal names its indicator."""
    member = panel_member(panel, actor)
    if member is None:
        raise PermissionDenied(_("您不是本评价的评审专家。"))
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.submitted_at:
        raise ValidationError(_("您已提交评分，不能再修改。"))
    refusal = open_refusal(panel)
    if refusal:
        raise ValidationError(refusal)
    problems, rows = [], []
    for indicator in panel.indicators.all():
        raw, reason = values.get(indicator.pk, ("", ""))
        reason = str(reason or "").strip()
        try:
            score = _read_score(raw, indicator)
        except ValidationError as exc:
            problems += exc.messages
            continue
        if score is None and not submit:
            continue
        if submit or not 0 <= score <= indicator.weight:  # a draft may wait for its reasons
            why = score_refusal(score, indicator.weight, reason)
        else:
            why = None
        if why:
            problems.append(_("“%(i)s”：%(e)s") % {"i": indicator.level3, "e": render_message(why)})
            continue
        rows.append((indicator, score, reason))
    if problems:
        raise ValidationError(problems)
    for indicator, score, reason in rows:
        ExpertScore.objects.update_or_create(
            member=member, indicator=indicator, defaults={"score": score, "reason": reason}
        )
    if submit:
        member.submitted_at = timezone.now()
        member.save(update_fields=["submitted_at"])
        _log(panel, actor, _("专家提交评分：%(e)s") % {"e": member.expert})
        if panel.all_submitted():
            panel_compute(panel)
    return member


# --------------------------------------------------------------------------- the panel's result


#: What `panel_compute` stores on each indicator.
RESULT_FIELDS = ["computed", "spread", "flagged", "explanation"]


def panel_rules(owner) -> tuple[dict, list]:
    """The rulebook section "key_evaluation" and the grade bands of the "scoring" section in
    force for the owner's region and year, from one read of the rulebook (each `rules_for`
    queries and copies the whole national rulebook). They are that copy's own, read not
    changed here, so they are not copied again as `Rules.section` would."""
    values = rules_for(owner.region.lineage_codes, owner.year).values
    return values["key_evaluation"], values["scoring"]["grades"]


def panel_compute(panel: ScoringPanel) -> list[PanelIndicator]:
    """Each indicator's result from its raw scores (mean or trimmed mean, spread flag), kept
    with its explanation; then the owner's total. The rulebook is read once and the
    indicators are written in one statement, so the queries do not grow with the number of
    indicators."""
    owner = panel_owner(panel)
    rules, grades = panel_rules(owner)
    indicators = list(panel.indicators.all())
    raw = defaultdict(list)  # indicator id → its raw scores, in the order they were given
    for indicator_id, score in (
        ExpertScore.objects.filter(indicator__in=indicators)
        .order_by("pk")
        .values_list("indicator_id", "score")
    ):
        raw[indicator_id].append(score)
    for indicator in indicators:
        result = aggregate(raw[indicator.pk], indicator.weight, rules)
        indicator.computed = result.score
        indicator.spread = result.spread
        indicator.flagged = result.flagged
        indicator.explanation = str(result.explanation)
    _write_results(indicators)
    owner_total_save(panel, indicators=indicators, grades=grades)
    return indicators


def _write_results(indicators: list[PanelIndicator]) -> None:
    """The indicators' results (`RESULT_FIELDS`) in one executemany UPDATE: Django's
    `bulk_update` compiles a CASE … WHEN per indicator and field through the ORM, which takes
    longer than the one save per indicator it would replace (bench/key_evaluations.py)."""
    update_many(PanelIndicator, indicators, RESULT_FIELDS)


def owner_total_save(panel: ScoringPanel, *, indicators=None, grades=None):
    """The owner's score: the sum of the indicators' scores; a key evaluation's grade too.
    Incomplete (an indicator without a score): no score, no grade. `indicators` (the panel's,
    as just computed) and `grades` spare reading them again; by default they are read."""
    owner = panel_owner(panel)
    if owner is None:
        return None
    if indicators is None:
        indicators = panel.indicators.all()
    if grades is None:
        grades = grades_of(owner)
    total = panel_total([i.score for i in indicators], grades)
    owner.score = total.total if total.complete else None
    fields = ["score"]
    if _is_key(owner):
        owner.grade = total.grade or ""
        fields.append("grade")
    owner.save(update_fields=fields)
    return total


@transaction.atomic
def discussion_save(*, actor, indicator: PanelIndicator, discussion: str, agreed) -> PanelIndicator:
    """The office's record of a flagged indicator's discussion and the score agreed (0..its
    weight), once every expert has submitted."""
    panel = indicator.panel
    refusal = office_refusal(panel, actor)
    if refusal:
        raise PermissionDenied(refusal)
    if not panel.all_submitted():
        raise ValidationError(_("全部专家提交评分后才能记录讨论结果。"))
    if not indicator.flagged:
        raise ValidationError(
            _("“%(i)s”专家评分分歧在允许范围内，不需要讨论确定得分。") % {"i": indicator.level3}
        )
    score = _read_score(agreed, indicator)
    if score is None:
        raise ValidationError(_("“%(i)s”：请填写讨论确定的得分。") % {"i": indicator.level3})
    if not 0 <= score <= indicator.weight:
        raise ValidationError(
            _("“%(i)s”：得分 %(s)s 超出 0～%(w)s。")
            % {"i": indicator.level3, "s": score, "w": indicator.weight}
        )
    if not discussion.strip():
        raise ValidationError(_("“%(i)s”：请记录讨论情况。") % {"i": indicator.level3})
    indicator.discussion = discussion.strip()
    indicator.agreed = score
    indicator.save(update_fields=["discussion", "agreed"])
    _log(
        panel,
        actor,
        _("记录专家讨论结果：%(i)s 确定得分 %(s)s") % {"i": indicator.level3, "s": score},
    )
    owner_total_save(panel)
    return indicator


def _log(panel, actor, message: str) -> None:
    owner = panel_owner(panel)
    if owner is not None:
        audit.record(action="update", instance=owner, actor=actor, message=message)


# --------------------------------------------------------------------------- the office's table


def raw_table(panel: ScoringPanel, scores) -> tuple[list, list[dict]]:
    """The raw scores as a table, indicator × expert: the members (columns) and, per
    indicator, its cells in the members' order (None where no score is visible)."""
    members = list(panel.members.select_related("expert").order_by("pk"))
    cells = {(s.indicator_id, s.member_id): s for s in scores}
    owner = panel_owner(panel)
    rules = rules_of(owner) if owner is not None else None
    rows = [
        {
            "indicator": i,
            "cells": [cells.get((i.pk, m.pk)) for m in members],
            "explanation": explanation(i, rules),
        }
        for i in panel.indicators.prefetch_related("raw")
    ]
    return members, rows


def explanation(indicator: PanelIndicator, rules: dict | None) -> str:
    """How the indicator's result was computed, in the reader's language (the stored text is
    the Chinese one); "" before the result exists."""
    if indicator.computed is None:
        return ""
    if rules is None:
        return indicator.explanation
    result = aggregate([s.score for s in indicator.raw.all()], indicator.weight, rules)
    return render_message(result.explanation)
