"""Login: lockout, password policy, session timeout, logins in the audit log (DOMAIN.md §11)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jixiao.core.models import AuditLog
from jixiao.orgs.models import LoginThrottle, User
from jixiao.orgs.services import password_change
from jixiao.testing import PASSWORD


def login(client, username, password, ip="127.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def error_text(response) -> str:
    match = re.search(r'role="alert"[^>]*>(.*?)<', response.content.decode(), re.S)
    return match.group(1).strip() if match else ""


def test_right_password_signs_in_and_is_logged(world, client):
    response = login(client, "filer", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditLog.objects.filter(action="login", actor_name="filer").exists()


def test_wrong_password_is_refused_with_a_generic_message_and_logged(world, client):
    response = login(client, "filer", "wrong-Password-1")
    assert response.status_code == 401
    assert "账号或密码不正确" in response.content.decode()
    assert AuditLog.objects.filter(action="login_failed", actor_name="filer").exists()


def test_unknown_username_gets_the_same_message_as_a_wrong_password(world, client):
    response = login(client, "nobody-here", "wrong-Password-1")
    assert "账号或密码不正确" in response.content.decode()


def test_account_locks_after_five_failures_and_refuses_even_the_right_password(
    world, client, settings
):
    settings.JIXIAO_LOGIN_MAX_FAILURES = 5
    for _ in range(4):
        login(client, "filer", "wrong-Password-1")
    assert not User.objects.get(username="filer").is_locked()
    fifth = login(client, "filer", "wrong-Password-1")
    assert "锁定" in fifth.content.decode()
    assert User.objects.get(username="filer").is_locked()  # the account list shows it
    right = login(client, "filer", PASSWORD)
    assert right.status_code == 401 and "锁定" in right.content.decode()
    assert AuditLog.objects.filter(action="locked", actor_name="filer").count() == 1


def test_lock_is_keyed_by_address_so_another_address_still_signs_in(world, client, settings):
    settings.JIXIAO_LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        login(client, "admin", "wrong-Password-1", ip="10.0.0.66")
    assert "锁定" in login(client, "admin", PASSWORD, ip="10.0.0.66").content.decode()
    assert login(client, "admin", PASSWORD, ip="10.0.0.7").status_code == 302


def test_unknown_name_locks_and_gets_the_same_messages_as_a_known_one(world, client, settings):
    settings.JIXIAO_LOGIN_MAX_FAILURES = 3
    known = [login(client, "filer", "wrong-Password-1") for _ in range(4)]
    unknown = [login(client, "nobody-here", "wrong-Password-1") for _ in range(4)]
    for a, b in zip(known, unknown, strict=True):
        assert a.status_code == b.status_code == 401
        assert re.sub(r"\d\d:\d\d", "", error_text(a)) == re.sub(r"\d\d:\d\d", "", error_text(b))
    assert "锁定" in error_text(unknown[-1])


def test_each_new_lock_lasts_twice_as_long(world, client, settings):
    settings.JIXIAO_LOGIN_MAX_FAILURES = 2
    settings.JIXIAO_LOGIN_LOCK_MINUTES = 10
    lengths = []
    for _ in range(3):
        for _ in range(2):
            login(client, "filer", "wrong-Password-1")
        throttle = LoginThrottle.objects.get(username="filer")
        lengths.append(round((throttle.locked_until - timezone.now()).total_seconds() / 60))
        LoginThrottle.objects.filter(pk=throttle.pk).update(locked_until=timezone.now())
    assert lengths == [10, 20, 40]


def test_lock_expires_after_the_configured_minutes(world, client, settings):
    settings.JIXIAO_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        login(client, "filer", "wrong-Password-1")
    LoginThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert login(client, "filer", PASSWORD).status_code == 302


def test_successful_login_resets_the_failure_count(world, client):
    for _ in range(3):
        login(client, "filer", "wrong-Password-1")
    assert LoginThrottle.objects.get(username="filer").failures == 3
    login(client, "filer", PASSWORD)
    assert not LoginThrottle.objects.filter(username="filer").exists()


def test_admin_unlock_lifts_the_lock_and_is_audited(world, client, client_for, settings):
    settings.JIXIAO_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        login(client, "filer", "wrong-Password-1", ip="10.0.0.66")
    assert User.objects.get(username="filer").is_locked()
    client_for("admin").post(f"/accounts/{world.filer.id}/unlock/")
    assert not User.objects.get(username="filer").is_locked()
    assert login(client, "filer", PASSWORD, ip="10.0.0.66").status_code == 302
    entry = AuditLog.objects.get(action="action", object_id=str(world.filer.id))
    assert entry.actor_name == "admin" and "10.0.0.66" in entry.message


def test_non_admin_cannot_unlock(world, client_for):
    assert client_for("budget").post(f"/accounts/{world.filer.id}/unlock/").status_code == 403


def test_service_account_cannot_sign_in_on_the_login_page(world, client):
    User.objects.filter(username="filer").update(is_service=True)
    response = login(client, "filer", PASSWORD)
    assert response.status_code == 401 and "账号或密码不正确" in error_text(response)


@pytest.mark.parametrize("weak", ["short1A!", "alllowercaseletters", "Password123", "1234567890ab"])
def test_weak_passwords_are_refused(world, weak):
    with pytest.raises(ValidationError):
        password_change(user=world.filer, new_password=weak)


def test_strong_password_is_accepted_and_restarts_the_expiry_clock(world):
    password_change(user=world.filer, new_password="Quite-Strong-2022")
    user = User.objects.get(username="filer")
    assert user.check_password("Quite-Strong-2022")
    assert timezone.now() - user.password_changed_at < dt.timedelta(minutes=1)


def test_expired_password_sends_the_user_to_change_it(world, client):
    User.objects.filter(username="filer").update(
        password_changed_at=timezone.now() - dt.timedelta(days=400)
    )
    response = login(client, "filer", PASSWORD)
    assert response["Location"] == "/profile/password/"


def test_idle_session_times_out_and_returns_to_login(world, client, settings, monkeypatch):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 60
    login(client, "filer", PASSWORD)
    assert client.get("/").status_code == 200
    import time as time_module

    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + 61)
    response = client.get("/projects/")
    assert response.status_code == 302 and "timeout=1" in response["Location"]
    monkeypatch.setattr(time_module, "time", real)
    assert client.get("/").status_code == 302  # signed out for good


def test_activity_within_the_idle_limit_keeps_the_session(world, client, settings, monkeypatch):
    settings.JIXIAO_SESSION_IDLE_SECONDS = 60
    login(client, "filer", PASSWORD)
    import time as time_module

    real = time_module.time
    for step in (50, 100, 150):
        monkeypatch.setattr(time_module, "time", lambda s=step: real() + s)
        assert client.get("/").status_code == 200


def test_logout_is_logged(world, client):
    login(client, "filer", PASSWORD)
    client.post("/logout/")
    assert AuditLog.objects.filter(action="logout", actor_name="filer").exists()


def test_open_redirect_after_login_is_refused(world, client):
    response = client.post(
        "/login/", {"username": "filer", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_system_admin_pages_work_without_any_region_in_scope(world, client_for):
    from jixiao.orgs.models import User

    User.objects.filter(username="admin").update(region=None)
    client = client_for("admin")
    assert client.get("/accounts/").status_code == 200
    assert client.get("/").status_code == 200


def test_account_language_is_applied_at_login(world, client):
    from jixiao.orgs.models import User

    User.objects.filter(username="filer").update(language="en")
    response = login(client, "filer", PASSWORD)
    assert response.cookies["django_language"].value == "en"
    assert "Dashboard" in client.get("/").content.decode()
