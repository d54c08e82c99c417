"""Reads on key evaluations and ex-ante assessments: lists in the user's scope, one document,
what waits for the user, and the expert scores a user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao.core.sorting import Sorts, grade_order
from jixiao.orgs.models import Role

from .models import (
    ExAnteAssessment,
    ExpertScore,
    KeyEvaluation,
    PanelMember,
    ScoringPanel,
)
from .workflow import EX_ANTE_WORKFLOW, KEY_WORKFLOW

#: The columns the key evaluation list and queue sort by (core/sorting.py): the newest year
#: first, in the order of commissioning (the default), the subject and the agency (in the
#: database's collation), the unit's code, the kind, the score and the status.
KEY_SORTS = Sorts(
    "newest",
    newest=("-year",),
    subject=("subject",),
    unit=("unit__code",),
    kind=("kind", "unit__code"),
    agency=("agency__name",),
    score=("score",),
    grade=(grade_order("grade"), "unit__code"),
    status=("status", "unit__code"),
)


def key_list(*, user, region=None, year=None, filters: dict | None = None) -> QuerySet:
    """The key evaluations the user may see, of the working region and year. `filters` takes
    the list page's and the API's `status`, `unit`, `kind` and `q`, and the page's `sort`
    (`KEY_SORTS`)."""
    f = filters or {}
    rows = (
        KeyEvaluation.objects.visible_to(user)
        .in_work(region, year)
        .select_related("unit", "project", "agency", "region", "commissioner")
    )
    rows = KEY_SORTS.apply(rows, f.get("sort"))
    if f.get("status"):
        rows = rows.filter(status=f["status"])
    if str(f.get("unit") or "").isdigit():
        rows = rows.filter(unit_id=f["unit"])
    if f.get("kind"):
        rows = rows.filter(kind=f["kind"])
    if f.get("q"):
        rows = rows.filter(Q(subject__icontains=f["q"]) | Q(project__code__icontains=f["q"]))
    return rows


def key_get(*, user, pk) -> KeyEvaluation:
    return KeyEvaluation.objects.select_related(
        "unit", "project", "agency", "region", "commissioner", "panel"
    ).get_visible_or_404(user, pk=pk)


def key_queue(*, user, region=None, year=None, sort: str = "") -> QuerySet:
    """What waits for this user's action now: the workflow's own answer."""
    rows = key_list(user=user, region=region, year=year, filters={"sort": sort})
    return rows.filter(KEY_WORKFLOW.waiting_q(user))


#: The columns the ex-ante assessment list sorts by (core/sorting.py): the newest budget year
#: first, in the order of request (the default), the subject (in the database's collation), the
#: unit's code, the amount asked for, the score, the conclusion and the status.
EXANTE_SORTS = Sorts(
    "newest",
    newest=("-year",),
    subject=("subject",),
    unit=("unit__code",),
    amount=("amount",),
    score=("score",),
    conclusion=("conclusion", "unit__code"),
    status=("status", "unit__code"),
)


def exante_list(*, user, region=None, year=None, filters: dict | None = None) -> QuerySet:
    """The ex-ante assessments the user may see, of the working region and year. `filters`
    takes the list page's and the API's `status` and `unit`, and the page's `sort`
    (`EXANTE_SORTS`)."""
    f = filters or {}
    rows = (
        ExAnteAssessment.objects.visible_to(user)
        .in_work(region, year)
        .select_related("unit", "project", "region")
    )
    rows = EXANTE_SORTS.apply(rows, f.get("sort"))
    if f.get("status"):
        rows = rows.filter(status=f["status"])
    if str(f.get("unit") or "").isdigit():
        rows = rows.filter(unit_id=f["unit"])
    return rows


def exante_get(*, user, pk) -> ExAnteAssessment:
    return ExAnteAssessment.objects.select_related(
        "unit", "project", "region", "panel"
    ).get_visible_or_404(user, pk=pk)


def exante_queue(*, user, region=None, year=None) -> QuerySet:
    return exante_list(user=user, region=region, year=year).filter(EX_ANTE_WORKFLOW.waiting_q(user))


def panel_member(panel: ScoringPanel, user) -> PanelMember | None:
    """The user's seat on the panel, if they are one of its experts."""
    if not user.has_role(Role.EXPERT):
        return None
    return panel.members.filter(expert__user=user).select_related("expert").first()


def member_or_404(panel: ScoringPanel, user) -> PanelMember:
    member = panel_member(panel, user)
    if member is None:
        raise Http404
    return member


def visible_scores(panel: ScoringPanel, user) -> QuerySet:
    """The raw scores this user may read. An expert sees only their own until every expert
    has submitted (比对打分: each scores alone); the office and the auditor see all, the agency
    and the unit only once all have submitted."""
    scores = ExpertScore.objects.filter(member__panel=panel).select_related(
        "member__expert", "indicator"
    )
    if user.has_role(Role.PERFORMANCE) or user.has_role(Role.AUDITOR):
        return scores
    if panel.all_submitted():
        return scores
    member = panel_member(panel, user)
    return scores.filter(member=member) if member else scores.none()
