"""No open redirect: a `back` or `next` that leads off the site is ignored
by every handler (`core.views.safe_back`); a page of the site is followed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from jixiao.core.views import safe_back
from jixiao.testing_pages import _policy, _project, _target

HOSTILE = [
    "//evil.example",
    "//evil.example/targets/",
    "https://evil.example",
    "http://evil.example/x",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
]


@pytest.mark.parametrize("back", HOSTILE)
def test_safe_back_refuses_an_address_off_the_site(back):
    request = RequestFactory().post("/x/", {"back": back})
    assert safe_back(request, "/home/") == "/home/"


@pytest.mark.parametrize("back", ["/targets/", "/policies/3/?page=2"])
def test_safe_back_follows_a_page_of_the_site(back):
    assert safe_back(RequestFactory().post("/x/", {"back": back}), "/home/") == back


def location(response) -> str:
    assert response.status_code == 302
    return response["Location"]


def is_local(url: str) -> bool:
    return url.startswith("/") and not url.startswith(("//", "/\\"))


@pytest.mark.parametrize("back", HOSTILE)
def test_file_upload_does_not_redirect_off_the_site(world, client_for, settings, tmp_path, back):
    settings.MEDIA_ROOT = tmp_path
    policy = _policy(world, 0)
    response = client_for("performance").post(
        f"/files/upload/reports.policydocument/{policy.pk}/",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4"), "back": back},
    )
    assert is_local(location(response))


def test_file_upload_follows_its_own_page(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    policy = _policy(world, 0)
    response = client_for("performance").post(
        f"/files/upload/reports.policydocument/{policy.pk}/",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4"), "back": f"/policies/{policy.pk}/"},
    )
    assert location(response) == f"/policies/{policy.pk}/"


@pytest.mark.parametrize("back", HOSTILE)
def test_project_arrange_does_not_redirect_off_the_site(world, client_for, back):
    project = _project(world, 0)
    response = client_for("budget").post(f"/projects/{project.pk}/arrange/", {"back": back})
    assert location(response) == f"/projects/{project.pk}/"


@pytest.mark.parametrize("back", HOSTILE)
def test_target_declare_does_not_redirect_off_the_site(world, client_for, back):
    target = _target(world, 0)  # declared already: declaring again is refused and goes back
    response = client_for("filer").post(
        "/targets/declare/", {"project": target.project_id, "back": back}
    )
    assert location(response) == "/targets/"


@pytest.mark.parametrize("back", HOSTILE)
def test_region_switch_does_not_redirect_off_the_site(world, client_for, back):
    response = client_for("budget").post(
        "/work-context/", {"region": world.region.pk, "year": 2022, "next": back}
    )
    assert is_local(location(response))
