from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "jixiao.evaluations"
    label = "evaluations"
    verbose_name = _("绩效评价")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (rulebook sections "scoring" and "unit_evaluation")
