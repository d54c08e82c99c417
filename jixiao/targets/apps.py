from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "jixiao.targets"
    label = "targets"
    verbose_name = _("绩效目标")

    def ready(self) -> None:
        from . import exports, importers, navigation, rules  # noqa: F401  (registries, menu)
