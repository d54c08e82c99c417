"""Menu entries of the orgs app (registered at start-up, see core.navigation)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.core.navigation import MenuItem, register_menu, register_todos

from .models import BUDGET_READERS, Role

register_menu(
    MenuItem("home", _("待办与概况"), "home", order=1),
    MenuItem(
        "master",
        pgettext_lazy("menu", "预算单位"),
        "unit-list",
        order=10,
        roles=BUDGET_READERS,
    ),
    MenuItem(
        "system",
        _("账号管理"),
        "account-list",
        roles=frozenset({Role.ADMIN, Role.SECURITY}),
        order=10,
    ),
    MenuItem("system", _("审计日志"), "audit-log", roles=frozenset({Role.AUDITOR}), order=20),
    MenuItem("system", _("个人设置"), "profile", order=90),
)


def _todos(user, region, year):
    """Account and master-data chores; later stages add targets, reports and evaluations."""
    import datetime as dt

    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from jixiao.core.navigation import Todo

    from .models import UnitYear, User

    todos = []
    if user.has_role(Role.ADMIN, Role.SECURITY):
        locked = User.objects.filter(locked_until__gt=timezone.now()).count()
        if locked:
            todos.append(
                Todo(
                    _("解锁被锁定的账号"),
                    reverse("account-list"),
                    stage="system",
                    detail=_("%(n)s 个账号因多次登录失败被锁定") % {"n": locked},
                )
            )
    if region is not None and user.has_role(Role.BUDGET, Role.PERFORMANCE):
        missing = UnitYear.objects.filter(
            unit__region=region, year=year, level=1, office__isnull=True
        ).count()
        if missing:
            todos.append(
                Todo(
                    _("为单位指定归口股室"),
                    reverse("unit-list"),
                    stage="master",
                    detail=_("%(y)s 年度有 %(n)s 个一级单位未指定归口股室")
                    % {"y": year, "n": missing},
                )
            )
    if user.password_changed_at:
        expires = user.password_changed_at + dt.timedelta(
            days=settings.JIXIAO_PASSWORD_MAX_AGE_DAYS
        )
        if expires - timezone.now() < dt.timedelta(days=14):
            todos.append(
                Todo(
                    _("修改密码"),
                    reverse("password-change"),
                    stage="system",
                    deadline=timezone.localdate(expires),
                    urgent=True,
                    detail=_("密码即将过期"),
                )
            )
    return todos


register_todos(_todos)

register_menu(
    MenuItem(
        "system",
        _("规则库"),
        "rulebook",
        roles=frozenset({Role.PERFORMANCE, Role.BUDGET, Role.AUDITOR}),
        order=30,
    ),
)
