from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jixiao.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from . import audit, import_jobs, jobs  # noqa: F401 — the kinds "export", "import"
        from .navigation import MenuItem, register_menu

        audit.connect_signals()
        from django.contrib.auth.signals import user_logged_in

        from .middleware import signed_in_now

        user_logged_in.connect(signed_in_now, dispatch_uid="jixiao_signed_in_now")
        register_menu(MenuItem("home", _("我的后台任务"), "job-list", order=90))
