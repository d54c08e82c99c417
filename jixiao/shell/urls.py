from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("work-context/", views.work_context, name="work-context"),
]
