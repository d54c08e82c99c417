"""The 403, 404, 500 and CSRF pages: Chinese by default, English on request,
self-contained (no script, no asset from anywhere) and printable."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def assert_self_contained(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()  # not even our own stylesheet: the style is inline
    assert not EXTERNAL.search(html), EXTERNAL.search(html).group(0)
    assert "@media print" in html


@pytest.mark.django_db
def test_404_page_is_in_chinese_and_self_contained():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "页面不存在" in html and "不在您的权限范围内" in html
    assert "Not Found" not in html
    assert_self_contained(html)
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_404_page_in_english_for_an_english_reader():
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert "Page not found" in html and "页面不存在" not in html


def test_403_page_is_in_chinese_and_shows_the_reason():
    request = RequestFactory().get("/targets/1/")
    with translation.override("zh-hans"):
        response = defaults.permission_denied(request, PermissionDenied("只有本单位可以修改。"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in html and "只有本单位可以修改。" in html
    assert "Forbidden" not in html
    assert_self_contained(html)


def test_500_page_is_in_chinese_without_any_context():
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in html and "联系系统管理员" in html
    assert "Server Error" not in html
    assert_self_contained(html)


def test_500_page_in_english():
    with translation.override("en"):
        html = defaults.server_error(RequestFactory().get("/")).content.decode()
    assert "System error" in html and "系统出错" not in html


@pytest.mark.django_db
def test_csrf_failure_page_is_in_chinese_and_says_what_to_do():
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "安全校验失败" in html and "刷新后重新提交" in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html
    assert_self_contained(html)
