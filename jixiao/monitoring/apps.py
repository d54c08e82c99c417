from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "jixiao.monitoring"
    label = "monitoring"
    verbose_name = _("运行监控")

    def ready(self) -> None:
        # registries, the rulebook section, and the "round_open" and "tick" jobs
        from . import (  # noqa: F401
            exports,
            importers,
            navigation,
            report_import,
            rules,
            services,
            tick_job,
        )
