from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district and synthetic data. It reads every stage app, so it comes last."""

    name = "jixiao.demo"
    label = "demo"
    verbose_name = "Demo"
