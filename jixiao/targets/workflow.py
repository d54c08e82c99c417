"""The review workflow of targets (DOMAIN.md §4.5) as a transition table for core.workflow.

draft/returned ─complete─► ready ─submit─► submitted ─pass─► first_passed ─approve─► approved
                             │  (level-2 unit)  ▲                  │
                             └─submit─► parent_review ─forward─┘   └─reject (差)─► rejected
returns (with a reason) from every review state go back to `returned`, which edits like a draft;
the leader may withdraw a submission before anyone reviewed it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.workflow import Transition, Workflow
from jixiao.orgs.models import Role, UnitYear

from .models import Status


def _no_blocking_findings(target, user) -> str | None:
    if target.blocking_count:
        return _("还有 %(n)s 个必须修改的问题（见质量检查），修改后才能提交。") % {
            "n": target.blocking_count
        }
    return None


def _has_indicators(target, user) -> str | None:
    return None if target.indicators.exists() else _("还没有填写绩效指标。")


def _parent_unit(target):
    row = UnitYear.objects.filter(unit_id=target.unit_id, year=target.year).first()
    return row.parent_id if row and row.level == 2 else None


def _is_level2(target, user) -> str | None:
    return None if _parent_unit(target) else _("一级单位的目标直接报送业务股室。")


def _is_level1(target, user) -> str | None:
    return _("二级单位的目标须先报主管部门审核。") if _parent_unit(target) else None


def own_unit(target, user) -> str | None:
    """Unit staff act on their own unit's targets (not on a level-2 unit's, except forwarding)."""
    return None if user.unit_id == target.unit_id else _("只能处理本单位的绩效目标。")


def _parent_of_unit(target, user) -> str | None:
    return (
        None
        if user.unit_id and user.unit_id == _parent_unit(target)
        else _("只有主管部门（上级单位）可以审核二级单位的目标。")
    )


def office_of_unit(target, user) -> str | None:
    office = (
        UnitYear.objects.filter(unit_id=target.unit_id, year=target.year)
        .values_list("office_id", flat=True)
        .first()
    )
    return None if office and office == user.office_id else _("该单位不归口您所在的股室。")


def grade_refusal(target, overall: str | None) -> str | None:
    """Why an overall grade does not allow final approval (the rulebook's "review" section)."""
    from jixiao.core.rulebook import rules_for

    allowed = rules_for(target.region.lineage_codes, target.year).get("review.approvable_grades")
    if overall and overall not in allowed:
        return _("总体评级为“%(g)s”的目标不能批复：“中”须退回修改，“差”不予安排。") % {"g": overall}
    return None


def _grades_allow_approval(target, user) -> str | None:
    return grade_refusal(target, (target.grades or {}).get("final", {}).get("overall"))


def _not_reviewed_yet(target, user) -> str | None:
    return (
        None
        if target.status in (Status.SUBMITTED, Status.PARENT_REVIEW)
        else _("已进入审核，不能撤回。")
    )


FILER = frozenset({Role.FILER})
LEADER = frozenset({Role.LEADER})
BUSINESS = frozenset({Role.BUSINESS})
BUDGET = frozenset({Role.BUDGET})
REVIEWABLE = frozenset({Status.PARENT_REVIEW, Status.SUBMITTED, Status.FIRST_PASSED})

TARGET_WORKFLOW = Workflow(
    states=dict(Status.choices),
    transitions=[
        Transition(
            "complete",
            gettext_lazy("填报完成"),
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.READY,
            FILER,
            (own_unit, _has_indicators, _no_blocking_findings),
            style="primary",
        ),
        Transition(
            "reopen",
            gettext_lazy("退回填报人"),
            frozenset({Status.READY}),
            Status.DRAFT,
            LEADER | FILER,
            (own_unit,),
        ),
        Transition(
            "submit",
            gettext_lazy("确认并提交"),
            frozenset({Status.READY}),
            Status.SUBMITTED,
            LEADER,
            (own_unit, _is_level1, _has_indicators, _no_blocking_findings),
            style="primary",
        ),
        Transition(
            "submit_to_parent",
            gettext_lazy("确认并报主管部门"),
            frozenset({Status.READY}),
            Status.PARENT_REVIEW,
            LEADER,
            (own_unit, _is_level2, _has_indicators, _no_blocking_findings),
            style="primary",
        ),
        Transition(
            "withdraw",
            gettext_lazy("撤回"),
            frozenset({Status.SUBMITTED, Status.PARENT_REVIEW}),
            Status.DRAFT,
            LEADER,
            (own_unit, _not_reviewed_yet),
        ),
        Transition(
            "forward",
            gettext_lazy("审核通过并报业务股室"),
            frozenset({Status.PARENT_REVIEW}),
            Status.SUBMITTED,
            LEADER,
            (_parent_of_unit,),
            style="primary",
        ),
        Transition(
            "return_parent",
            gettext_lazy("退回"),
            frozenset({Status.PARENT_REVIEW}),
            Status.RETURNED,
            LEADER,
            (_parent_of_unit,),
            needs_comment=True,
            style="danger",
        ),
        Transition(
            "pass",
            gettext_lazy("初审通过"),
            frozenset({Status.SUBMITTED}),
            Status.FIRST_PASSED,
            BUSINESS,
            (office_of_unit,),
            style="primary",
        ),
        Transition(
            "return_first",
            gettext_lazy("退回"),
            frozenset({Status.SUBMITTED}),
            Status.RETURNED,
            BUSINESS,
            (office_of_unit,),
            needs_comment=True,
            style="danger",
        ),
        Transition(
            "approve",
            gettext_lazy("终审批复"),
            frozenset({Status.FIRST_PASSED}),
            Status.APPROVED,
            BUDGET,
            (_grades_allow_approval,),
            style="primary",
        ),
        Transition(
            "return_final",
            gettext_lazy("退回"),
            frozenset({Status.FIRST_PASSED}),
            Status.RETURNED,
            BUDGET,
            (),
            needs_comment=True,
            style="danger",
        ),
        Transition(
            "reject",
            gettext_lazy("不予安排"),
            frozenset({Status.FIRST_PASSED}),
            Status.REJECTED,
            BUDGET,
            (),
            needs_comment=True,
            style="danger",
        ),
    ],
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

# The API's three verbs (CONTRACT.md) mapped onto whichever step the caller can take now.
API_ACTIONS = {
    "submit": ("submit", "submit_to_parent"),
    "approve": ("forward", "pass", "approve"),
    "return": ("return_parent", "return_first", "return_final"),
}
