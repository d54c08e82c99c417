"""The public disclosure portal (mounted at /public/): no login, published items only."""

from django.urls import path

from . import public_portal as portal

urlpatterns = [
    path("", portal.portal_index, name="public-index"),
    path("index.json", portal.portal_index_json, name="public-index-json"),
    path("sitemap.xml", portal.portal_sitemap, name="public-sitemap"),
    path("robots.txt", portal.portal_robots, name="public-robots"),
    path("disclosures/<int:pk>/", portal.portal_disclosure, name="public-disclosure"),
    path("disclosures/<int:pk>.csv", portal.portal_disclosure_csv, name="public-disclosure-csv"),
    path("disclosures/<int:pk>.json", portal.portal_disclosure_json, name="public-disclosure-json"),
    path("disclosures/<int:pk>.docx", portal.portal_disclosure_docx, name="public-disclosure-docx"),
]
