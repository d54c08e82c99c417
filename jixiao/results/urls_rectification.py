"""Pages of rectification (see docs/architecture.md, Results)."""

from django.urls import path

from . import views_rectification as views

urlpatterns = [
    path("rectifications/", views.rectification_list, name="rectification-list"),
    path(
        "rectifications/export.xlsx",
        views.rectification_export,
        name="rectification-export",
    ),
    path("rectifications/find/", views.rectification_find, name="rectification-find"),
    path("rectifications/alerts/", views.rectification_alerts, name="rectification-alerts"),
    path(
        "rectifications/<int:pk>/",
        views.rectification_detail,
        name="rectification-detail",
    ),
    path(
        "rectifications/<int:pk>/edit/",
        views.rectification_edit,
        name="rectification-edit",
    ),
    path(
        "rectifications/<int:pk>/transition/",
        views.rectification_transition_view,
        name="rectification-transition",
    ),
]
