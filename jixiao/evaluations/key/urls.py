"""URLs of key evaluations and ex-ante assessments (the pages are in the `views_*` modules)."""

from django.urls import path

from . import views_exante, views_plan, views_registry, views_report, views_scoring, views_work

urlpatterns = [
    # views_plan
    path("key-evaluations/plan/", views_plan.key_plan, name="key-plan"),
    path("key-evaluations/plan/cover/", views_plan.key_plan, {"tab": "cover"}, name="key-cover"),
    path(
        "key-evaluations/plan/candidate/", views_plan.key_candidate_save, name="key-candidate-save"
    ),
    path("key-evaluations/plan/policy/", views_plan.key_policy_add, name="key-policy-add"),
    path("key-evaluations/plan/pick/", views_plan.key_pick, name="key-pick"),
    path(
        "key-evaluations/department/new/", views_plan.key_department_new, name="key-department-new"
    ),
    # views_registry
    path("agencies/", views_registry.agency_list, name="agency-list"),
    path("agencies/new/", views_registry.agency_new, name="agency-new"),
    path("agencies/<int:pk>/", views_registry.agency_detail, name="agency-detail"),
    path("agencies/<int:pk>/edit/", views_registry.agency_edit, name="agency-edit"),
    path(
        "agencies/<int:pk>/engagements/",
        views_registry.agency_engagement_add,
        name="agency-engagement-add",
    ),
    path("experts/", views_registry.expert_list, name="expert-list"),
    path("experts/new/", views_registry.expert_new, name="expert-new"),
    path("experts/<int:pk>/edit/", views_registry.expert_edit, name="expert-edit"),
    path(
        "key-evaluations/<int:pk>/agency/",
        views_registry.key_assign_agency,
        name="key-assign-agency",
    ),
    path(
        "key-evaluations/<int:pk>/experts/",
        views_registry.key_assign_expert,
        name="key-assign-expert",
    ),
    path(
        "key-evaluations/<int:pk>/experts/<int:member_pk>/remove/",
        views_registry.key_unassign_expert,
        name="key-unassign-expert",
    ),
    path(
        "key-evaluations/<int:pk>/experts/<int:member_pk>/declaration/<int:file_pk>/",
        views_registry.key_declaration,
        name="key-declaration",
    ),
    path(
        "key-evaluations/<int:pk>/agency-quality/",
        views_registry.key_agency_quality,
        name="key-agency-quality",
    ),
    path("key-evaluations/quality-checks/", views_registry.quality_checks, name="quality-checks"),
    path(
        "key-evaluations/quality-checks/<int:pk>/",
        views_registry.quality_check_record,
        name="quality-check-record",
    ),
    # views_work
    path("key-evaluations/", views_work.key_list, name="key-list"),
    path("key-evaluations/queue/", views_work.key_queue, name="key-queue"),
    path("key-evaluations/<int:pk>/", views_work.key_detail, name="key-detail"),
    path("key-evaluations/<int:pk>/transition/", views_work.key_transition, name="key-transition"),
    path(
        "key-evaluations/<int:pk>/work-plan/",
        views_work.work_form,
        {"name": "plan"},
        name="key-work-plan",
    ),
    path("key-evaluations/<int:pk>/framework/", views_work.key_framework, name="key-framework"),
    path(
        "key-evaluations/<int:pk>/rate-inputs/",
        views_work.key_rate_inputs,
        name="key-rate-inputs",
    ),
    path(
        "key-evaluations/<int:pk>/requests/new/",
        views_work.work_form,
        {"name": "request"},
        name="key-request-new",
    ),
    path(
        "key-evaluations/<int:pk>/requests/<int:request_pk>/",
        views_work.key_request_answer,
        name="key-request-answer",
    ),
    path(
        "key-evaluations/<int:pk>/requests/<int:request_pk>/upload/",
        views_work.key_request_upload,
        name="key-request-upload",
    ),
    path(
        "key-evaluations/<int:pk>/requests/<int:request_pk>/remind/",
        views_work.key_request_remind,
        name="key-request-remind",
    ),
    path("key-evaluations/<int:pk>/files/<int:file_pk>/", views_work.key_file, name="key-file"),
    path(
        "key-evaluations/<int:pk>/findings/new/",
        views_work.work_form,
        {"name": "finding"},
        name="key-finding-new",
    ),
    path(
        "key-evaluations/<int:pk>/findings/<int:finding_pk>/status/",
        views_work.key_finding_status,
        name="key-finding-status",
    ),
    path(
        "key-evaluations/<int:pk>/response/",
        views_work.work_form,
        {"name": "response"},
        name="key-response",
    ),
    path(
        "key-evaluations/<int:pk>/visits/new/",
        views_work.work_form,
        {"name": "visit"},
        name="visit-new",
    ),
    path(
        "key-evaluations/<int:pk>/visits/<int:visit_pk>/", views_work.visit_detail, name="key-visit"
    ),
    # views_scoring
    path("key-evaluations/<int:pk>/score/", views_scoring.key_score, name="key-score"),
    path(
        "scoring-panels/<int:panel_pk>/indicators/<int:indicator_pk>/agree/",
        views_scoring.panel_agree,
        name="panel-agree",
    ),
    # views_report
    path(
        "key-evaluations/<int:pk>/report/generate/",
        views_report.report_generate_view,
        name="key-report-generate",
    ),
    path(
        "key-evaluations/<int:pk>/report/edit/",
        views_report.report_edit_view,
        name="key-report-edit",
    ),
    path(
        "key-evaluations/<int:pk>/report/<int:number>/",
        views_report.report_version_view,
        name="key-report-version",
    ),
    path(
        "key-evaluations/<int:pk>/report/<int:number>/docx/",
        views_report.report_docx_view,
        name="key-report-docx",
    ),
    path(
        "key-evaluations/<int:pk>/notice.docx",
        views_report.notice_docx_view,
        name="key-notice-docx",
    ),
    path(
        "key-evaluations/<int:pk>/score-table/",
        views_report.score_import_view,
        name="key-score-import",
    ),
    # views_exante
    path("ex-ante/", views_exante.exante_list_view, name="exante-list"),
    path("ex-ante/new/", views_exante.exante_new_view, name="exante-new"),
    path("ex-ante/<int:pk>/", views_exante.exante_detail_view, name="exante-detail"),
    path("ex-ante/<int:pk>/edit/", views_exante.exante_edit_view, name="exante-edit"),
    path(
        "ex-ante/<int:pk>/transition/",
        views_exante.exante_transition_view,
        name="exante-transition",
    ),
    path("ex-ante/<int:pk>/experts/", views_exante.exante_assign_view, name="exante-assign"),
    path("ex-ante/<int:pk>/score/", views_exante.exante_score_view, name="exante-score"),
    path(
        "ex-ante/<int:pk>/report.docx", views_exante.exante_report_view, name="exante-report-docx"
    ),
]
