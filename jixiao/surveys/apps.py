from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "jixiao.surveys"
    label = "surveys"
    verbose_name = _("公众测评")

    def ready(self) -> None:
        # rulebook section "survey", menu and to-dos, the satisfaction source of key evaluations,
        # `jixiao export surveys`, the scheduled closing of surveys past their time (services)
        from . import exports, navigation, rules, services, subjects  # noqa: F401
