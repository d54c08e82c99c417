"""三员分立 (DOMAIN.md §11): the system admin, the security admin and the auditor are
separate roles, none able to act as another."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.orgs.models import Role, User
from jixiao.orgs.services import account_save
from jixiao.testing import PASSWORD


@pytest.fixture
def security(world):
    user = User(
        username="security",
        roles=[Role.SECURITY],
        region=world.region,
        password_changed_at=world.users["admin"].password_changed_at,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def save(actor, user, **changes):
    fields = {
        "roles": list(user.roles),
        "region": user.region,
        "unit": user.unit,
        "office": user.office,
        "full_name": user.full_name,
        "is_active": user.is_active,
    }
    fields.update(changes)
    return account_save(actor=actor, user=User.objects.get(pk=user.pk), **fields)


def test_one_account_cannot_hold_two_of_the_three_admin_roles(world, security):
    with pytest.raises(ValidationError, match="不能由同一账号兼任"):
        save(security, world.users["budget"], roles=[Role.SECURITY, Role.AUDITOR])


def test_system_admin_cannot_grant_the_auditor_role_once_there_is_an_auditor(world):
    with pytest.raises(ValidationError, match="由安全管理员分配"):
        save(world.users["admin"], world.users["budget"], roles=[Role.AUDITOR])


def test_system_admin_cannot_make_another_system_admin(world):
    with pytest.raises(ValidationError, match="由安全管理员分配"):
        save(world.users["admin"], world.users["filer"], roles=[Role.ADMIN])


def test_system_admin_appoints_the_first_security_admin_only(world, security):
    with pytest.raises(ValidationError, match="由安全管理员分配"):
        save(world.users["admin"], world.users["budget"], roles=[Role.SECURITY])
    User.objects.filter(pk=security.pk).update(is_active=False)
    appointed = save(world.users["admin"], world.users["budget"], roles=[Role.SECURITY])
    assert appointed.roles == [Role.SECURITY]


def test_system_admin_cannot_edit_the_auditor_or_the_security_admin(world, security):
    for account in (world.users["auditor"], security):
        with pytest.raises(PermissionDenied):
            save(world.users["admin"], account, is_active=False)
    assert User.objects.get(username="auditor").is_active


def test_security_admin_grants_roles_but_changes_nothing_else(world, security):
    granted = save(security, world.users["filer"], roles=[Role.FILER, Role.LEADER])
    assert granted.roles == [Role.FILER, Role.LEADER]
    with pytest.raises(PermissionDenied):
        save(security, world.users["filer"], full_name="改名")
    with pytest.raises(PermissionDenied):
        account_save(actor=security, user=None, username="newbie", roles=[Role.FILER])


def test_security_admin_grants_the_admin_roles(world, security):
    assert save(security, world.users["budget"], roles=[Role.AUDITOR]).roles == [Role.AUDITOR]


def test_nobody_changes_their_own_roles(world, security):
    with pytest.raises(ValidationError, match="自己的角色"):
        save(security, security, roles=[Role.AUDITOR])
    with pytest.raises(ValidationError, match="自己的角色"):
        save(world.users["admin"], world.users["admin"], roles=[])


def test_security_admin_unlocks_but_sees_neither_budget_data_nor_the_audit_log(
    world, security, client
):
    client.force_login(security)
    assert client.get("/accounts/").status_code == 200
    assert client.get("/accounts/new/").status_code == 403
    assert client.post(f"/accounts/{world.filer.id}/unlock/").status_code == 302
    assert client.get("/audit/").status_code == 403
    assert client.get(f"/projects/{world.projects['P1'].id}/").status_code == 404


def test_security_admin_edit_page_changes_roles_only(world, security, client):
    client.force_login(security)
    data = {"roles": ["filer", "leader"], "full_name": "改名", "region": world.region.id}
    response = client.post(f"/accounts/{world.filer.id}/", data)
    assert response.status_code == 302
    filer = User.objects.get(pk=world.filer.pk)
    assert filer.roles == ["filer", "leader"] and filer.full_name == "filer"


def test_system_admin_and_security_admin_cannot_read_the_audit_log(world, security, client_for):
    assert client_for("admin").get("/audit/").status_code == 403
    assert client_for("auditor").get("/audit/").status_code == 200


def test_security_admin_menu_offers_accounts_and_no_budget_data(security):
    from jixiao.core.navigation import menu_for

    names = {item.url_name for _stage, _label, items in menu_for(security) for item in items}
    assert "account-list" in names
    budget_pages = {
        "unit-list",
        "project-list",
        "target-list",
        "library",
        "round-list",
        "report-list",
        "alert-list",
        "selfeval-list",
        "unit-evaluation-list",
    }
    assert not names & budget_pages
