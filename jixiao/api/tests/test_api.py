"""The HTTP API's shapes (CONTRACT.md): auth, envelope, filters, 401 and 404."""

from decimal import Decimal

import pytest

from jixiao.core.models import ApiToken


@pytest.fixture
def bearer(world):
    def make(username):
        _token, key = ApiToken.objects.issue(world.users[username])
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return make


def test_no_credentials_is_401_with_error_shape(world, client):
    response = client.get("/api/v1/projects")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"] == []


def test_bad_token_is_401(world, client):
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer jx_not-a-token")
    assert response.status_code == 401


def test_revoked_token_is_401(world, client, bearer):
    headers = bearer("budget")
    ApiToken.objects.update(revoked=True)
    assert client.get("/api/v1/units", **headers).status_code == 401


def test_token_lists_units_in_the_contract_envelope(world, client, bearer):
    body = client.get("/api/v1/units?year=2022", **bearer("budget")).json()
    assert body["count"] == 3
    by_code = {u["code"]: u for u in body["items"]}
    assert by_code["U1A"] == {
        "id": world.units["U1A"].id,
        "code": "U1A",
        "name": "甲区教师进修学校",
        "level": 2,
        "parent": "U1",
        "office": "社会事业股",
        "region": "100101",
        "year": 2022,
        "external_id": None,
    }


def test_project_amounts_are_decimal_strings_that_add_up(world, client, bearer):
    project = world.projects["P1"]
    body = client.get(f"/api/v1/projects/{project.id}", **bearer("filer")).json()
    assert body["full"] == {
        "current": "100.123456",
        "carryover": "20.500000",
        "other": "0.000000",
        "total": "120.623456",
    }
    parts = sum(Decimal(body["full"][k]) for k in ("current", "carryover", "other"))
    assert parts == Decimal(body["full"]["total"])
    assert body["kinds"] == ["专项资金"] and body["unit"] == "U1" and body["year"] == 2022


def test_out_of_scope_object_is_404_with_error_shape(world, client, bearer):
    response = client.get(f"/api/v1/projects/{world.projects['PB'].id}", **bearer("budget"))
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_unknown_id_is_404(world, client, bearer):
    assert client.get("/api/v1/units/999999999", **bearer("budget")).status_code == 404


def test_filters_by_region_year_unit_and_kind(world, client, bearer):
    headers = bearer("budget")
    assert client.get("/api/v1/projects?region=100101", **headers).json()["count"] == 3
    assert client.get("/api/v1/projects?region=100102", **headers).json()["count"] == 0
    assert client.get("/api/v1/projects?year=2021", **headers).json()["count"] == 0
    assert client.get("/api/v1/projects?unit=U2", **headers).json()["count"] == 1
    assert client.get("/api/v1/projects?kind=专项资金", **headers).json()["count"] == 3
    assert client.get("/api/v1/projects?kind=general", **headers).json()["count"] == 0


def test_page_size_is_capped_at_500(world, client, bearer):
    body = client.get("/api/v1/projects?page_size=100000", **bearer("budget")).json()
    assert body["page_size"] == 500


def test_pages_split_the_list(world, client, bearer):
    headers = bearer("budget")
    first = client.get("/api/v1/projects?page_size=2&page=1", **headers).json()
    second = client.get("/api/v1/projects?page_size=2&page=2", **headers).json()
    assert first["count"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}


def test_browser_session_works_for_the_api(world, client_for):
    assert client_for("filer").get("/api/v1/projects").json()["count"] == 2


def test_openapi_and_docs_are_served_without_a_cdn(world, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in schema["paths"] and "/api/v1/projects/{project_id}" in schema["paths"]
    docs = client_for_docs(client).lower()
    # assets come from our own /static/, never from another host (a random CSRF token may
    # well contain the letters "cdn", so look at the addresses themselves)
    assert 'src="http' not in docs and 'href="http' not in docs and "jsdelivr" not in docs
    assert "/static/ninja/" in docs


def client_for_docs(client) -> str:
    return client.get("/api/v1/docs").content.decode()


def test_bad_query_parameter_gets_422_with_errors(world, client, bearer):
    response = client.get("/api/v1/projects?year=abc", **bearer("budget"))
    assert response.status_code == 422
    assert response.json()["errors"]
