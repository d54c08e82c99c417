from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "jixiao.results"
    label = "results"
    verbose_name = _("结果运用")

    def ready(self) -> None:
        # rulebook sections, menu and to-dos, the "cancel" check of the budget gate, the exports,
        # the scheduled work of `jixiao tick` (receipts, reminders, escalations)
        from . import registrations  # noqa: F401
