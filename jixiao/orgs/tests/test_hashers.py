"""Passwords are stored with Argon2id at OWASP's recommended cost (orgs/hashers.py), and the
hashes of accounts made before still sign in and are rewritten at that sign-in."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password

from jixiao import settings as project_settings
from jixiao.orgs.models import User
from jixiao.testing import PASSWORD


@pytest.fixture(autouse=True)
def real_hashers(settings):
    # The test run stores passwords with MD5 for speed (conftest.py); these tests use the real
    # list. Through pytest-django's `settings`, so that every change here is undone in order.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def stored(username: str) -> str:
    return User.objects.get(username=username).password


def test_a_new_password_is_stored_as_argon2id_with_19_mib_2_passes_and_1_lane():
    encoded = make_password("Jixiao@2022-x")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("Jixiao@2022-x", encoded)
    assert not check_password("Jixiao@2022-y", encoded)


def test_the_memory_and_passes_come_from_the_settings(settings):
    settings.JIXIAO_ARGON2_MEMORY_KIB = 8192
    settings.JIXIAO_ARGON2_TIME_COST = 3
    assert make_password("Jixiao@2022-x").startswith("argon2$argon2id$v=19$m=8192,t=3,p=1$")


@pytest.mark.django_db
def test_an_account_with_a_pbkdf2_hash_signs_in_and_its_hash_becomes_argon2id(world, client):
    old = PBKDF2PasswordHasher()
    User.objects.filter(username="filer").update(password=old.encode(PASSWORD, old.salt()))
    assert login(client, "filer", PASSWORD).status_code == 302
    assert stored("filer").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    client.logout()
    assert login(client, "filer", PASSWORD).status_code == 302  # and signs in with it again


@pytest.mark.django_db
def test_a_wrong_password_leaves_an_old_hash_as_it_was(world, client):
    old = PBKDF2PasswordHasher()
    before = old.encode(PASSWORD, old.salt())
    User.objects.filter(username="filer").update(password=before)
    assert login(client, "filer", "wrong-Password-1").status_code == 401
    assert stored("filer") == before


@pytest.mark.django_db
def test_a_hash_of_lower_cost_than_the_settings_is_rewritten_at_sign_in(world, client, settings):
    settings.JIXIAO_ARGON2_MEMORY_KIB = 8192
    User.objects.filter(username="filer").update(password=make_password(PASSWORD))
    assert "m=8192," in stored("filer")
    settings.JIXIAO_ARGON2_MEMORY_KIB = 19456
    assert login(client, "filer", PASSWORD).status_code == 302
    assert "$m=19456,t=2,p=1$" in stored("filer")
