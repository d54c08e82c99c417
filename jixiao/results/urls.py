"""Every page of using the results: each area keeps its own list (`urls_<area>.py`)."""

from django.urls import include, path

urlpatterns = [
    path("", include("jixiao.results.urls_rectification")),
    path("", include("jixiao.results.urls_audit")),
    path("", include("jixiao.results.urls_linkage")),
    path("", include("jixiao.results.urls_funds")),
    path("", include("jixiao.results.urls_assessment")),
    path("", include("jixiao.results.urls_disclosure")),
    path("", include("jixiao.results.urls_uses")),
    # The public disclosure portal (/public/): no login, published items only.
    path("public/", include("jixiao.results.urls_public")),
]
