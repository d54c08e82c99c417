from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jixiao.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from jixiao.budgets.models import Project
        from jixiao.core.changes import register_feed_kind, register_model_kind
        from jixiao.monitoring.models import Alert
        from jixiao.results.models import Disclosure, LinkageProposal, Rectification
        from jixiao.targets.models import Target

        from . import changes  # noqa: F401  (the change feed's sink)

        # Workflow documents: every transition is a change (core.workflow.log_transition).
        register_feed_kind(Target, "target")
        register_feed_kind(Rectification, "rectification")
        # Changes the services record themselves (core.changes.change_record with the kind).
        register_model_kind(Project, "budget_gate")
        register_model_kind(Alert, "fund_suspension")
        register_model_kind(LinkageProposal, "linkage_decision")
        register_model_kind(Disclosure, "disclosure")
