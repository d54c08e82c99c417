"""Pages of disclosure (信息公开): the office's records, actions and approval dates."""

from django.urls import path

from . import views_disclosure as views

urlpatterns = [
    path("disclosures/", views.disclosure_list, name="disclosure-list"),
    path("disclosures/ensure/", views.disclosure_ensure, name="disclosure-ensure"),
    path("disclosures/approval-dates/", views.approval_dates, name="disclosure-dates"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="disclosure-detail"),
    *(
        path(
            f"disclosures/<int:pk>/{action}/",
            views.disclosure_action,
            {"action": action},
            name=f"disclosure-{action}",
        )
        for action in views.ACTIONS
    ),
]
