from django.urls import path

from . import tick_job, views

urlpatterns = [
    path("monitoring/", views.round_list, name="round-list"),
    path("monitoring/new/", views.round_create, name="round-create"),
    path("monitoring/<int:pk>/", views.round_detail, name="round-detail"),
    path("monitoring/<int:pk>/close/", views.round_close, name="round-close"),
    path("monitoring/reports/", views.report_list, name="report-list"),
    path("monitoring/reports/queue/", views.report_queue, name="report-queue"),
    path("monitoring/reports/import/", views.report_import, name="report-import"),
    path("monitoring/reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("monitoring/reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path(
        "monitoring/reports/<int:pk>/transition/", views.report_transition, name="report-transition"
    ),
    path(
        "monitoring/reports/<int:pk>/findings/",
        views.report_agency_findings,
        name="report-agency-findings",
    ),
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path("alerts/tick/", tick_job.tick_start, name="tick-start"),
    path("payments/import/", views.payment_import, name="payment-import"),
    path("payments/template.xlsx", views.payment_template, name="payment-template"),
]
