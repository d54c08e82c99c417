"""Pages of audit findings (审计发现) and the rectification notice (整改通知书), see
`views_audit.py`."""

from django.urls import path

from . import views_audit as views

urlpatterns: list = [
    path("results/audit/", views.audit_finding_list, name="audit-finding-list"),
    path("results/audit/new/", views.audit_finding_new, name="audit-finding-new"),
    path("results/audit/import/", views.audit_finding_import, name="audit-finding-import"),
    path("results/audit/<int:pk>/", views.audit_finding_detail, name="audit-finding-detail"),
    path("results/notices/", views.notice_list, name="rectification-notices"),
    path("results/notices/<int:unit_pk>/", views.notice_download, name="rectification-notice"),
]
