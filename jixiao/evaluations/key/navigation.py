"""To-dos of key evaluations on the home page (待办): the data requests waiting for the evaluated
unit (reminded or overdue ones first), the scores waiting for an expert, the site visits and
draft reports waiting for the agency, and every evaluation whose workflow waits for the user
(`selectors.key_queue`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core.navigation import Todo, queue_todos, register_todos
from jixiao.core.workflow import next_step
from jixiao.orgs.models import Role

from .workflow import EX_ANTE_WORKFLOW

LIMIT = 50


def _url(evaluation, anchor: str = "") -> str:
    return reverse("key-detail", args=[evaluation.pk]) + (f"#{anchor}" if anchor else "")


def _unit_requests(user, evaluations) -> list[Todo]:
    from .models import DataRequest, KeyStatus
    from .workflow import unit_may_answer

    if not user.has_role(Role.FILER):
        return []
    today = timezone.localdate()
    rows = (
        DataRequest.objects.filter(evaluation__in=evaluations, answered_at__isnull=True)
        .exclude(evaluation__status__in=[KeyStatus.DRAFT, KeyStatus.FINAL, KeyStatus.ARCHIVED])
        .select_related("evaluation")[:LIMIT]
    )
    return [
        Todo(
            title=_("提交评价资料：%(i)s（%(s)s）") % {"i": r.item, "s": r.evaluation.subject},
            url=reverse("key-request-answer", args=[r.evaluation_id, r.pk]),
            stage="evaluations",
            deadline=r.due,
            detail=_("已催报") if r.reminded_at else "",
            urgent=bool(r.reminded_at) or r.due < today,
        )
        for r in rows
        if unit_may_answer(r.evaluation, user) is None
    ]


def _expert_scores(user, evaluations) -> list[Todo]:
    from .models import KeyStatus

    if not user.has_role(Role.EXPERT):
        return []
    waiting = evaluations.filter(
        status=KeyStatus.FIELDWORK,
        panel__members__expert__user=user,
        panel__members__submitted_at__isnull=True,
    ).distinct()[:LIMIT]
    return [
        Todo(
            title=_("专家评分：%(s)s") % {"s": e.subject},
            url=reverse("key-score", args=[e.pk]),
            stage="evaluations",
        )
        for e in waiting
    ]


def _agency_work(user, evaluations) -> list[Todo]:
    from .models import KeyStatus

    if not user.has_role(Role.AGENCY):
        return []
    mine = evaluations.filter(agency__members=user, status=KeyStatus.FIELDWORK)
    todos = [
        Todo(
            title=_("记录现场勘查：%(s)s") % {"s": e.subject},
            url=reverse("visit-new", args=[e.pk]),
            stage="evaluations",
        )
        for e in mine.filter(site_visits__isnull=True)[:LIMIT]
    ]
    todos += [
        Todo(
            title=_("撰写评价报告初稿：%(s)s") % {"s": e.subject},
            url=_url(e),
            stage="evaluations",
        )
        for e in mine.filter(reports__isnull=True)
        .exclude(site_visits__isnull=True)
        .distinct()[:LIMIT]
    ]
    return todos


def _queue(user, region, year) -> list[Todo]:
    from .selectors import key_queue
    from .workflow import KEY_WORKFLOW

    return queue_todos(
        key_queue(user=user, region=region, year=year),
        labels=lambda e: next_step(KEY_WORKFLOW, e, user),
        url_name="key-detail",
        stage="evaluations",
        subject=lambda e: e.subject,
        detail=lambda e: e.unit.name,
        urgent=lambda e: bool(e.return_reason) and e.status in ("notified", "responded"),
        limit=LIMIT,
    )


def exante_todos(user, region, year) -> list[Todo]:
    """Ex-ante assessments waiting for the user (the unit's leader submits, the performance
    office accepts and concludes) and panels waiting for an expert's scores. An assessment is
    for a budget year, done the year before it, so the work year's and the next are shown."""
    from .models import ExAnteAssessment, ExAnteStatus
    from .selectors import exante_queue

    if region is None:
        return []
    # both years in one query: the home page's to-dos are on every sign-in's first page
    todos = _exante_todos(
        exante_queue(user=user, region=region, year=None).filter(year__in=(year, year + 1)),
        lambda a: next_step(EX_ANTE_WORKFLOW, a, user),
        "exante-detail",
    )
    if user.has_role(Role.EXPERT):
        scoring = ExAnteAssessment.objects.visible_to(user).filter(
            status=ExAnteStatus.SCORING,
            panel__members__expert__user=user,
            panel__members__submitted_at__isnull=True,
        )
        todos += _exante_todos(scoring, lambda a: _("专家评分"), "exante-score")
    return todos


def _exante_todos(assessments, label, url_name: str) -> list[Todo]:
    return queue_todos(
        assessments,
        labels=label,
        url_name=url_name,
        stage="evaluations",
        subject=lambda a: a.subject,
        detail=lambda a: _("事前绩效评估"),
        urgent=lambda a: bool(a.return_reason),
        limit=LIMIT,
    )


def key_todos(user, region, year) -> list[Todo]:
    from .selectors import key_list

    if region is None:
        return []
    evaluations = key_list(user=user, region=region, year=year)
    return (
        _unit_requests(user, evaluations)
        + _expert_scores(user, evaluations)
        + _agency_work(user, evaluations)
        + _queue(user, region, year)
    )


register_todos(key_todos)
register_todos(exante_todos)
