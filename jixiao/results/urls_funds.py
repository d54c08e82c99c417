"""Pages of fund actions (调整、收回、盘活): the list, the form that records one, an action."""

from django.urls import path

from . import views_funds as views

urlpatterns: list = [
    path("fund-actions/", views.fund_action_list, name="fund-action-list"),
    path("fund-actions/new/", views.fund_action_new, name="fund-action-new"),
    path("fund-actions/<int:pk>/", views.fund_action_detail, name="fund-action-detail"),
]
