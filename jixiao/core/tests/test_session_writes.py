"""A page read writes nothing: the idle timeout's time of the last request is stored only once it
has moved by a step (a thirtieth of the limit), so a signed-in page does not save the session,
an UPDATE and a commit, on every request (the deadline peak's cost per request)."""

import time as time_module

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.core.middleware import SessionTimeoutMiddleware


def session_writes(captured) -> int:
    return sum(
        1
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
        and "django_session" in q["sql"]
    )


def test_a_second_page_within_the_step_does_not_write_the_session(client_for):
    client = client_for("filer")
    client.get("/")  # the first request stores the time
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/targets/").status_code == 200
    assert session_writes(captured) == 0


def test_the_time_is_written_again_once_it_moved_by_a_step(client_for, settings, monkeypatch):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 1800
    assert SessionTimeoutMiddleware.step() == 60
    client = client_for("filer")
    client.get("/")
    first = client.session[SessionTimeoutMiddleware.KEY]
    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + 30)
    client.get("/targets/")
    assert client.session[SessionTimeoutMiddleware.KEY] == first
    monkeypatch.setattr(time_module, "time", lambda: real() + 61)
    with CaptureQueriesContext(connection) as captured:
        client.get("/targets/")
    assert session_writes(captured) == 1
    assert client.session[SessionTimeoutMiddleware.KEY] >= first + 61


def test_activity_every_step_keeps_a_session_past_the_limit(client_for, settings, monkeypatch):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 300  # a step of 10 s
    client = client_for("filer")
    client.get("/")
    real = time_module.time
    for seconds in range(250, 1000, 250):  # each within the limit of the last stored time
        monkeypatch.setattr(time_module, "time", lambda s=seconds: real() + s)
        assert client.get("/targets/").status_code == 200
    monkeypatch.setattr(time_module, "time", lambda: real() + 750 + 301)
    response = client.get("/targets/")
    assert response.status_code == 302 and "timeout=1" in response["Location"]


def test_the_first_page_after_signing_in_writes_nothing(world, client):
    from jixiao.testing import PASSWORD

    response = client.post("/login/", {"username": "filer", "password": PASSWORD})
    assert response.status_code == 302
    assert SessionTimeoutMiddleware.KEY in client.session  # stored with the sign-in
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/targets/").status_code == 200
    assert session_writes(captured) == 0
