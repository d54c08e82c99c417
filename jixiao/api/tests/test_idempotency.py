"""Idempotency-Key (issue 17, part 2): a retried write returns its first answer without doing
anything again; the same key with another body answers 422; a key is the caller's own and is
kept for 24 hours."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client

from jixiao.budgets.models import Project
from jixiao.core.idempotency import unchanged
from jixiao.core.models import AuditLog, IdempotentRequest


def project_body(code="P9", name="校舍维修") -> dict:
    return {
        "code": code,
        "name": name,
        "unit": "U1",
        "region": "100101",
        "year": 2022,
        "kinds": ["专项资金"],
    }


def post(client, auth, body, key="push-1"):
    return client.post(
        "/api/v1/projects",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **auth,
    )


def test_a_retried_post_returns_the_first_answer_and_does_nothing(world, client, bearer):
    auth = bearer("budget")
    first = post(client, auth, project_body())
    assert first.status_code == 201
    projects, audit = Project.objects.count(), AuditLog.objects.count()
    second = post(client, auth, project_body())
    assert (second.status_code, second.json()) == (201, first.json())
    assert second["Idempotent-Replayed"] == "true"
    assert (Project.objects.count(), AuditLog.objects.count()) == (projects, audit)


def test_the_same_key_with_another_body_is_422(world, client, bearer):
    auth = bearer("budget")
    post(client, auth, project_body())
    response = post(client, auth, project_body(name="另一个名称"))
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Project.objects.filter(name="另一个名称").exists()


def test_a_refusal_is_kept_too(world, client, bearer):
    auth = bearer("budget")
    bad = project_body() | {"kinds": ["没有这个类别"]}
    first = post(client, auth, bad)
    assert first.status_code == 422
    assert post(client, auth, bad).json() == first.json()


def test_a_refusal_of_the_caller_is_not_kept(world, client, bearer):
    unit = {"code": "U1", "name": "甲区教育局", "level": 1, "region": "100101", "year": 2022}
    refused = client.put(
        f"/api/v1/units/{world.units['U1'].id}",
        unit,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k2",
        **bearer("filer"),  # a filer does not keep units: the service refuses, 403
    )
    assert refused.status_code == 403
    assert not IdempotentRequest.objects.filter(key="k2").exists()


def test_keys_are_per_user(world, client, bearer):
    post(client, bearer("budget"), project_body())
    other = post(client, bearer("filer"), project_body(code="P8"))
    assert other.status_code == 201 and "Idempotent-Replayed" not in other


def test_a_key_older_than_a_day_is_forgotten(world, client, bearer):
    auth = bearer("budget")
    post(client, auth, project_body())
    IdempotentRequest.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    again = post(client, auth, project_body())
    assert "Idempotent-Replayed" not in again
    # it ran again: the project exists, and a POST without an external_id may not repeat a code
    assert again.status_code == 422
    assert [e["path"] for e in again.json()["errors"]] == ["code"]


def test_without_the_header_nothing_is_kept(world, client, bearer):
    auth = bearer("budget")
    client.post("/api/v1/projects", project_body(), content_type="application/json", **auth)
    assert not IdempotentRequest.objects.exists()


def test_a_key_on_a_workflow_action_replays_it(world, client, bearer, declare):
    target = declare()
    auth = bearer("filer")
    url = f"/api/v1/targets/{target.id}/submit"
    first = client.post(url, {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s1", **auth)
    again = client.post(url, {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s1", **auth)
    assert (again.status_code, again.content) == (first.status_code, first.content)


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_run_once(world, bearer):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    auth = bearer("budget")
    answers = []

    def retry():
        try:
            answers.append(post(Client(), auth, project_body(), key="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in answers) == [201] * 4
    assert len({r.content for r in answers}) == 1
    assert Project.objects.filter(code="P9").count() == 1
    assert sum(1 for r in answers if "Idempotent-Replayed" not in r) == 1


@pytest.mark.parametrize(
    ("sent", "stored", "same"),
    [
        ({"a": "10"}, {"a": "10.000000"}, True),  # numbers compared as numbers
        ({"a": None}, {"a": ""}, True),  # empty as null
        ({"a": "x", "extra": 1}, {"a": "x"}, True),  # a field GET does not show is not compared
        ({"a": ["1", "2"]}, {"a": ["1"]}, False),  # lists item by item, same length
        ({"a": True}, {"a": 1}, False),  # a flag is not a number
        ({"a": {"b": "x"}}, {"a": {"b": "y", "c": 1}}, False),
    ],
)
def test_unchanged_compares_what_was_sent_with_what_is_stored(sent, stored, same):
    assert unchanged(sent, stored) is same
