"""The results stage's menu entries (结果运用, 信息公开) and to-dos. Each area registers its own
entries in its section below (and its to-do provider), so the menu reads in lifecycle order."""

from __future__ import annotations

from django.utils.translation import gettext_lazy  # noqa: F401

from jixiao.core.navigation import MenuItem, register_menu, register_todos  # noqa: F401

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

# ── budget linkage ────────────────────────────────────────────────────────────────────

# ── unit assessment ───────────────────────────────────────────────────────────────────

# ── disclosure ────────────────────────────────────────────────────────────────────────
