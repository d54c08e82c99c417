"""URLs of key evaluations and ex-ante assessments, one list per page module."""

from . import views_exante, views_plan, views_registry, views_report, views_work

urlpatterns = [
    *views_plan.urlpatterns,
    *views_registry.urlpatterns,
    *views_work.urlpatterns,
    *views_report.urlpatterns,
    *views_exante.urlpatterns,
]
