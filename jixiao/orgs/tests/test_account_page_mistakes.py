"""The accounts pages as the system admin uses them (found walking them): a login in use is
named, every mistake in the form shows at once, and a forgotten password can be reset."""

import pytest
from django.test import Client

from jixiao.core.models import AuditLog
from jixiao.orgs.models import Role, User
from jixiao.testing import PASSWORD

NEW_PASSWORD = "Qiyue@2022!x"


def test_a_new_account_with_a_login_in_use_names_it_and_shows_every_mistake(world, client_for):
    response = client_for("admin").post(
        "/accounts/new/",
        {
            "username": "filer",
            "full_name": "重复的人",
            "phone": "0791-86１2345abc",
            "roles": ["business"],
            "region": str(world.region.pk),
            "office": str(world.offices["BIZ1"].pk),
            "is_active": "on",
            "password": "short",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "账号“filer”已被使用，请换一个。" in page
    assert "具有 账号 的 用户 已存在" not in page
    assert "不能识别的字符“abc”" in page  # the phone, in the same answer
    assert "密码至少需要 10 个字符" in page  # the password's rule, in the same answer too
    assert 'value="重复的人"' in page
    assert User.objects.filter(username="filer").count() == 1


def test_the_system_admin_resets_a_forgotten_password(world, client_for):
    filer = world.users["filer"]
    admin = client_for("admin")
    assert "重设密码" in admin.get(f"/accounts/{filer.pk}/").content.decode()
    response = admin.post(
        f"/accounts/{filer.pk}/password/", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    filer.refresh_from_db()
    assert filer.check_password(NEW_PASSWORD) and not filer.check_password(PASSWORD)
    assert filer.password_changed_at is None  # to be changed at the next sign-in
    row = AuditLog.objects.filter(object_id=str(filer.pk), message="管理员重设密码").get()
    assert row.actor == world.users["admin"]
    signed_in = Client()
    assert signed_in.login(username="filer", password=NEW_PASSWORD)
    assert signed_in.get("/targets/").status_code == 302  # first: a password of one's own


def test_a_weak_or_mistyped_reset_is_refused_on_the_page(world, client_for):
    filer = world.users["filer"]
    admin = client_for("admin")
    weak = admin.post(f"/accounts/{filer.pk}/password/", {"password": "123", "password2": "123"})
    assert weak.status_code == 400 and "密码至少需要 10 个字符" in weak.content.decode()
    typo = admin.post(
        f"/accounts/{filer.pk}/password/", {"password": NEW_PASSWORD, "password2": "Qiyue@2022!y"}
    )
    assert typo.status_code == 400 and "两次输入的密码不一致" in typo.content.decode()
    filer.refresh_from_db()
    assert filer.check_password(PASSWORD)


@pytest.mark.parametrize("who", ["business", "budget", "auditor"])
def test_nobody_but_the_system_admin_resets_passwords(world, client_for, who):
    filer = world.users["filer"]
    response = client_for(who).post(
        f"/accounts/{filer.pk}/password/", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 403
    filer.refresh_from_db()
    assert filer.check_password(PASSWORD)


def test_the_system_admin_cannot_reset_the_auditors_password(world, client_for):
    auditor = world.users["auditor"]
    admin = client_for("admin")
    assert "password-reset" not in admin.get(f"/accounts/{auditor.pk}/").content.decode()
    response = admin.post(
        f"/accounts/{auditor.pk}/password/", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 403
    auditor.refresh_from_db()
    assert auditor.check_password(PASSWORD) and Role.AUDITOR in auditor.roles
