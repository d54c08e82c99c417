from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "jixiao.reports"
    label = "reports"
    verbose_name = _("统计分析")

    def ready(self) -> None:
        # rules: the summary's parameters in the rulebook; navigation: menu and panels;
        # records_results: the lists behind the results figures (topics of records.TOPICS);
        # jobs: the summary and the large lists' exports as background jobs.
        from . import jobs, navigation, records_results, rules  # noqa: F401
        from .figures_cache import connect

        # figures_cache: the writes that give a region's year a new data version (the cached
        # figures of that region and year are then recomputed).
        connect()
