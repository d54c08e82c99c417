"""Menu entries of the statistics stage (registered at start-up, see core.navigation)."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.navigation import MenuItem, register_menu
from jixiao.orgs.models import Role

#: The bureau's people read the year's dashboard (a business office: its own units).
DASHBOARD_READERS = frozenset({Role.BUDGET, Role.PERFORMANCE, Role.BUSINESS, Role.AUDITOR})
#: A unit's people have their own dashboard: to-dos and standing.
UNIT_DASHBOARD_READERS = frozenset({Role.FILER, Role.LEADER})
#: Every staff role reads the registry of policy documents; the performance office keeps it.
#: Not the system and security admins: they keep accounts and roles only (三员分立, DOMAIN.md
#: §3), and have no work region whose registry they could read.
POLICY_READERS = frozenset(Role.values) - {
    Role.PUBLIC,
    Role.EXPERT,
    Role.AGENCY,
    Role.ADMIN,
    Role.SECURITY,
}
POLICY_EDITORS = frozenset({Role.PERFORMANCE})

register_menu(
    MenuItem("reports", _("绩效管理看板"), "dashboard", roles=DASHBOARD_READERS, order=10),
    MenuItem("reports", _("本单位看板"), "unit-dashboard", roles=UNIT_DASHBOARD_READERS, order=11),
    MenuItem("reports", _("制度文件"), "policy-list", roles=POLICY_READERS, order=30),
)
