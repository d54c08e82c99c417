from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "jixiao.orgs"
    label = "orgs"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        from . import cli, exports, importers, navigation  # noqa: F401  (registries)
