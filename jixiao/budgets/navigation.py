"""Menu entries of the budgets app."""

from django.utils.translation import pgettext_lazy

from jixiao.core.navigation import MenuItem, register_menu
from jixiao.orgs.models import BUDGET_READERS, Role

register_menu(
    MenuItem(
        "master",
        pgettext_lazy("menu", "项目"),
        "project-list",
        order=20,
        roles=BUDGET_READERS,
    ),
    MenuItem(
        "master",
        pgettext_lazy("menu", "预算年度"),
        "fiscal-year-list",
        order=30,
        roles=frozenset({Role.BUDGET, Role.PERFORMANCE, Role.AUDITOR}),
    ),
)
