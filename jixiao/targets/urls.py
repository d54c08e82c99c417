from django.urls import path

from jixiao.core.views import attachment_remove, attachment_upload

from . import views

urlpatterns = [
    path("targets/", views.target_list, name="target-list"),
    path("targets/queue/", views.review_queue, name="target-queue"),
    path("targets/declare/", views.target_declare, name="target-declare"),
    path("targets/library/", views.library, name="target-library"),
    path("targets/import/", views.target_import, name="target-import"),
    path("targets/remind/", views.reminders_send, name="target-remind"),
    path("targets/<int:pk>/", views.target_detail, name="target-detail"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:pk>/lint/", views.target_lint_preview, name="target-lint"),
    path("targets/<int:pk>/transition/", views.target_transition, name="target-transition"),
    path("targets/<int:pk>/adjust/", views.target_adjust, name="target-adjust"),
    # A target's supporting files at their former addresses, served by the shared views.
    path(
        "targets/<int:pk>/files/",
        attachment_upload,
        {"label": "targets.target"},
        name="target-file-upload",
    ),
    path(
        "targets/<int:pk>/files/<int:file_pk>/remove/",
        attachment_remove,
        name="target-file-remove",
    ),
    path("projects/<int:pk>/arrange/", views.project_arrange, name="project-arrange"),
]
