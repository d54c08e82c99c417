"""Budget linkage's say at the budget gate (DOMAIN.md §8.2, §4.5), asked through
`jixiao.core.gates` by `targets.services.project_arrange`; registered when the app starts
(`registrations.py`).

- A project of `year` whose proposal for `year` was decided "cancel" is refused. The proposal
  belongs to the project of `year − 1`; it is matched by the same code, or by the same unit and
  name (how `linkage_service` follows a project across years).
- A new project of `year` (nothing of the same code, or of the same unit and name, in `year − 1`)
  whose name is similar (`linkage.similar`) to a one-off project of the same unit in `year − 1`
  graded 差 (the rulebook's `block_similar_grades`, by the grade that counts) is refused.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from jixiao.budgets.models import Project
from jixiao.core.gates import register_gate_check

from .linkage import grade_that_counts, similar, similarity
from .linkage_service import candidates
from .models import LinkageProposal
from .rules import rules_in_force


def _same_last_year(project) -> Q:
    return Q(project__code=project.code) | Q(
        project__unit_id=project.unit_id, project__name=project.name
    )


@register_gate_check
def linkage_gate_check(project, year: int) -> str | None:
    """None when budget linkage lets the project be arranged; else why not."""
    cancelled = (
        LinkageProposal.objects.filter(
            region_id=project.region_id, year=year, project__year=year - 1, cancelled=True
        )
        .filter(_same_last_year(project))
        .first()
    )
    if cancelled is not None:
        return _("项目“%(p)s”在%(year)s年度预算挂钩中已决定取消（%(why)s），不能安排预算。") % {
            "p": project.name,
            "year": year,
            "why": cancelled.decision_reason or cancelled.reason,
        }
    last_year = Project.objects.filter(region_id=project.region_id, year=year - 1)
    if last_year.filter(
        Q(code=project.code) | Q(unit_id=project.unit_id, name=project.name)
    ).exists():
        return None  # a continuing project: its proposal speaks for it
    section = rules_in_force(project.region, year, "linkage")
    blocking = set(section["block_similar_grades"])
    names = list(
        last_year.filter(unit_id=project.unit_id, multi_year=False).values_list("id", "name")
    )
    alike = {pk for pk, name in names if similar(name, project.name, section)}
    if not alike or not blocking:
        return None
    for candidate in candidates(
        region=project.region, year=year, section=section, unit_id=project.unit_id
    ):
        if candidate.project_id not in alike or candidate.continuing:
            continue
        grade, _source = grade_that_counts(candidate.results.grades, section)
        if grade in blocking:
            return _(
                "新项目“%(p)s”与上年度评价等级为“%(g)s”的一次性项目“%(old)s”相似（相似度%(r)s），"
                "按预算挂钩规则不能安排预算。"
            ) % {
                "p": project.name,
                "g": grade,
                "old": candidate.name,
                "r": similarity(candidate.name, project.name),
            }
    return None
