from django.urls import path

from . import views
from .key import urls as key_urls

urlpatterns = [
    path("evaluations/", views.selfeval_list, name="selfeval-list"),
    path("evaluations/queue/", views.selfeval_queue, name="selfeval-queue"),
    path("evaluations/import/", views.selfeval_import, name="selfeval-import"),
    path("evaluations/start/", views.selfeval_start, name="selfeval-start"),
    path("evaluations/start-all/", views.selfeval_start_all, name="selfeval-start-all"),
    path("evaluations/<int:pk>/", views.selfeval_detail, name="selfeval-detail"),
    path("evaluations/<int:pk>/edit/", views.selfeval_edit, name="selfeval-edit"),
    path("evaluations/<int:pk>/preview/", views.selfeval_preview, name="selfeval-preview"),
    path("evaluations/<int:pk>/transition/", views.selfeval_transition, name="selfeval-transition"),
    path("evaluations/<int:pk>/adjust/", views.selfeval_adjust, name="selfeval-adjust"),
    path("evaluations/<int:pk>/spot-check/", views.selfeval_spot_check, name="selfeval-spot-check"),
    path("unit-evaluations/", views.unit_evaluation_list, name="unit-evaluation-list"),
    path(
        "unit-evaluations/<int:unit_pk>/<int:year>/", views.unit_evaluation, name="unit-evaluation"
    ),
    path(
        "unit-evaluations/<int:pk>/transition/",
        views.unit_evaluation_transition,
        name="unit-evaluation-transition",
    ),
]
urlpatterns += key_urls.urlpatterns
