"""Menu entries and to-dos of the targets stage."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.navigation import (
    MenuItem,
    Todo,
    queue_menu_item,
    queue_todos,
    register_menu,
    register_todos,
)
from jixiao.orgs.models import QUEUE_ROLES, STAFF_ROLES, Role

STAFF = STAFF_ROLES

register_menu(
    MenuItem("targets", _("绩效目标"), "target-list", roles=STAFF, order=10),
    queue_menu_item("targets", "target-queue", roles=QUEUE_ROLES, order=20),
)


def _todos(user, region, year):
    """What waits for this user in the targets stage, with deadlines and reminders."""
    from django.urls import reverse

    from .models import Reminder, TargetStatus
    from .selectors import review_queue

    if region is None:
        return []
    labels = {
        TargetStatus.DRAFT: _("填报绩效目标"),
        TargetStatus.RETURNED: _("修改被退回的绩效目标"),
        TargetStatus.READY: _("审核并提交绩效目标"),
        TargetStatus.PARENT_REVIEW: _("审核二级单位的绩效目标"),
        TargetStatus.SUBMITTED: _("初审绩效目标"),
        TargetStatus.FIRST_PASSED: _("终审批复绩效目标"),
    }
    todos = queue_todos(
        review_queue(user=user, region=region, year=year),
        labels=labels,
        url_name="target-detail",
        stage="targets",
        subject=lambda t: t.project.name if t.project_id else _("部门整体支出"),
        deadline=lambda t: t.deadline,
        detail=lambda t: t.return_reason if t.status == TargetStatus.RETURNED else t.unit.name,
    )
    if user.unit_id:
        reminder = Reminder.objects.filter(unit_id=user.unit_id, year=year).first()
        if reminder:
            todos.append(
                Todo(
                    title=_("催报：") + reminder.message,
                    url=reverse("target-list"),
                    stage="targets",
                    deadline=reminder.deadline,
                    urgent=True,
                    detail=_("财政局 %(d)s 发出") % {"d": reminder.sent_at.date()},
                )
            )
    return todos


register_todos(_todos)


def _project_panel(request, project):
    """The project page's target section: its target's state and the budget gate."""
    from django.template.loader import render_to_string

    from .models import Target
    from .services import approved_target

    user = request.user
    current = Target.objects.current().filter(project=project).order_by("-version").first()
    return render_to_string(
        "targets/_project_panel.html",
        {
            "project": project,
            "target": current,
            "approved": approved_target(project),
            "can_declare": current is None
            and user.has_role(Role.FILER)
            and project.unit_id in user.get_scope().unit_ids,
            "can_arrange": user.has_role(Role.BUDGET) and not project.arranged,
        },
        request=request,
    )


from jixiao.core.navigation import register_panel  # noqa: E402

register_panel("project", _project_panel)
