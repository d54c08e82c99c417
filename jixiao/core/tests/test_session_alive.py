"""`POST /session/alive/`: typing on a page counts as activity for the idle timeout."""

import time as time_module

from django.test import Client


def test_typing_told_to_the_server_keeps_an_idle_session(world, client_for, settings, monkeypatch):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 60
    client = client_for("filer")
    assert client.get("/").status_code == 200
    real = time_module.time
    for step in (50, 100, 150):  # a page open for 150 s, someone typing on it
        monkeypatch.setattr(time_module, "time", lambda s=step: real() + s)
        assert client.post("/session/alive/").status_code == 204
    assert client.get("/projects/").status_code == 200


def test_an_idle_session_is_ended_even_when_the_page_asks(world, client_for, settings, monkeypatch):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 60
    client = client_for("filer")
    assert client.get("/").status_code == 200
    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + 61)
    answer = client.post("/session/alive/")
    assert answer.status_code == 302 and "timeout=1" in answer["Location"]
    assert client.post("/session/alive/").status_code == 401


def test_no_one_signed_in_is_told_so_and_a_get_is_refused(world, client_for):
    assert Client().post("/session/alive/").status_code == 401
    assert client_for("filer").get("/session/alive/").status_code == 405


def test_the_page_carries_the_idle_limit_for_its_notice(world, client_for, settings):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 1200
    page = client_for("filer").get("/").content.decode()
    assert 'id="session-notice" data-idle="1200"' in page
    assert 'id="session-notice"' not in Client().get("/login/").content.decode()
