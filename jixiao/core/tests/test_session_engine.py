"""The session and the signed-in user are read on every request with SQL compiled once a
process (core/sessions.py, orgs/backends.py, core/compiled.py, whose own tests are in
test_compiled.py; issue 16 part 5). Nothing is kept
between requests, so what ends a session ends it in every worker at its next request: two test
clients holding the same session cookie stand for two gunicorn workers here."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.orgs.models import User

pytestmark = pytest.mark.django_db


def _second_worker(client: Client) -> Client:
    other = Client()
    other.cookies["sessionid"] = client.cookies["sessionid"].value
    return other


def _signed_in(client: Client) -> bool:
    return client.get("/targets/").status_code == 200


def test_a_sign_out_in_one_worker_ends_the_session_in_the_other(world, client_for):
    first = client_for("filer")
    second = _second_worker(first)
    assert _signed_in(second)
    first.post("/logout/")
    response = second.get("/targets/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_password_changed_elsewhere_ends_the_session_at_its_next_request(world, client_for):
    client = client_for("filer")
    assert _signed_in(client)
    user = User.objects.get(username="filer")
    user.set_password("An0ther-Passw0rd!")
    user.save()
    assert not _signed_in(client)


def test_a_deactivated_account_is_signed_out_at_its_next_request(world, client_for):
    client = client_for("filer")
    assert _signed_in(client)
    User.objects.filter(username="filer").update(is_active=False)
    assert not _signed_in(client)


def test_an_expired_session_is_not_read(world, client_for):
    client = client_for("filer")
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(1))
    assert not _signed_in(client)


def test_a_page_reads_the_session_and_the_user_once_each(world, client_for):
    client = client_for("filer")
    client.get("/targets/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/targets/").status_code == 200
    sql = [q["sql"] for q in queries]
    assert sum('FROM "django_session"' in s for s in sql) == 1
    assert sum(s.startswith('SELECT "orgs_user"') for s in sql) == 1


def test_a_session_signed_in_before_the_new_backend_keeps_its_user(world, client_for):
    from django.contrib.auth import BACKEND_SESSION_KEY

    client = client_for("filer")
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert _signed_in(client)


def test_a_refused_password_is_checked_once(world, client, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher

    checks = []
    verify = MD5PasswordHasher.verify
    monkeypatch.setattr(
        MD5PasswordHasher, "verify", lambda self, *a: checks.append(1) or verify(self, *a)
    )
    response = client.post("/login/", {"username": "filer", "password": "wrong-password-1A"})
    assert response.status_code == 401  # refused, the form again
    assert len(checks) == 1
