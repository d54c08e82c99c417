from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "jixiao.monitoring"
    label = "monitoring"
    verbose_name = _("运行监控")

    def ready(self) -> None:
        from . import exports, importers, navigation, report_import, rules  # noqa: F401  (registries, rulebook)
