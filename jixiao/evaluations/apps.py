from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "jixiao.evaluations"
    label = "evaluations"
    verbose_name = _("绩效评价")

    def ready(self) -> None:
        # menu, to-dos, rulebook sections; `jixiao import/export selfevals`
        from . import exports, importers, navigation, rescoring, rules  # noqa: F401  (+ the "rescore" job)
        from .key import defaults  # noqa: F401  (the "key_evaluation" rulebook section)
        from .key import exports as key_exports  # noqa: F401  (`jixiao export key-evaluations`)
        from .key import navigation as key_navigation  # noqa: F401  (key-evaluation to-dos)
        from .key.gate import ex_ante_gate_check  # noqa: F401  (registers the budget gate check)
        from .key.report import report_deliver  # noqa: F401  (report delivery on archiving)
        from .last_actuals import selfeval_actuals  # noqa: F401  (last year's actuals for T13)
