"""Pages of disclosure (信息公开): the office's records, actions and approval dates."""

from django.urls import path

from . import views_disclosure as views

urlpatterns = [
    path("disclosures/", views.disclosure_list, name="disclosure-list"),
    path("disclosures/ensure/", views.disclosure_ensure, name="disclosure-ensure"),
    path("disclosures/approval-dates/", views.approval_dates, name="disclosure-dates"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="disclosure-detail"),
    path("disclosures/<int:pk>/publish/", views.disclosure_publish, name="disclosure-publish"),
    path("disclosures/<int:pk>/withhold/", views.disclosure_withhold, name="disclosure-withhold"),
    path("disclosures/<int:pk>/withdraw/", views.disclosure_withdraw, name="disclosure-withdraw"),
]
