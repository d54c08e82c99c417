"""The results stage's menu entries (结果运用, 信息公开) and to-dos. Each area registers its own
entries in its section below (and its to-do provider), so the menu reads in lifecycle order."""

from __future__ import annotations

from django.utils.translation import (
    gettext_lazy,  # noqa: F401
    pgettext_lazy,
)

from jixiao.core.navigation import MenuItem, register_menu, register_panel, register_todos  # noqa: F401
from jixiao.orgs.models import STAFF_ROLES, Role

# ── rectification ─────────────────────────────────────────────────────────────────────

# Everyone of the bureau and the units reads the rectifications in their scope. To-dos: every
# item whose next step is the user's (the issuer's drafts to issue and reports to verify, the
# filer's plans and reports, the leader's confirmations), with its deadline; and the overdue
# items, for the unit's leader and its business office (DOMAIN.md §8.1, escalation).
register_menu(
    MenuItem(
        "results",
        pgettext_lazy("menu", "整改管理"),
        "rectification-list",
        roles=STAFF_ROLES,
        order=10,
    ),
)


def _rectification_todos(user, region, year):
    if region is None:
        return []
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from jixiao.core.navigation import Todo, queue_todos
    from jixiao.core.workflow import next_step

    from .selectors import overdue_ids, rectification_list, rectification_queue
    from .workflow import RECTIFICATION_WORKFLOW

    def deadline(r):
        return r.plan_due if r.status in ("received", "plan_ready") else r.due

    queue = list(rectification_queue(user, region, None)[:50])
    late = overdue_ids(rectification_list(user, region, None).filter(closed_on__isnull=True))
    steps = {r.pk: step for r in queue if (step := next_step(RECTIFICATION_WORKFLOW, r, user))}
    todos = queue_todos(
        queue,
        labels=lambda r: steps.get(r.pk),
        url_name="rectification-detail",
        stage="results",
        subject=lambda r: r.number,
        deadline=deadline,
        detail=lambda r: r.unit.name,
        # overdue, sent back, or reminded by `jixiao tick` (a deadline within days)
        urgent=lambda r: (
            r.pk in late
            or bool(r.return_reason)
            or bool(r.plan_reminded_on and r.planned_on is None)
            or bool(r.due_reminded_on)
        ),
    )
    if user.has_role(Role.LEADER, Role.BUSINESS):
        rows = (
            rectification_list(user, region, None).filter(pk__in=late).exclude(pk__in=list(steps))
        )
        for r in rows[:50]:
            todos.append(
                Todo(
                    title=_("整改逾期督办：%(n)s") % {"n": r.number},
                    url=reverse("rectification-detail", args=[r.pk]),
                    stage="results",
                    deadline=deadline(r),
                    detail=r.unit.name,
                    urgent=True,
                )
            )
    return todos


register_todos(_rectification_todos)

# ── audit findings ────────────────────────────────────────────────────────────────────

register_menu(
    MenuItem(
        "results",
        gettext_lazy("审计发现"),
        "audit-finding-list",
        roles=frozenset({Role.PERFORMANCE, Role.AUDITOR}),
        order=20,
    ),
    # Each unit's rectification notice (整改通知书): the issuing offices, the units, the auditor.
    MenuItem(
        "results",
        pgettext_lazy("menu", "整改通知书"),
        "rectification-notices",
        roles=frozenset(
            {Role.PERFORMANCE, Role.BUSINESS, Role.BUDGET, Role.AUDITOR, Role.FILER, Role.LEADER}
        ),
        order=21,
    ),
)

# ── fund actions ──────────────────────────────────────────────────────────────────────

# Everyone of the bureau and the units reads the actions in their scope; the budget office and
# the performance office record them (fund_actions.RECORDERS). The project page shows a
# project's actions and its current budget.
register_menu(
    MenuItem(
        "results", gettext_lazy("资金调整收回盘活"), "fund-action-list", roles=STAFF_ROLES, order=30
    ),
)


def _fund_panel(request, project):
    from .views_funds import project_panel

    return project_panel(request, project)


register_panel("project", _fund_panel)

# ── budget linkage ────────────────────────────────────────────────────────────────────

# The offices and the units read the proposals in their scope (a unit its own); the budget
# office decides them. Its to-do: the undecided proposals of the next budget year.
register_menu(
    MenuItem(
        "results",
        gettext_lazy("预算挂钩"),
        "linkage-list",
        roles=frozenset({Role.BUDGET, Role.PERFORMANCE, Role.BUSINESS, Role.FILER, Role.LEADER}),
        order=40,
    ),
)


def _linkage_todos(user, region, year):
    if region is None or not user.has_role(Role.BUDGET):
        return []
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from jixiao.core.navigation import Todo

    from .models import LinkageProposal, LinkageStatus

    waiting = (
        LinkageProposal.objects.visible_to(user)
        .in_work(region, year + 1)
        .filter(status=LinkageStatus.PROPOSED)
        .count()
    )
    if not waiting:
        return []
    return [
        Todo(
            title=_("预算挂钩：%(n)s条建议待决定") % {"n": waiting},
            url=f"{reverse('linkage-list')}?year={year + 1}&status=proposed",
            stage="results",
            detail=_("%(year)s年度预算") % {"year": year + 1},
        )
    ]


register_todos(_linkage_todos)

# ── how each result was used ──────────────────────────────────────────────────────────

# The performance office records every result's use, the business office its units'
# self-evaluations' (result_uses.may_record); auditors read. The project page shows how the
# project's results were used.
register_menu(
    MenuItem(
        "results",
        pgettext_lazy("menu", "结果应用登记"),
        "result-use-list",
        roles=frozenset({Role.PERFORMANCE, Role.BUSINESS, Role.AUDITOR}),
        order=45,
    ),
)


def _uses_panel(request, project):
    from .views_uses import project_panel

    return project_panel(request, project)


register_panel("project", _uses_panel)

# ── unit assessment ───────────────────────────────────────────────────────────────────

# The bureau reads the ranking; a unit reads its own assessment (the whole ranking once
# published); the performance office computes and adjusts.
register_menu(
    MenuItem(
        "results",
        pgettext_lazy("menu", "部门绩效管理考核"),
        "assessment-list",
        roles=STAFF_ROLES,
        order=50,
    ),
)

# ── disclosure ────────────────────────────────────────────────────────────────────────

# The performance office publishes, auditors read; the portal itself is /public/.
register_menu(
    MenuItem(
        "disclosure",
        gettext_lazy("信息公开"),
        "disclosure-list",
        roles=frozenset({Role.PERFORMANCE, Role.AUDITOR}),
        order=10,
    ),
)


def _disclosure_todos(user, region, year):
    """The performance office's to-do: pending items of the working year whose due day is
    within the rulebook's `due_soon_days`, or already past."""
    if region is None or not user.has_role(Role.PERFORMANCE):
        return []
    from .disclosures import pending_near_due

    return pending_near_due(user=user, region=region, year=year)


register_todos(_disclosure_todos)
