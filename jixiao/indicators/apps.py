from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "jixiao.indicators"
    label = "indicators"
    verbose_name = _("绩效指标")

    def ready(self) -> None:
        # rules: the indicator catalogue in the rulebook; importers and navigation: registries.
        from . import importers, navigation, rules  # noqa: F401
