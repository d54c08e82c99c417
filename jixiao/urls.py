from django.urls import include, path

from jixiao.api.urls import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("jixiao.orgs.urls")),
    path("", include("jixiao.budgets.urls")),
]
