"""URLs of the survey stage. Sections: the builder (office, agency, unit), the public page
(`/survey/<token>/`, no login), results and exports."""

from django.urls import path

urlpatterns: list = []

# --- the public page (no login): the questionnaire, its QR code and poster ---
from . import public  # noqa: E402

urlpatterns += [
    path("survey/<str:token>/", public.survey_public, name="survey-public"),
    path("survey/<str:token>/qr.<str:fmt>", public.survey_qr, name="survey-qr"),
    path("survey/<str:token>/poster/", public.survey_poster, name="survey-poster"),
]

# --- the builder (performance office, agency, unit): list, new, detail, edit, open, close ---
from . import views  # noqa: E402

urlpatterns += [
    path("surveys/", views.survey_list, name="survey-list"),
    path("surveys/new/", views.survey_new, name="survey-new"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/edit/", views.survey_edit, name="survey-edit"),
    path("surveys/<int:pk>/questions/new/", views.question_edit, name="survey-question-new"),
    path(
        "surveys/<int:pk>/questions/<int:question_pk>/",
        views.question_edit,
        name="survey-question-edit",
    ),
    path(
        "surveys/<int:pk>/questions/<int:question_pk>/move/",
        views.question_move,
        name="survey-question-move",
    ),
    path(
        "surveys/<int:pk>/questions/<int:question_pk>/remove/",
        views.question_remove,
        name="survey-question-remove",
    ),
    path("surveys/<int:pk>/channels/", views.channel_add, name="survey-channel-add"),
    path("surveys/<int:pk>/codes/", views.survey_codes, name="survey-codes"),
    path("surveys/<int:pk>/codes/new/", views.codes_generate, name="survey-codes-generate"),
    path("surveys/<int:pk>/open/", views.survey_open, name="survey-open"),
    path("surveys/<int:pk>/close/", views.survey_close, name="survey-close"),
    path(
        "surveys/<int:pk>/responses/<int:response_pk>/invalid/",
        views.response_invalid,
        name="survey-response-invalid",
    ),
]

# --- results (live figures, charts, answers), exports and paper questionnaires ---
from . import paper, views_results  # noqa: E402

urlpatterns += [
    path("surveys/<int:pk>/results/", views_results.survey_results, name="survey-results"),
    path(
        "surveys/<int:pk>/results/answers/<int:response_pk>/invalid/",
        views_results.survey_response_invalid,
        name="survey-results-invalid",
    ),
    path(
        "surveys/<int:pk>/results/answers.xlsx",
        views_results.survey_export_xlsx,
        name="survey-export-xlsx",
    ),
    path(
        "surveys/<int:pk>/results/section.docx",
        views_results.survey_export_docx,
        name="survey-export-docx",
    ),
    path("surveys/<int:pk>/paper/", paper.survey_paper, name="survey-paper"),
    path("surveys/<int:pk>/paper/import/", paper.survey_paper_import, name="survey-paper-import"),
]
