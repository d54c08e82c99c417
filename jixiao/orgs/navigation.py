"""Menu entries of the orgs app (registered at start-up, see core.navigation)."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.navigation import MenuItem, register_menu

from .models import Role

register_menu(
    MenuItem("home", _("待办与概况"), "home", order=1),
    MenuItem("master", _("预算单位"), "unit-list", order=10,
             roles=frozenset(Role.values) - {Role.ADMIN, Role.PUBLIC}),
    MenuItem("system", _("账号管理"), "account-list", roles=frozenset({Role.ADMIN}), order=10),
    MenuItem("system", _("审计日志"), "audit-log", roles=frozenset({Role.AUDITOR}), order=20),
    MenuItem("system", _("个人设置"), "profile", order=90),
)
