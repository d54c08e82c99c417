from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "jixiao.indicators"
    label = "indicators"
    verbose_name = _("绩效指标")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the indicator catalogue in the rulebook)
