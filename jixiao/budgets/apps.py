from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "jixiao.budgets"
    label = "budgets"
    verbose_name = _("预算与项目")

    def ready(self) -> None:
        from . import exports, importers, navigation  # noqa: F401  (registries)
