"""The review workflow of targets (DOMAIN.md §4.5): the common unit review path
(`orgs.review`) with parent review for level-2 units, rejection and review grades.

draft/returned ─complete─► ready ─submit─► submitted ─pass─► first_passed ─approve─► approved
                             │  (level-2 unit)  ▲                  │
                             └─submit─► parent_review ─forward─┘   └─reject (差)─► rejected
returns (with a reason) from every review state go back to `returned`, which edits like a draft;
the leader may withdraw a submission before anyone reviewed it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.locks import year_lock
from jixiao.core.compiled import KeyedQuery, prefetched_rows
from jixiao.core.workflow import Transition, with_q
from jixiao.orgs.models import UnitYear
from jixiao.orgs.review import (
    BUDGET,
    LEADER,
    NOTHING,
    READY,
    SUBMITTED,
    own_unit,
    review_return,
    unit_review_workflow,
    withdraw,
)

from .models import Indicator, Target, TargetStatus


def _no_blocking_findings(target, user) -> str | None:
    if target.blocking_count:
        return _("还有 %(n)s 个必须修改的问题（见质量检查），修改后才能提交。") % {
            "n": target.blocking_count
        }
    return None


def _has_indicators(target, user) -> str | None:
    rows = prefetched_rows(target, "indicators")  # the detail page's, read with the target
    found = bool(rows) if rows is not None else _ONE_INDICATOR.first(target.pk) is not None
    return None if found else _("还没有填写绩效指标。")


# `target.indicators.exists()` by SQL compiled once a process: asked on every step that
# submits or completes a target.
_ONE_INDICATOR = KeyedQuery(
    lambda target_id: (
        Indicator.objects.filter(target_id=target_id).order_by().values_list("pk")[:1]
    ),
    30001,
)


def _parent_unit(target):
    """The unit's parent when the unit is a level-2 unit of the target's year, else None.

    Read once for the target: a page asks both `_is_level1` and `_is_level2` (and a leader's
    `_parent_of_unit`), and a unit's place in a year does not change within a request. The
    answer is kept with the unit and year it was read for, so a target moved to another unit or
    year reads it again."""
    key = (target.unit_id, target.year)
    kept = target.__dict__.get("_parent_unit_kept")
    if kept is None or kept[0] != key:
        row = _UNIT_YEAR.first(*key)
        kept = target.__dict__["_parent_unit_kept"] = (
            key,
            row[1] if row and row[0] == 2 else None,
        )
    return kept[1]


# A unit's level and parent in a year (one row at most: unique by unit and year), by SQL
# compiled once a process: asked by every target step and page a leader sees.
_UNIT_YEAR = KeyedQuery(
    lambda unit_id, year: (
        UnitYear.objects.filter(unit_id=unit_id, year=year)
        .order_by()
        .values_list("level", "parent_id")[:1]
    ),
    30001,
    30002,
)


def _is_level2(target, user) -> str | None:
    return None if _parent_unit(target) else _("一级单位的目标直接报送业务股室。")


def _is_level1(target, user) -> str | None:
    return _("二级单位的目标须先报主管部门审核。") if _parent_unit(target) else None


def _children_q(user) -> Q:
    if not user.unit_id:
        return NOTHING
    level2 = UnitYear.objects.filter(
        unit_id=OuterRef("unit_id"), year=OuterRef("year"), level=2, parent_id=user.unit_id
    )
    return Q(Exists(level2))


@with_q(_children_q)
def _parent_of_unit(target, user) -> str | None:
    return (
        None
        if user.unit_id and user.unit_id == _parent_unit(target)
        else _("只有主管部门（上级单位）可以审核二级单位的目标。")
    )


def grade_refusal(target, overall: str | None) -> str | None:
    """Why an overall grade does not allow final approval (the rulebook's "review" section)."""
    from jixiao.core.rulebook import rules_for

    allowed = rules_for(target.region.lineage_codes, target.year).get("review.approvable_grades")
    if overall and overall not in allowed:
        return _("总体评级为“%(g)s”的目标不能批复：“中”须退回修改，“差”不予安排。") % {"g": overall}
    return None


def pass_refusal(target, overall: str | None) -> str | None:
    """Why an overall grade given at an earlier review step (forward, pass) does not allow
    passing the declaration on: the rulebook's `review.return_grades` must be returned."""
    from jixiao.core.rulebook import rules_for

    returned = rules_for(target.region.lineage_codes, target.year).get("review.return_grades")
    if overall and overall in returned:
        return _("总体评级为“%(g)s”的目标须退回修改，不能审核通过。") % {"g": overall}
    return None


def step_grade_refusal(target, name: str, overall: str | None) -> str | None:
    """Why the overall grade given with review step `name` does not allow that step: final
    approval takes only `review.approvable_grades`; the steps that pass a declaration on
    (the level-1 unit's forward, the first review's pass) refuse `review.return_grades`."""
    if name == "approve":
        return grade_refusal(target, overall)
    if name in ("forward", "pass"):
        return pass_refusal(target, overall)
    return None


def _grades_allow_approval(target, user) -> str | None:
    return grade_refusal(target, (target.grades or {}).get("final", {}).get("overall"))


_CONTENT = (_has_indicators, _no_blocking_findings)

TARGET_WORKFLOW = unit_review_workflow(
    document=Target,
    status=TargetStatus,
    final=("approve", gettext_lazy("终审批复"), TargetStatus.APPROVED),
    lock=year_lock(),
    checks=_CONTENT,
    submit_checks=(_is_level1,),
    final_checks=(_grades_allow_approval,),
    after_submit=(
        Transition(
            "submit_to_parent",
            gettext_lazy("确认并报主管部门"),
            frozenset({READY}),
            TargetStatus.PARENT_REVIEW,
            LEADER,
            (own_unit, _is_level2, *_CONTENT),
            style="primary",
            attest=True,
        ),
        withdraw(SUBMITTED, TargetStatus.PARENT_REVIEW),
        Transition(
            "forward",
            gettext_lazy("审核通过并报业务股室"),
            frozenset({TargetStatus.PARENT_REVIEW}),
            SUBMITTED,
            LEADER,
            (_parent_of_unit,),
            style="primary",
        ),
        review_return("return_parent", TargetStatus.PARENT_REVIEW, LEADER, (_parent_of_unit,)),
    ),
    extra=(
        Transition(
            "reject",
            gettext_lazy("不予安排"),
            frozenset({TargetStatus.FIRST_PASSED}),
            TargetStatus.REJECTED,
            BUDGET,
            (),
            needs_comment=True,
            style="danger",
        ),
    ),
    edit_refusal=gettext_lazy("只有本单位的填报人员可以填写绩效目标。"),
    state_refusal=gettext_lazy("目标处于“%(s)s”状态，不能修改。"),
)

# Transitions that record review grades (DOMAIN.md §4.5), and at which stage.
GRADED = {
    "forward": "parent",
    "pass": "first",
    "return_first": "first",
    "approve": "final",
    "return_final": "final",
    "reject": "final",
}

# The API's three verbs (CONTRACT.md) mapped onto whichever step the caller can take now: a
# filer's submit completes the form (填报完成), the unit leader's attests and submits it.
API_ACTIONS = {
    "submit": ("complete", "submit", "submit_to_parent"),
    "approve": ("forward", "pass", "approve"),
    "return": ("return_parent", "return_first", "return_final"),
}
