"""What the fuzzing run (test_api_fuzz.py) found, one test each: every status code the API
answers is documented in OpenAPI, in the error shape, and no query answers 500."""

from __future__ import annotations

import json

import pytest

from jixiao.core.models import ApiToken


@pytest.fixture
def openapi(db):
    from django.test import Client

    return Client().get("/api/v1/openapi.json").json()


@pytest.fixture
def auth(world):
    _t, key = ApiToken.objects.issue(world.budget)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def operations(openapi):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def documented(operation, status: int) -> str | None:
    """The name of the schema `operation` documents for `status`, if any."""
    answer = operation["responses"].get(str(status))
    return answer and answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def error_shape(response) -> dict:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert set(body) == {"detail", "errors"} and body["detail"]
    return body


def test_every_operation_documents_401_403_and_422_in_the_error_shape(openapi):
    """An anonymous call answered 401 on every operation although none documented it."""
    for name, operation in operations(openapi):
        for status in (401, 403, 422):
            assert documented(operation, status) == "ErrorOut", (name, status)


def test_every_operation_with_an_id_documents_its_404(openapi):
    for name, operation in operations(openapi):
        if "{" in name:
            assert documented(operation, 404) == "ErrorOut", name


def test_anonymous_calls_answer_401_in_the_error_shape(client):
    assert client.get("/api/v1/units").status_code == 401
    error_shape(client.get("/api/v1/units"))
    response = client.post("/api/v1/targets/1/submit", {}, content_type="application/json")
    assert response.status_code == 401
    error_shape(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/units/-5",
        "/api/v1/targets/abc",
        "/api/v1/alerts/%0A5",
        "/api/v1/no-such-kind",
        "/api/v1/units/1/x",
    ],
)
def test_a_url_no_route_takes_answers_404_in_the_error_shape(client, auth, url):
    """A negative id (which the `int` path converter does not take) answered the HTML 404 page,
    and so did one with a line break (which even the `path` converter does not take)."""
    for response in (client.get(url, **auth), client.get(url), client.post(url, **auth)):
        assert response.status_code == 404, url
        error_shape(response)


def test_a_negative_id_in_a_workflow_action_answers_404_in_the_error_shape(client, auth):
    response = client.post("/api/v1/targets/-1/submit", {}, content_type="application/json", **auth)
    assert response.status_code == 404
    error_shape(response)


def test_the_report_list_documents_the_404_of_a_round_out_of_scope(openapi, client, auth):
    response = client.get("/api/v1/monitoring-reports?round=987654", **auth)
    assert response.status_code == 404
    error_shape(response)
    (operation,) = [
        op for name, op in operations(openapi) if name == "GET /api/v1/monitoring-reports"
    ]
    assert documented(operation, 404) == "ErrorOut"


@pytest.mark.parametrize("kind", ["units", "projects", "targets", "monitoring-rounds", "alerts"])
def test_a_page_far_past_the_end_is_empty_not_a_server_error(client, auth, kind):
    """`?page=` beyond what the database's integers hold answered 500 (datatype mismatch on
    SQLite, out of range on PostgreSQL)."""
    everything = client.get(f"/api/v1/{kind}", **auth).json()
    for page in (10**25, 2**62, 2**53 + 1):
        response = client.get(f"/api/v1/{kind}?page={page}&page_size=-7", **auth)
        assert response.status_code == 200, (page, response.content)
        body = response.json()
        assert (body["count"], body["page"], body["page_size"]) == (everything["count"], page, 1)
        assert body["items"] == []


def test_the_pages_of_a_list_still_answer_their_rows(client, auth, world):
    first = client.get("/api/v1/units?page=1&page_size=2", **auth).json()
    second = client.get("/api/v1/units?page=2&page_size=2", **auth).json()
    assert first["count"] == second["count"] == 3
    assert [len(first["items"]), len(second["items"])] == [2, 1]


@pytest.mark.parametrize(
    "url, operation",
    [
        ("/api/v1/targets/1/submit", "POST /api/v1/targets/{target_id}/submit"),
        ("/api/v1/selfevals/1/return", "POST /api/v1/selfevals/{selfeval_id}/return"),
        ("/api/v1/alerts/1/dispose", "POST /api/v1/alerts/{alert_id}/dispose"),
    ],
)
def test_a_body_that_is_not_json_answers_a_documented_400_in_chinese(
    openapi, client, auth, url, operation
):
    """django-ninja answered `{"detail": "Cannot parse request body"}`, undocumented."""
    response = client.post(url, "{not json", content_type="application/json", **auth)
    assert response.status_code == 400
    assert error_shape(response)["detail"] == "请求格式不正确。"
    assert documented(dict(operations(openapi))[operation], 400) == "ErrorOut"


@pytest.mark.parametrize("query", ["q=%00", "region=1%000101", "unit=U1%00&year=2022"])
def test_a_nul_character_in_a_query_answers_422(client, auth, query):
    """PostgreSQL's text holds no NUL: `?unit=…%00…` answered 500 there."""
    for kind in ("units", "projects", "monitoring-rounds", "alerts", "stats"):
        response = client.get(f"/api/v1/{kind}?{query}", **auth)
        assert response.status_code == 422, (kind, response.content)
        assert error_shape(response)["detail"] == "请求格式不正确。"


@pytest.fixture
def completed(world, declare):
    """A target its filer completed, and a function posting a JSON body to its submit as its
    leader."""
    from jixiao.targets.services import target_transition

    target = target_transition(actor=world.filer, target=declare(), name="complete")
    _t, key = ApiToken.objects.issue(world.leader)

    def submit(client, body: str):
        return client.post(
            f"/api/v1/targets/{target.id}/submit",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    return target, submit


def test_a_nul_character_in_a_body_answers_422_and_changes_nothing(client, completed):
    target, submit = completed
    status = target.status
    for body in ('{"comment": "\\u0000", "attest": true}', '{"comment": "a\x00b", "attest": true}'):
        response = submit(client, body)
        assert response.status_code == 422
        error_shape(response)
        target.refresh_from_db()
        assert target.status == status
    response = submit(client, '{"comment": "a b", "attest": true}')
    assert response.status_code == 200


def test_a_lone_surrogate_in_a_body_answers_422_saying_where_and_changes_nothing(client, completed):
    """JSON may escape half of a UTF-16 pair ("\\ud800"), which is no character: no database
    stores it, and the write answered 500."""
    target, submit = completed
    status = target.status
    response = submit(client, '{"comment": "审核\\ud800意见", "attest": true}')
    assert response.status_code == 422
    body = error_shape(response)
    assert "代理" in body["detail"] and "comment" in body["detail"]
    target.refresh_from_db()
    assert target.status == status


def test_a_surrogate_pair_in_a_body_is_one_character_and_is_kept(client, completed):
    _target, submit = completed
    # 👍, written as JSON escapes it
    response = submit(client, '{"comment": "\\ud83d\\udc4d", "attest": true}')
    assert response.status_code == 200, response.content
