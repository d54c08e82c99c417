from django.urls import path

from . import views

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/new/", views.library_edit, name="library-create"),
    path("library/import/", views.library_import, name="library-import"),
    path("library/template.xlsx", views.library_template, name="library-template"),
    path("library/<int:pk>/edit/", views.library_edit, name="library-edit"),
    path("library/<int:pk>/deactivate/", views.library_deactivate, name="library-deactivate"),
]
