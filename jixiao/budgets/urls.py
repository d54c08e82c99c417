from django.urls import path

from . import views

urlpatterns = [
    path("years/", views.fiscal_year_list, name="fiscal-year-list"),
    path("years/status/", views.year_status, name="year-status"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_edit, name="project-create"),
    path("projects/import/", views.project_import, name="project-import"),
    path("projects/template.xlsx", views.project_template, name="project-template"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
]
