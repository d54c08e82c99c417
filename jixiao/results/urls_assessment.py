"""Pages of the unit assessment (部门预算绩效管理工作考核): the ranking, a unit's page, the
office's adjustment, the unit's Word report."""

from django.urls import path

from . import views_assessment as views

urlpatterns: list = [
    path("unit-assessments/", views.assessment_list, name="assessment-list"),
    path("unit-assessments/compute/", views.assessment_compute, name="assessment-compute"),
    path("unit-assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("unit-assessments/<int:pk>/adjust/", views.assessment_adjust, name="assessment-adjust"),
    path("unit-assessments/<int:pk>/report.docx", views.assessment_docx, name="assessment-docx"),
]
