"""Menu entries and to-dos of the evaluation stage."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.core.navigation import (
    MenuItem,
    queue_menu_item,
    queue_todos,
    register_menu,
    register_todos,
)
from jixiao.orgs.models import QUEUE_ROLES, STAFF_ROLES, Role

STAFF = STAFF_ROLES
ASSIGNED = STAFF_ROLES | {Role.EXPERT, Role.AGENCY}
PERFORMANCE = frozenset({Role.PERFORMANCE})
UNIT = frozenset({Role.FILER, Role.LEADER})  # a first-level unit commissions 部门评价
REGISTRY_READERS = frozenset({Role.PERFORMANCE, Role.AUDITOR})

register_menu(
    MenuItem(
        "evaluations", pgettext_lazy("menu", "项目自评"), "selfeval-list", roles=STAFF, order=10
    ),
    queue_menu_item("evaluations", "selfeval-queue", roles=QUEUE_ROLES, order=15),
    MenuItem(
        "evaluations",
        pgettext_lazy("menu", "部门整体评价"),
        "unit-evaluation-list",
        roles=STAFF,
        order=20,
    ),
    # Key evaluations (DOMAIN.md §6.4): agencies and experts reach only their assignments.
    MenuItem("evaluations", _("重点评价"), "key-list", roles=ASSIGNED, order=30),
    MenuItem("evaluations", _("评价立项"), "key-plan", roles=PERFORMANCE, order=31),
    MenuItem("evaluations", _("部门评价立项"), "key-department-new", roles=UNIT, order=32),
    MenuItem("evaluations", _("事前绩效评估"), "exante-list", roles=STAFF, order=35),
    MenuItem(
        "evaluations",
        pgettext_lazy("menu", "第三方机构"),
        "agency-list",
        roles=REGISTRY_READERS,
        order=40,
    ),
    MenuItem("evaluations", _("专家库"), "expert-list", roles=REGISTRY_READERS, order=41),
    MenuItem("evaluations", _("执业质量抽查"), "quality-checks", roles=REGISTRY_READERS, order=42),
)


def _todos(user, region, year):
    from .models import EvaluationStatus
    from .selectors import selfeval_queue

    if region is None:
        return []
    labels = {
        EvaluationStatus.DRAFT: _("填写项目自评"),
        EvaluationStatus.RETURNED: _("修改被退回的项目自评"),
        EvaluationStatus.READY: _("审核并提交项目自评"),
        EvaluationStatus.SUBMITTED: _("审核项目自评"),
        EvaluationStatus.FIRST_PASSED: _("确认项目自评"),
    }
    return queue_todos(
        selfeval_queue(user=user, region=region, year=year - 1),
        labels=labels,
        url_name="selfeval-detail",
        stage="evaluations",
    )


register_todos(_todos)


def _project_panel(request, project):
    """The project page's self-evaluation section."""
    from django.template.loader import render_to_string

    from .models import SelfEvaluation

    selfeval = SelfEvaluation.objects.filter(project=project).first()
    can_start = (
        selfeval is None
        and request.user.has_role(Role.FILER)
        and project.unit_id in request.user.get_scope().unit_ids
        and project.targets.filter(status="approved").exists()
    )
    return render_to_string(
        "evaluations/_project_panel.html",
        {"project": project, "selfeval": selfeval, "can_start": can_start},
        request=request,
    )


from jixiao.core.navigation import register_panel  # noqa: E402

register_panel("project", _project_panel)
