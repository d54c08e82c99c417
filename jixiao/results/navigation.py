"""The results stage's menu entries (结果运用, 信息公开) and to-dos. Each area registers its own
entries in its section below (and its to-do provider), so the menu reads in lifecycle order."""

from __future__ import annotations

from django.utils.translation import gettext_lazy  # noqa: F401

from jixiao.core.navigation import MenuItem, register_menu, register_panel, register_todos  # noqa: F401
from jixiao.orgs.models import STAFF_ROLES

# ── rectification ─────────────────────────────────────────────────────────────────────

# ── audit findings ────────────────────────────────────────────────────────────────────

register_menu(
    MenuItem(
        "results",
        gettext_lazy("审计发现"),
        "audit-finding-list",
        roles=frozenset({"performance", "auditor"}),
        order=20,
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

# ── unit assessment ───────────────────────────────────────────────────────────────────

# ── disclosure ────────────────────────────────────────────────────────────────────────
