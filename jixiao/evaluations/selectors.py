"""Reads on evaluations: lists per role, the reviewer's queue, one self-evaluation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Unpack

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from jixiao.budgets.models import Project, full_total_of
from jixiao.core.listing import ListFilters, narrowed
from jixiao.core.sorting import Sorts, grade_order
from jixiao.orgs.models import Region, User
from jixiao.targets.models import Target, TargetStatus

from .models import EvaluationStatus, SelfEvalIndicator, SelfEvaluation, UnitEvaluation
from .workflow import SELFEVAL_WORKFLOW

#: The columns the self-evaluation list and queue sort by (core/sorting.py): unit (the
#: default) and project codes, the project's full-year budget, the three scores and the status.
SELFEVAL_SORTS = Sorts(
    "unit",
    unit=("unit__code", "project__code"),
    project=("project__code",),
    budget=(full_total_of("project__"),),
    self_total=("self_total",),
    total=("total",),
    reviewed_total=("reviewed_total",),
    grade=(grade_order("reviewed_grade", "grade"), "unit__code", "project__code"),
    status=("status",),
)


def selfeval_list(
    *,
    user: User,
    grade: str = "",
    flagged: str = "",
    sort: str = "",
    **filters: Unpack[ListFilters],
) -> QuerySet[SelfEvaluation]:
    """The self-evaluations the user sees, by the shared list filters (words: the project's
    name or code), a grade, and `flagged="self_score"` for those whose self-scores the rules
    question, in the order `sort` asks for (`SELFEVAL_SORTS`)."""
    rows = SelfEvaluation.objects.visible_to(user).select_related("project", "unit", "region")
    rows = narrowed(
        rows, statuses=EvaluationStatus.values, search=("project__name", "project__code"), **filters
    )
    if grade:
        rows = rows.filter(grade=grade)
    if flagged == "self_score":
        rows = rows.filter(indicators__problems__icontains="self_score").distinct()
    return SELFEVAL_SORTS.apply(rows, sort)


def startable_projects(*, user: User, year: int, unit=None) -> QuerySet[Project]:
    """The projects of `year` whose 自评表 the filer may start now: of the filer's own units
    (or of `unit` among them), with an approved target and no self-evaluation yet. The
    approved target is asked of each project (EXISTS by its project id): joined and filtered by
    status, SQLite searched every approved target of the database instead, 64 ms a call at
    province scale against under 1 ms."""
    approved = Target.objects.filter(project_id=OuterRef("pk"), status=TargetStatus.APPROVED)
    rows = Project.objects.visible_to(user).filter(
        Exists(approved),
        year=year,
        unit_id__in=user.get_scope().unit_ids,
        selfeval__isnull=True,
    )
    if unit is not None:
        rows = rows.filter(unit=unit)
    return rows.distinct().order_by("code")


#: The versions a 自评表 may start from: the approved one, or the last approved before a newer
#: version superseded it.
STARTING_STATUSES = frozenset({TargetStatus.APPROVED, TargetStatus.SUPERSEDED})


def starting_targets(project_ids: Iterable[int]) -> dict[int, Target]:
    """The target each project's 自评表 starts from, by project id: its latest approved or
    superseded version (a project without one is absent). One query. Read by project alone and
    the status checked here: with the status in the WHERE clause SQLite, which keeps no
    statistics, searches the status index instead, every approved target of the database for
    each call (a province's 40,000 for each of its 7,000 units starting its tables)."""
    targets: dict[int, Target] = {}
    for target in Target.objects.filter(project_id__in=project_ids).order_by(
        "project_id", "-version"
    ):
        if target.status in STARTING_STATUSES:
            targets.setdefault(target.project_id, target)
    return targets


def selfeval_queue(*, user: User, region: Region | None, year: int | None, sort: str = ""):
    """What waits for this user's action now: the workflow's own answer."""
    rows = selfeval_list(user=user, region=region, year=year, sort=sort)
    return rows.filter(SELFEVAL_WORKFLOW.waiting_q(user))


def selfeval_get(*, user: User, pk: int) -> SelfEvaluation:
    return (
        SelfEvaluation.objects.select_related("project", "unit", "region", "target")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=SelfEvalIndicator.objects.order_by("position").select_related(
                    "reviewed_by"
                ),
            )
        )
        .get_visible_or_404(user, pk=pk)
    )


#: The columns the whole-unit evaluation list sorts by (core/sorting.py): the unit's code (the
#: default), the score and the status. The grade is a word (优, 良 …): no order of its own.
UNIT_EVALUATION_SORTS = Sorts(
    "unit",
    unit=("unit__code",),
    total=("total", "unit__code"),
    grade=(grade_order("grade"), "unit__code"),
    status=("status", "unit__code"),
)


def unit_evaluation_list(*, user: User, region: Region | None, year: int | None, sort: str = ""):
    """The whole-unit evaluations of the year the user sees, in the order `sort` asks for
    (`UNIT_EVALUATION_SORTS`: by unit unless asked)."""
    rows = UnitEvaluation.objects.visible_to(user).select_related("unit")
    return UNIT_EVALUATION_SORTS.apply(rows.in_work(region, year), sort)
