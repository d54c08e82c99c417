"""Pages of how each result was used (结果应用登记): the list with its forms and download, and
the save of one row."""

from django.urls import path

from . import views_uses as views

urlpatterns: list = [
    path("result-uses/", views.uses_list, name="result-use-list"),
    path("result-uses/<str:kind>/<int:pk>/", views.uses_save, name="result-use-save"),
]
