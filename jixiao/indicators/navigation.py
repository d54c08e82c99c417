"""Menu entry of the indicator library (registered at start-up, see core.navigation)."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.navigation import MenuItem, register_menu
from jixiao.orgs.models import STAFF_ROLES, Role

#: Every staff role reads the library (DOMAIN.md §3); only the performance office keeps it.
LIBRARY_READERS = STAFF_ROLES
LIBRARY_EDITORS = frozenset({Role.PERFORMANCE})

register_menu(MenuItem("targets", _("指标库"), "library", roles=LIBRARY_READERS, order=30))
