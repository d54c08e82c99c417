"""Pages of budget linkage (与预算挂钩): the proposals, one proposal and its decision, generating
them, the simulator and adopting its percentages."""

from django.urls import path

from . import views_linkage as views

urlpatterns: list = [
    path("linkage/", views.linkage_list, name="linkage-list"),
    path("linkage/generate/", views.linkage_generate, name="linkage-generate"),
    path("linkage/simulator/", views.linkage_simulator, name="linkage-simulator"),
    path("linkage/simulator/adopt/", views.linkage_adopt, name="linkage-adopt"),
    path("linkage/<int:pk>/", views.linkage_detail, name="linkage-detail"),
]
