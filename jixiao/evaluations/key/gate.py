"""The ex-ante assessment's say at the budget gate (DOMAIN.md §7, §4.5).

A new project (no project of the same code in the previous year, or one without a budget
there) of the rulebook's line or more needs an ex-ante assessment concluded 予以支持 or 调整后支持
before it may be arranged in the budget. `targets` asks through `jixiao.core.gates`; this check
registers itself when `evaluations/apps.py` imports this module.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from jixiao.budgets.models import Project
from jixiao.core.gates import register_gate_check
from jixiao.core.rulebook import rules_for

from . import defaults  # noqa: F401  (registers the rulebook section "key_evaluation")
from .ex_ante import is_new_project, needs_ex_ante, supports
from .models import ExAnteAssessment, ExAnteStatus


def requested_amount(project) -> Decimal:
    """What the project asks for: its initial budget (年初预算), else its full-year budget."""
    return project.initial_total or project.full_total


def ex_ante_need(project, year: int, rules: dict | None = None) -> str | None:
    """Why the project needs an ex-ante assessment (the pure rule's reason), or None."""
    if rules is None:
        rules = rules_for(project.region.lineage_codes, year).section("key_evaluation")
    previous = (
        Project.objects.filter(region_id=project.region_id, year=year - 1, code=project.code)
        .only("full_current", "full_carryover", "full_other")
        .first()
    )
    is_new = is_new_project(previous.full_total if previous is not None else None)
    return needs_ex_ante(is_new, requested_amount(project), False, rules)


@register_gate_check
def ex_ante_gate_check(project, year: int) -> str | None:
    """The gate's question (core.gates): None when the project may be arranged."""
    rules = rules_for(project.region.lineage_codes, year).section("key_evaluation")
    need = ex_ante_need(project, year, rules)
    if need is None:
        return None
    assessments = list(
        ExAnteAssessment.objects.filter(project_id=project.pk)
        .order_by("-pk")
        .only("status", "conclusion")
    )
    done = [a for a in assessments if a.status == ExAnteStatus.CONCLUDED]
    if any(supports(a.conclusion, rules) for a in done):
        return None
    if done:
        state = _("事前绩效评估结论为“%(c)s”") % {"c": done[0].conclusion}
    elif assessments:
        state = _("事前绩效评估尚未出具结论（当前：%(s)s）") % {
            "s": assessments[0].get_status_display()
        }
    else:
        state = _("尚未开展事前绩效评估")
    return _("项目“%(p)s”%(need)s；%(state)s，须经评估予以支持或调整后支持方可安排预算。") % {
        "p": project.name,
        "need": need,
        "state": state,
    }
