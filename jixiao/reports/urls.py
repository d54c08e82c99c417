from django.urls import path

from .views import dashboards, policies

urlpatterns = [
    # 制度文件 registry
    path("policies/", policies.policy_list, name="policy-list"),
    path("policies/new/", policies.policy_edit, name="policy-create"),
    path("policies/<int:pk>/", policies.policy_detail, name="policy-detail"),
    path("policies/<int:pk>/edit/", policies.policy_edit, name="policy-edit"),
    path("policies/<int:pk>/repeal/", policies.policy_repeal, name="policy-repeal"),
    # dashboards, the lists behind their charts, the annual work summary
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("dashboard/unit/", dashboards.unit_dashboard, name="unit-dashboard"),
    path("dashboard/records/<slug:topic>/", dashboards.records, name="dashboard-records"),
    path("dashboard/summary.docx", dashboards.summary_download, name="summary-download"),
]
