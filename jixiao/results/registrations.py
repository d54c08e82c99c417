"""What the results app registers in core's registries when it starts (apps.py::ready()).

Each area adds its modules here, one line each (menu and to-dos, exporters, importers, the gate
check, the scheduled work of `jixiao tick`), so `ready()` stays one import.
"""

from . import navigation, rules  # noqa: F401
from .audit_import import AuditFindingImporter  # noqa: F401  (`jixiao import audit-findings`)
from .exports_assessment import export_unit_assessments  # noqa: F401  (`jixiao export unit-assessments`)
from .exports_funds import export_fund_actions  # noqa: F401  (`jixiao export fund-actions`)
from .exports_linkage import export_linkage_proposals  # noqa: F401  (`jixiao export linkage-proposals`)
from .exports_rect import export_rectifications  # noqa: F401  (`jixiao export rectifications`)
from .gate import linkage_gate_check  # noqa: F401  (budget linkage at the budget gate)
from .rectifications import rectifications_tick  # noqa: F401  (the tick, the step dates)
