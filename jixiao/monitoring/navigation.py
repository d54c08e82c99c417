"""Menu entries and to-dos of the monitoring stage."""

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

register_menu(
    MenuItem("monitoring", pgettext_lazy("menu", "监控批次"), "round-list", roles=STAFF, order=10),
    MenuItem("monitoring", pgettext_lazy("menu", "监控报告"), "report-list", roles=STAFF, order=20),
    queue_menu_item("monitoring", "report-queue", roles=QUEUE_ROLES, order=25),
    MenuItem("monitoring", _("预警"), "alert-list", roles=STAFF, order=30),
    MenuItem("monitoring", _("重点监控"), "report-list", roles=frozenset({Role.AGENCY}), order=22),
    MenuItem(
        "monitoring",
        _("导入支付数据"),
        "payment-import",
        roles=frozenset({Role.BUDGET, Role.PERFORMANCE}),
        order=40,
    ),
)


def _todos(user, region, year):
    from .models import Alert, ReportStatus
    from .selectors import report_queue

    if region is None:
        return []
    labels = {
        ReportStatus.DRAFT: _("填报监控报告"),
        ReportStatus.RETURNED: _("修改被退回的监控报告"),
        ReportStatus.READY: _("审核并提交监控报告"),
        ReportStatus.SUBMITTED: _("初审监控报告"),
        ReportStatus.FIRST_PASSED: _("终审监控报告"),
    }
    todos = queue_todos(
        report_queue(user=user, region=region, year=year),
        labels=labels,
        url_name="report-detail",
        stage="monitoring",
        deadline=lambda r: r.round.deadline,
        detail=lambda r: r.return_reason or r.round.name,
    )
    if user.has_role(Role.FILER, Role.LEADER) and user.unit_id:
        todos += queue_todos(
            Alert.objects.visible_to(user)
            .open()
            .filter(unit_id__in=user.get_scope().unit_ids)
            .select_related("project"),
            labels=lambda alert: f"{_('处置预警')} {alert.code}",
            url_name="alert-detail",
            stage="monitoring",
            deadline=lambda alert: alert.due_date,
            detail=lambda alert: alert.get_status_display(),
            urgent=lambda alert: True,
            limit=30,
        )
    return todos


register_todos(_todos)
