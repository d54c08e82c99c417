"""API tokens (issue 17, part 5): scoped to reading or to some kinds, with a last day, revocable
from the profile page and the command line, and counted against a rate limit stated in headers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from jixiao.core.models import ApiToken
from jixiao.orgs.models import User
from jixiao.targets.tests.test_api import GOOD  # review grades that pass


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def error_shape(response) -> dict:
    body = json.loads(response.content)
    assert set(body) == {"detail", "errors"} and body["detail"]
    return body


def issue(user, **scope) -> str:
    return ApiToken.objects.issue(user, **scope)[1]


@pytest.fixture
def submitted(world, declare):
    from jixiao.targets.services import target_transition

    target = target_transition(actor=world.filer, target=declare(), name="complete")
    return target_transition(actor=world.leader, target=target, name="submit", attest=True)


def approve(client, target, key):
    return client.post(
        f"/api/v1/targets/{target.id}/approve",
        {"grades": GOOD},
        content_type="application/json",
        **bearer(key),
    )


# --- scope -----------------------------------------------------------------------------------


def test_a_token_alone_has_full_scope(world, client, submitted):
    key = issue(world.users["business"])
    assert client.get("/api/v1/units", **bearer(key)).status_code == 200
    assert approve(client, submitted, key).status_code == 200


def test_a_read_only_token_reads_but_a_write_answers_403(world, client, submitted):
    key = issue(world.users["business"], read_only=True)
    assert client.get(f"/api/v1/targets/{submitted.id}", **bearer(key)).status_code == 200
    refused = approve(client, submitted, key)
    assert refused.status_code == 403 and "只读" in error_shape(refused)["detail"]
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_token_for_some_kinds_answers_403_on_the_others(world, client, submitted):
    key = issue(world.users["business"], kinds=["targets"])
    assert client.get("/api/v1/targets", **bearer(key)).status_code == 200
    assert approve(client, submitted, key).status_code == 200
    for url in ("/api/v1/units", f"/api/v1/projects/{world.projects['P1'].id}", "/api/v1/stats"):
        assert client.get(url, **bearer(key)).status_code == 403, url
    assert "units" in error_shape(client.get("/api/v1/units", **bearer(key)))["detail"]


def test_a_kind_scoped_token_still_reads_the_openapi_document(world, client):
    key = issue(world.users["business"], kinds=["targets"])
    assert client.get("/api/v1/openapi.json", **bearer(key)).status_code == 200


def test_an_expired_token_answers_401_and_one_ending_today_still_works(world, client):
    today = timezone.localdate()
    ended = issue(world.users["budget"], expires_on=today - dt.timedelta(days=1))
    last_day = issue(world.users["budget"], expires_on=today)
    response = client.get("/api/v1/units", **bearer(ended))
    assert response.status_code == 401
    error_shape(response)
    assert client.get("/api/v1/units", **bearer(last_day)).status_code == 200


def test_a_revoked_token_answers_401(world, client):
    token, key = ApiToken.objects.issue(world.users["budget"])
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert client.get("/api/v1/units", **bearer(key)).status_code == 401


def test_a_service_accounts_scoped_token_is_not_stopped_by_an_expired_password(world, client):
    old = timezone.now() - dt.timedelta(days=400)
    User.objects.filter(username="budget").update(is_service=True, password_changed_at=old)
    key = issue(User.objects.get(username="budget"), read_only=True, kinds=["units"])
    assert client.get("/api/v1/units", **bearer(key)).status_code == 200
    User.objects.filter(username="budget").update(is_service=False)
    refused = client.get("/api/v1/units", **bearer(key))
    assert refused.status_code == 403 and "密码" in error_shape(refused)["detail"]


@pytest.mark.parametrize(
    "read_only, kinds, write, kind, refused",
    [
        (False, [], True, "targets", False),
        (True, [], False, "targets", False),
        (True, [], True, "targets", True),
        (False, ["targets"], True, "targets", False),
        (False, ["targets"], False, "units", True),
        (False, ["targets"], False, None, False),  # a path of no kind (the OpenAPI document)
    ],
)
def test_refusal_table(read_only, kinds, write, kind, refused):
    token = ApiToken(read_only=read_only, kinds=kinds)
    assert bool(token.refusal(write=write, kind=kind)) is refused


# --- jixiao token ----------------------------------------------------------------------------


def run_token(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_the_command_issues_a_scoped_token(world, client):
    key = run_token(
        "business",
        "--read-only",
        "--kinds",
        "targets,projects",
        "--expires",
        "2099-03-31",
        "--name",
        "预算一体化",
    )
    token = ApiToken.objects.get(prefix=key[:10])
    assert (token.name, token.read_only, token.kinds, token.expires_on) == (
        "预算一体化",
        True,
        ["projects", "targets"],
        dt.date(2099, 3, 31),
    )
    assert client.get("/api/v1/targets", **bearer(key)).status_code == 200
    assert client.get("/api/v1/units", **bearer(key)).status_code == 403


def test_the_command_alone_still_prints_a_full_scope_token(world):
    key = run_token("business")
    token = ApiToken.objects.get(prefix=key[:10])
    assert key.startswith("jx_") and not token.read_only and token.kinds == []
    assert token.expires_on is None


@pytest.mark.parametrize(
    "args, reason",
    [
        (["--kinds", "targets,nonsense"], "nonsense"),
        (["--expires", "2020-01-01"], "已过"),
        (["--expires", "31/03/2027"], "不是日期"),
    ],
)
def test_the_command_refuses_an_unknown_kind_or_a_bad_day(world, args, reason):
    with pytest.raises(CommandError, match=reason):
        run_token("business", *args)
    assert not ApiToken.objects.exists()


def test_the_command_revokes_a_token_by_its_number(world, client):
    key = run_token("business")
    token = ApiToken.objects.get(prefix=key[:10])
    run_token("--revoke", str(token.pk))
    token.refresh_from_db()
    assert token.revoked
    assert client.get("/api/v1/units", **bearer(key)).status_code == 401
    with pytest.raises(CommandError):
        run_token("--revoke", "987654")


def test_the_command_lists_tokens_without_their_secret(world):
    key = run_token("business", "--read-only", "--name", "对接")
    listing = run_token("business", "--list")
    assert "对接" in listing and "只读" in listing and key not in listing


# --- the profile page ------------------------------------------------------------------------


def test_profile_makes_a_scoped_token_and_lists_it_without_the_secret(world, client_for):
    client = client_for("business")
    response = client.post(
        "/profile/tokens/",
        {"name": "一体化", "read_only": "on", "kinds": ["targets"], "expires_on": "2099-12-31"},
    )
    assert response.status_code == 302
    token = ApiToken.objects.get(user=world.users["business"])
    assert (token.read_only, token.kinds, token.expires_on) == (
        True,
        ["targets"],
        dt.date(2099, 12, 31),
    )
    shown_once = client.get("/profile/").content.decode()
    assert token.prefix in shown_once and "2099-12-31" in shown_once and "只读" in shown_once
    key = shown_once.split('<code id="new-token">')[1].split("<")[0]
    assert ApiToken.objects.authenticate(key) == token
    again = client.get("/profile/").content.decode()
    assert key not in again and token.prefix in again and token.digest not in again


def test_profile_refuses_an_expiry_in_the_past_and_an_unknown_kind(world, client_for):
    client = client_for("business")
    for data in ({"expires_on": "2001-01-01"}, {"kinds": ["nonsense"]}):
        response = client.post("/profile/tokens/", data)
        assert response.status_code == 400, data
    assert not ApiToken.objects.exists()


def test_profile_revokes_with_a_post_and_its_csrf_token(world, client):
    token, key = ApiToken.objects.issue(world.users["business"])
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.users["business"])
    url = f"/profile/tokens/{token.pk}/revoke/"
    assert csrf_client.get(url).status_code == 405
    assert csrf_client.post(url).status_code == 403  # no CSRF token
    page = csrf_client.get("/profile/")
    csrf = page.context["csrf_token"]
    assert csrf_client.post(url, {"csrfmiddlewaretoken": str(csrf)}).status_code == 302
    token.refresh_from_db()
    assert token.revoked
    assert client.get("/api/v1/units", **bearer(key)).status_code == 401
    assert token.prefix not in csrf_client.get("/profile/").content.decode()


def test_profile_cannot_revoke_someone_elses_token(world, client_for):
    token, _key = ApiToken.objects.issue(world.users["budget"])
    response = client_for("business").post(f"/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.revoked


# --- rate limit ------------------------------------------------------------------------------


@pytest.fixture
def three_a_minute(settings):
    settings.JIXIAO_API_RATE_LIMIT = 3
    settings.JIXIAO_API_RATE_WINDOW = 60


def test_every_answer_states_the_limit_and_past_it_429_with_retry_after(
    world, client, three_a_minute
):
    key = issue(world.users["budget"])
    answers = [client.get("/api/v1/units", **bearer(key)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert {a["X-RateLimit-Limit"] for a in answers} == {"3"}
    now = timezone.now().timestamp()
    assert now < int(answers[0]["X-RateLimit-Reset"]) <= now + 60
    refused = client.get("/api/v1/units", **bearer(key))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["X-RateLimit-Remaining"] == "0"
    error_shape(refused)


def test_the_limit_is_per_token(world, client, three_a_minute):
    first, second = issue(world.users["budget"]), issue(world.users["budget"])
    for _ in range(4):
        client.get("/api/v1/units", **bearer(first))
    assert client.get("/api/v1/units", **bearer(first)).status_code == 429
    assert client.get("/api/v1/units", **bearer(second)).status_code == 200


def test_refusals_state_the_limit_too(world, client, submitted):
    key = issue(world.users["budget"], read_only=True)
    for response in (
        approve(client, submitted, key),  # 403
        client.get("/api/v1/units/987654", **bearer(key)),  # 404
    ):
        assert response["X-RateLimit-Limit"] == "600", response.status_code


def test_a_window_past_resets_the_count(world, three_a_minute):
    from jixiao.core.ratelimit import count_hit

    start = dt.datetime(2026, 3, 1, 8, 0, 10, tzinfo=dt.UTC)
    counts = [count_hit("k", 60, now=start + dt.timedelta(seconds=s))[0] for s in (0, 20, 49)]
    later, end = count_hit("k", 60, now=start + dt.timedelta(seconds=50))
    assert counts == [1, 2, 3] and later == 1
    assert end == dt.datetime(2026, 3, 1, 8, 2, tzinfo=dt.UTC)
