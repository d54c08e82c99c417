from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jixiao.api"
    label = "api"
    verbose_name = "API"
