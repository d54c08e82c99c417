from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jixiao.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from . import audit, jobs  # noqa: F401 — jobs registers the kind "export"
        from .navigation import MenuItem, register_menu

        audit.connect_signals()
        register_menu(MenuItem("home", _("我的后台任务"), "job-list", order=90))
