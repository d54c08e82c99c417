"""Passwords (DOMAIN.md §11): the policy's rules, the last five passwords, the old
password counted as a login, and the forced change that blocks pages, exports and the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from jixiao.core.models import ApiToken
from jixiao.orgs.models import LoginThrottle, PasswordHistory, User
from jixiao.orgs.services import password_change
from jixiao.testing import PASSWORD


def refusal_codes(user, password) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        password_change(user=user, new_password=password)
    return {error.code for error in caught.value.error_list}


# --- the policy ----------------------------------------------------------------------------


def test_a_run_of_repeated_characters_is_refused(world):
    assert "password_repeated_characters" in refusal_codes(world.filer, "aaaaaaaaa1!")


def test_too_few_different_characters_are_refused(world):
    assert "password_too_few_characters" in refusal_codes(world.filer, "Ab1!Ab1!Ab1!")


def test_three_repeats_in_a_row_are_allowed(world):
    password_change(user=world.filer, new_password="Kaaa-Strong-2022")


def test_password_containing_the_username_in_any_case_is_refused(world):
    assert "password_contains_username" in refusal_codes(world.filer, "My-FILER-pass-2022")


def test_length_error_is_in_chinese(world):
    with override("zh-hans"), pytest.raises(ValidationError) as caught:
        password_change(user=world.filer, new_password="Ab1!xyz")
    assert "密码至少需要 10 个字符。" in caught.value.messages


@pytest.mark.parametrize(
    "weak", ["Ab1!xyz", "aaaaaaaaa1!", "1234567890123", "Password123", "Filer-Name-2022"]
)
def test_every_policy_message_is_chinese(world, weak):
    with override("zh-hans"), pytest.raises(ValidationError) as caught:
        password_change(user=world.filer, new_password=weak)
    for message in caught.value.messages:
        assert not any("a" <= ch.lower() <= "z" for ch in message), message


def test_the_last_five_passwords_are_refused_and_the_sixth_is_allowed(world):
    user = world.filer
    passwords = [f"Rotation-{n}-Kx!" for n in range(1, 7)]
    for password in passwords:
        password_change(user=user, new_password=password)
    user.refresh_from_db()
    for recent in passwords[1:]:  # the current one and the four before it
        assert "password_reused" in refusal_codes(user, recent), recent
    password_change(user=user, new_password=passwords[0])
    assert user.check_password(passwords[0])


def test_only_hashes_of_the_last_five_are_kept(world):
    for n in range(8):
        password_change(user=world.filer, new_password=f"Rotation-{n}-Kx!")
    kept = list(PasswordHistory.objects.filter(user=world.filer).values_list("password", flat=True))
    assert len(kept) == 5
    assert all(not h.startswith("Rotation") for h in kept)


def test_the_change_page_lists_the_rules(world, client_for):
    html = client_for("filer").get("/profile/password/").content.decode()
    assert "连续出现 4 次" in html and "最近 5 次" in html and "账号名" in html


# --- the old password counts as a failed login --------------------------------------------


def change(client, old, new="Brand-New-Pass-42", ip="127.0.0.1"):
    data = {"old_password": old, "new_password": new, "new_password2": new}
    return client.post("/profile/password/", data, REMOTE_ADDR=ip)


def test_wrong_old_passwords_lock_like_failed_logins(world, client_for, client, settings):
    settings.JIXIAO_LOGIN_MAX_FAILURES = 3
    filer = client_for("filer")
    for _ in range(3):
        assert change(filer, "wrong-Password-1").status_code == 200
    assert LoginThrottle.objects.get(username="filer", ip="127.0.0.1").is_locked()
    refused = change(filer, PASSWORD)  # even the right one, while locked
    assert "锁定" in refused.content.decode()
    assert User.objects.get(username="filer").check_password(PASSWORD)
    login = client.post("/login/", {"username": "filer", "password": PASSWORD})
    assert login.status_code == 401


def test_right_old_password_changes_it(world, client_for):
    response = change(client_for("filer"), PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(username="filer").check_password("Brand-New-Pass-42")


# --- the forced change ---------------------------------------------------------------------


@pytest.fixture
def must_change(world):
    User.objects.filter(username="filer").update(password_changed_at=None)


@pytest.mark.parametrize("url", ["/", "/targets/?export=xlsx", "/projects/", "/profile/"])
def test_initial_password_blocks_pages_and_exports(must_change, client_for, url):
    response = client_for("filer").get(url)
    assert response.status_code == 302 and response["Location"] == "/profile/password/"


def test_expired_password_blocks_pages(world, client_for):
    User.objects.filter(username="filer").update(
        password_changed_at=timezone.now() - dt.timedelta(days=400)
    )
    response = client_for("filer").get("/targets/?export=xlsx")
    assert response.status_code == 302 and response["Location"] == "/profile/password/"


def test_change_page_and_logout_stay_reachable(must_change, client_for):
    client = client_for("filer")
    page = client.get("/profile/password/")
    assert page.status_code == 200 and "初始密码" in page.content.decode()
    assert client.post("/logout/")["Location"] == "/login/"


def test_api_answers_403_with_the_reason_for_a_token_and_a_session(must_change, client_for):
    _, key = ApiToken.objects.issue(User.objects.get(username="filer"))
    for response in (
        client_for("filer").get("/api/v1/units"),
        client_for("budget").get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}"),
    ):
        assert response.status_code == 403
        assert "修改密码" in response.json()["detail"] and response.json()["errors"] == []


def test_service_account_token_works_without_a_password_change(world, client):
    User.objects.filter(username="budget").update(is_service=True, password_changed_at=None)
    _, key = ApiToken.objects.issue(User.objects.get(username="budget"))
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_changing_the_password_opens_the_pages_again(must_change, client_for):
    client = client_for("filer")
    assert change(client, PASSWORD).status_code == 302
    assert client.get("/targets/?export=xlsx").status_code == 200


def test_account_saved_as_service_has_no_password(world):
    from jixiao.orgs.services import account_save

    user = account_save(
        actor=world.users["admin"],
        user=User.objects.get(username="budget"),
        roles=["budget"],
        region=world.region,
        is_service=True,
    )
    assert not user.has_usable_password() and user.password_change_reason() == ""
