"""API authentication leaves no trace: a Bearer-token call stores no
session and sets no cookie, and a write without credentials answers 401, not a CSRF 403."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from jixiao.core.models import ApiToken

MISSING_TARGET = "/api/v1/targets/999999/submit"


@pytest.fixture
def token_headers(world):
    _token, key = ApiToken.objects.issue(world.users["budget"])
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_bearer_token_requests_create_no_session_row_and_set_no_cookie(world, token_headers):
    client = Client(enforce_csrf_checks=True)
    before = Session.objects.count()
    for _ in range(3):  # a polling integration
        response = client.get("/api/v1/units", **token_headers)
        assert response.status_code == 200
        assert not response.cookies, response.cookies
    write = client.post(MISSING_TARGET, {}, content_type="application/json", **token_headers)
    assert write.status_code == 404  # through authentication and CSRF to the object lookup
    assert not write.cookies
    assert Session.objects.count() == before


def test_anonymous_api_write_answers_401_in_the_error_shape(world):
    response = Client(enforce_csrf_checks=True).post(
        MISSING_TARGET, {}, content_type="application/json"
    )
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "CSRF" not in body["detail"] and body["detail"] == "未登录或令牌无效。"


def test_session_api_write_without_csrf_token_answers_403_in_chinese(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["budget"])
    response = client.post(MISSING_TARGET, {}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"].startswith("CSRF 校验失败")


def test_session_api_write_with_csrf_token_goes_through(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["budget"])
    client.get("/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        MISSING_TARGET, {}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 404


def test_browser_session_on_the_api_still_counts_as_activity(world):
    client = Client()
    client.force_login(world.users["budget"])
    assert client.get("/api/v1/units").status_code == 200
    assert "jixiao_last_seen" in client.session  # the idle timeout still sees API calls
