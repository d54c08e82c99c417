from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("logout/", views.logout_view, name="logout"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/new/", views.unit_edit, name="unit-create"),
    path("units/import/", views.unit_import, name="unit-import"),
    path("units/template.xlsx", views.unit_template, name="unit-template"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/succession/", views.unit_succession, name="unit-succession"),
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_edit, name="account-create"),
    path("accounts/<int:pk>/", views.account_edit, name="account-edit"),
    path("accounts/<int:pk>/unlock/", views.account_unlock, name="account-unlock"),
    path("accounts/<int:pk>/password/", views.account_password, name="account-password"),
    path("accounts/<int:pk>/totp-reset/", views.totp_reset, name="totp-reset"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password-change"),
    path("profile/totp/", views.totp_enrol, name="totp-enrol"),
    path("profile/tokens/", views.token_create, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("audit/", views.audit_log, name="audit-log"),
    path("rulebook/", views.rulebook_page, name="rulebook"),
]
