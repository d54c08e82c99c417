from django.urls import include, path

from jixiao.api.urls import api
from jixiao.core.views import (
    attachment_download,
    attachment_remove,
    attachment_upload,
    print_log,
    session_alive,
)
from jixiao.results.public_portal import portal_robots

urlpatterns = [
    path("files/<int:file_pk>/", attachment_download, name="attachment-download"),
    path("files/upload/<str:label>/<int:pk>/", attachment_upload, name="attachment-upload"),
    path("files/<int:file_pk>/remove/", attachment_remove, name="attachment-remove"),
    path("print/", print_log, name="print-log"),
    path("session/alive/", session_alive, name="session-alive"),
    path("", include("jixiao.core.job_views")),
    path("robots.txt", portal_robots, name="robots"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("jixiao.shell.urls")),
    path("", include("jixiao.orgs.urls")),
    path("", include("jixiao.budgets.urls")),
    path("", include("jixiao.targets.urls")),
    path("", include("jixiao.monitoring.urls")),
    path("", include("jixiao.evaluations.urls")),
    path("", include("jixiao.surveys.urls")),
    path("", include("jixiao.results.urls")),
    path("", include("jixiao.indicators.urls")),
    path("", include("jixiao.reports.urls")),
]
