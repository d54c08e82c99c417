"""The survey stage's menu entry (公众测评, for the bureau's and units' staff and the agencies)
and its to-dos for a survey's builders: open surveys closing within the rulebook's days, or
whose valid answers are still below the target sample."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from jixiao.core.navigation import MenuItem, Todo, register_menu, register_panel, register_todos
from jixiao.orgs.models import STAFF_ROLES, Role

from .rules import rules_in_force

#: Days before a survey's closing time from which it is a to-do (ours).
BUILDER_ROLES = frozenset({Role.PERFORMANCE, Role.AGENCY, Role.FILER})

register_menu(
    MenuItem(
        "evaluations",
        pgettext_lazy("heading", "公众测评"),
        "survey-list",
        roles=STAFF_ROLES | {Role.AGENCY},
        order=36,
    ),
)


def _todos(user, region, year) -> list[Todo]:
    if region is None or not (BUILDER_ROLES & user.role_set):
        return []
    from .selectors import waiting_surveys

    days = rules_in_force(region, year)["closing_soon_days"]
    rows = waiting_surveys(user=user, region=region, year=year, days=days)
    soon = timezone.now() + dt.timedelta(days=days)
    todos = []
    for survey in rows:
        below = survey.target_sample is not None and survey.valid_now < survey.target_sample
        detail = (
            _("有效答卷 %(v)s 份，未达目标样本量 %(t)s 份")
            % {"v": survey.valid_now, "t": survey.target_sample}
            if below
            else ""
        )
        todos.append(
            Todo(
                title=_("公众测评：%(t)s") % {"t": survey.title},
                url=reverse("survey-detail", args=[survey.pk]),
                stage="evaluations",
                deadline=survey.closes_at.date() if survey.closes_at else None,
                detail=detail,
                urgent=survey.closes_at is not None and survey.closes_at <= soon,
            )
        )
    return todos


register_todos(_todos)


def _project_panel(request, project) -> str:
    """The project page's 公众测评 section: the surveys about its self-evaluation and its key
    evaluations that the user may see, and a link to build one where the user builds."""
    from django.db.models import Q
    from django.template.loader import render_to_string

    from jixiao.evaluations.models import KeyEvaluation, SelfEvaluation

    from .models import Survey
    from .services import build_refusal

    selfeval = SelfEvaluation.objects.visible_to(request.user).filter(project=project).first()
    evaluations = list(KeyEvaluation.objects.visible_to(request.user).filter(project=project))
    surveys = Survey.objects.visible_to(request.user).filter(
        Q(selfeval__project=project) | Q(key_evaluation__project=project)
    )
    builds = [
        (kind, subject)
        for kind, subject in [("selfeval", selfeval)] + [("key_evaluation", e) for e in evaluations]
        if subject is not None and build_refusal(subject, request.user) is None
    ]
    if not builds and not surveys.exists():
        return ""
    return render_to_string(
        "surveys/_project_panel.html",
        {"surveys": surveys.order_by("-pk")[:20], "builds": builds},
        request=request,
    )


register_panel("project", _project_panel)
