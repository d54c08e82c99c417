"""The second factor (DOMAIN.md §11): a TOTP code after the password, required of the
privileged roles when the deployment says so, counted like a login, reset by the admin."""

import time

import pyotp
import pytest

from jixiao.core.models import ApiToken, AuditLog
from jixiao.orgs import totp
from jixiao.orgs.models import LoginThrottle, TotpDevice, User
from jixiao.testing import PASSWORD


def enrolled(user) -> pyotp.TOTP:
    device = TotpDevice.objects.create(user=user, secret=pyotp.random_base32(), confirmed=True)
    return pyotp.TOTP(device.secret)


def sign_in(client, username):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def test_account_with_a_device_is_not_signed_in_before_its_code(world, client):
    codes = enrolled(world.users["budget"])
    response = sign_in(client, "budget")
    assert response["Location"] == "/login/code/"
    assert client.get("/").status_code == 302  # not yet signed in
    done = client.post("/login/code/", {"code": codes.now()})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditLog.objects.filter(action="login", actor_name="budget").count() == 1


def test_a_code_is_accepted_only_once(world):
    codes = enrolled(world.users["budget"])
    device = TotpDevice.objects.get(user=world.users["budget"])
    code = codes.now()
    assert totp.verify(device, code)
    assert not totp.verify(device, code)


def test_wrong_codes_count_as_failed_logins_and_lock(world, client, settings):
    settings.JIXIAO_LOGIN_MAX_FAILURES = 3
    enrolled(world.users["budget"])
    sign_in(client, "budget")
    for _ in range(3):
        assert client.post("/login/code/", {"code": "000000"}).status_code == 401
    assert LoginThrottle.objects.get(username="budget").is_locked()
    assert "锁定" in sign_in(client, "budget").content.decode()


def test_the_code_page_without_a_pending_sign_in_goes_back_to_login(world, client):
    assert client.get("/login/code/")["Location"] == "/login/"


def test_a_pending_sign_in_expires(world, client, monkeypatch):
    enrolled(world.users["budget"])
    sign_in(client, "budget")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 301)
    assert client.get("/login/code/")["Location"] == "/login/"


@pytest.fixture
def required(settings):
    settings.JIXIAO_REQUIRE_TOTP = True
    settings.JIXIAO_TOTP_ROLES = ("admin", "budget")


def test_required_role_must_enrol_before_anything_else(world, client_for, required):
    client = client_for("budget")
    response = client.get("/targets/?export=xlsx")
    assert response.status_code == 302 and response["Location"] == "/profile/totp/"
    api = client.get("/api/v1/units")
    assert api.status_code == 403 and "双因素" in api.json()["detail"]
    page = client.get("/profile/totp/")
    secret = TotpDevice.objects.get(user=world.users["budget"]).secret
    assert secret in page.content.decode()
    assert client.post("/profile/totp/", {"code": "000000"}).status_code == 200
    assert client.post("/profile/totp/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/targets/?export=xlsx").status_code == 200


def test_other_roles_and_tokens_are_not_asked_to_enrol(world, client_for, client, required):
    assert client_for("filer").get("/").status_code == 200
    _, key = ApiToken.objects.issue(world.users["budget"])
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_admin_reset_removes_the_device_and_is_audited(world, client_for):
    enrolled(world.users["budget"])
    client_for("admin").post(f"/accounts/{world.users['budget'].id}/totp-reset/")
    assert not TotpDevice.objects.filter(user=world.users["budget"]).exists()
    entry = AuditLog.objects.get(action="action", object_id=str(world.users["budget"].id))
    assert entry.actor_name == "admin" and "双因素" in entry.message


def test_only_the_admin_resets_a_device(world, client_for):
    enrolled(world.users["budget"])
    response = client_for("performance").post(f"/accounts/{world.users['budget'].id}/totp-reset/")
    assert response.status_code == 403
    assert TotpDevice.objects.filter(user=world.users["budget"]).exists()


def test_demo_logins_are_not_asked_for_a_code_by_default(world, client):
    assert User.objects.filter(totp_device__isnull=False).count() == 0
    assert sign_in(client, "admin")["Location"] == "/"


def test_account_page_offers_the_reset_only_for_an_enrolled_account(world, client_for):
    admin = client_for("admin")
    assert "重置双因素认证" not in admin.get(f"/accounts/{world.filer.id}/").content.decode()
    enrolled(world.filer)
    assert "重置双因素认证" in admin.get(f"/accounts/{world.filer.id}/").content.decode()
