"""API hygiene (issue 17, parts 2 and 5): the ETag of an object, If-Match on writes (412 for a
stale one), lists filtered by `updated_since` in a stable order, and what OpenAPI says of them."""

from __future__ import annotations

import pytest

from jixiao.core.models import ApiToken
from jixiao.targets.models import TargetStatus
from jixiao.targets.tests.test_api import GOOD  # review grades that pass


@pytest.fixture
def bearer(world):
    def make(username: str, **scope) -> dict:
        _t, key = ApiToken.objects.issue(world.users[username], **scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return make


@pytest.fixture
def submitted(world, declare):
    from jixiao.targets.services import target_transition

    target = target_transition(actor=world.filer, target=declare(), name="complete")
    return target_transition(actor=world.leader, target=target, name="submit", attest=True)


def post(client, url, body, headers, **extra):
    return client.post(url, body, content_type="application/json", **headers, **extra)


def error_shape(response) -> dict:
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    return body


# --- ETag and If-Match ---------------------------------------------------------------------


def test_get_of_one_object_sends_an_etag_that_changes_with_the_object(client, bearer, submitted):
    headers = bearer("business")
    url = f"/api/v1/targets/{submitted.id}"
    first, again = client.get(url, **headers), client.get(url, **headers)
    assert first["ETag"].startswith('"') and first["ETag"] == again["ETag"]
    post(client, f"{url}/approve", {"grades": GOOD}, headers)
    assert client.get(url, **headers)["ETag"] != first["ETag"]


def test_lists_send_no_etag(client, bearer, submitted):
    assert not client.get("/api/v1/targets", **bearer("business")).has_header("ETag")


def test_two_clients_approving_one_target_exactly_one_wins_the_other_gets_412(
    client, bearer, submitted
):
    url = f"/api/v1/targets/{submitted.id}"
    one, two = bearer("business"), bearer("business")
    seen_by_one = client.get(url, **one)["ETag"]
    seen_by_two = client.get(url, **two)["ETag"]
    assert seen_by_one == seen_by_two
    won = post(client, f"{url}/approve", {"grades": GOOD}, one, HTTP_IF_MATCH=seen_by_one)
    lost = post(client, f"{url}/return", {"comment": "请补充依据"}, two, HTTP_IF_MATCH=seen_by_two)
    assert won.status_code == 200 and won.json()["status"] == TargetStatus.FIRST_PASSED
    assert lost.status_code == 412
    error_shape(lost)
    submitted.refresh_from_db()
    assert submitted.status == TargetStatus.FIRST_PASSED and submitted.return_reason == ""


def test_a_fresh_if_match_a_star_and_no_if_match_all_go_through(client, bearer, submitted):
    url = f"/api/v1/targets/{submitted.id}"
    business, budget = bearer("business"), bearer("budget")
    fresh = client.get(url, **business)["ETag"]
    first = post(client, f"{url}/approve", {"grades": GOOD}, business, HTTP_IF_MATCH=fresh)
    assert first.status_code == 200
    star = post(client, f"{url}/approve", {"grades": GOOD}, budget, HTTP_IF_MATCH="*")
    assert star.status_code == 200 and star.json()["status"] == TargetStatus.APPROVED
    # without If-Match the action is not checked: the step itself answers (409: nothing left)
    assert post(client, f"{url}/approve", {"grades": GOOD}, budget).status_code == 409


def test_a_weak_tag_and_a_list_of_tags_match_like_the_strong_one(client, bearer, submitted):
    url = f"/api/v1/targets/{submitted.id}"
    headers = bearer("business")
    tag = client.get(url, **headers)["ETag"]
    response = post(
        client, f"{url}/approve", {"grades": GOOD}, headers, HTTP_IF_MATCH=f'"old", W/{tag}'
    )
    assert response.status_code == 200


def test_a_stale_if_match_answers_412_before_the_body_is_checked(client, bearer, submitted):
    response = post(
        client,
        f"/api/v1/targets/{submitted.id}/approve",
        {"grades": "not a mapping"},
        bearer("business"),
        HTTP_IF_MATCH='"stale"',
    )
    assert response.status_code == 412


def test_if_match_on_an_object_out_of_scope_answers_404_not_412(client, bearer, submitted):
    response = post(
        client,
        f"/api/v1/targets/{submitted.id}/approve",
        {"grades": GOOD},
        bearer("other"),
        HTTP_IF_MATCH='"stale"',
    )
    assert response.status_code == 404
    error_shape(response)


def test_require_if_match_refuses_only_a_given_tag_that_differs(rf):
    from django.http import Http404

    from jixiao.core.api import PreconditionFailed, require_if_match

    assert require_if_match(rf.post("/"), '"a"') is None  # no header: not checked
    assert require_if_match(rf.post("/", HTTP_IF_MATCH='"a"'), '"a"') is None
    assert require_if_match(rf.post("/", HTTP_IF_MATCH="*"), '"a"') is None
    with pytest.raises(PreconditionFailed):
        require_if_match(rf.post("/", HTTP_IF_MATCH='"b"'), '"a"')
    with pytest.raises(Http404):
        require_if_match(rf.post("/", HTTP_IF_MATCH='"b"'), None)
    calls = []
    require_if_match(rf.post("/"), lambda: calls.append(1))
    assert calls == []  # the current tag is computed only when the header asks


# --- OpenAPI -------------------------------------------------------------------------------


@pytest.fixture
def openapi(db, client):
    return client.get("/api/v1/openapi.json").json()


def test_openapi_documents_the_etag_and_if_match_with_its_412(openapi):
    detail = openapi["paths"]["/api/v1/targets/{target_id}"]["get"]["responses"]["200"]
    assert "ETag" in detail["headers"]
    approve = openapi["paths"]["/api/v1/targets/{target_id}/approve"]["post"]
    assert "If-Match" in {p["name"] for p in approve["parameters"] if p["in"] == "header"}
    assert approve["responses"]["412"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorOut"
    )


# --- updated_since and a stable order ------------------------------------------------------

LISTS = ["units", "projects", "targets", "monitoring-rounds", "alerts", "selfevals", "surveys"]


@pytest.mark.parametrize("kind", LISTS)
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00", "2026-02-30", "1", ""])
def test_an_updated_since_that_is_no_date_time_answers_422_naming_it(client, bearer, kind, value):
    response = client.get(f"/api/v1/{kind}?updated_since={value}", **bearer("budget"))
    assert response.status_code == 422, (kind, value)
    assert error_shape(response)["errors"][0]["path"] == "updated_since"


def test_updated_since_keeps_the_targets_changed_from_that_moment(world, client, bearer, declare):
    import datetime as dt

    from django.utils import timezone

    from jixiao.targets.models import Target

    old, new = declare("P1"), declare("P1A")
    long_ago = timezone.now() - dt.timedelta(days=30)
    Target.objects.filter(pk=old.pk).update(updated_at=long_ago)
    since = (long_ago + dt.timedelta(days=1)).isoformat().replace("+", "%2B")
    body = client.get(f"/api/v1/targets?updated_since={since}", **bearer("budget")).json()
    assert [t["id"] for t in body["items"]] == [new.id]
    everything = client.get("/api/v1/targets?updated_since=2000-01-01", **bearer("budget")).json()
    assert {t["id"] for t in everything["items"]} == {old.id, new.id}


def test_updated_since_on_units_compares_the_audit_log(world, client, bearer):
    from django.utils import timezone

    from jixiao.core import audit

    since = timezone.now().isoformat().replace("+", "%2B")
    url = f"/api/v1/units?updated_since={since}"
    assert client.get(url, **bearer("budget")).json()["count"] == 0
    unit = world.units["U1A"]
    with audit.audit_context(actor=world.users["admin"], source="web"):
        audit.record(action="update", instance=unit, message="改名")
    body = client.get(url, **bearer("budget")).json()
    assert [u["code"] for u in body["items"]] == ["U1A"]


ALL_LISTS = [
    *LISTS,
    "monitoring-reports",
    "key-evaluations",
    "ex-ante-assessments",
    "agencies",
    "experts",
    "rectifications",
    "linkage-proposals",
    "fund-actions",
    "unit-assessments",
    "disclosures",
]


@pytest.mark.parametrize("kind", ALL_LISTS)
def test_every_list_takes_updated_since(client, bearer, kind):
    headers = bearer("performance")
    future = client.get(f"/api/v1/{kind}?updated_since=2999-01-01T00:00:00Z", **headers)
    assert future.status_code == 200, future.content
    assert future.json()["items"] == []
    past = client.get(f"/api/v1/{kind}?updated_since=2000-01-01", **headers)
    assert past.json()["count"] == client.get(f"/api/v1/{kind}", **headers).json()["count"]


def test_pages_of_one_row_give_each_row_once(world, client, bearer, declare):
    for code in ("P1", "P1A"):
        declare(code)
    headers = bearer("budget")
    for kind in ("units", "projects", "targets"):
        whole = client.get(f"/api/v1/{kind}?page_size=500", **headers).json()
        paged = [
            client.get(f"/api/v1/{kind}?page={n}&page_size=1", **headers).json()["items"][0]["id"]
            for n in range(1, whole["count"] + 1)
        ]
        assert paged == [row["id"] for row in whole["items"]], kind
        assert len(set(paged)) == len(paged)


def test_stable_order_ends_with_the_primary_key(world):
    from jixiao.core.api import stable_order
    from jixiao.orgs.models import Unit

    by_region = stable_order(Unit.objects.order_by("region__code"))
    assert list(by_region.query.order_by) == ["region__code", "pk"]
    assert list(stable_order(Unit.objects.order_by("-id")).query.order_by) == ["-id"]
    ordering = list(Unit._meta.ordering)
    assert list(stable_order(Unit.objects.all()).query.order_by) == [*ordering, "pk"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-01T08:00:00+08:00", "2026-03-01T00:00:00+00:00"),
        ("2026-03-01T00:00:00Z", "2026-03-01T00:00:00+00:00"),
        ("2026-03-01", "2026-02-28T16:00:00+00:00"),  # the site's day (Asia/Shanghai)
        ("2026-03-01 08:00", "2026-03-01T00:00:00+00:00"),
        ("2026-02-30", None),
        ("soon", None),
        # an offset PostgreSQL refuses in a query (past ±15:59) is taken to UTC first
        ("0182-12-02T11:42:57-16:09", "0182-12-03T03:51:57+00:00"),
        ("0001-01-01T00:00:00+14:00", None),  # before the first day once in UTC
        ("9999-12-31T23:59:59-12:00", None),  # after the last
    ],
)
def test_parse_moment_table(settings, text, expected):
    import datetime as dt

    from jixiao.core.api import parse_moment

    settings.TIME_ZONE = "Asia/Shanghai"
    moment = parse_moment(text)
    found = moment.astimezone(dt.UTC).isoformat() if moment else None
    assert found == expected
    assert moment is None or moment.utcoffset() == dt.timedelta(0)


def test_openapi_documents_updated_since_the_rate_limit_and_its_429(openapi):
    for path in ("/api/v1/units", "/api/v1/targets", "/api/v1/alerts"):
        operation = openapi["paths"][path]["get"]
        assert "updated_since" in {p["name"] for p in operation["parameters"]}, path
    detail = openapi["paths"]["/api/v1/units/{unit_id}"]["get"]
    assert "updated_since" not in {p["name"] for p in detail.get("parameters", [])}
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            limited = operation["responses"]["429"]
            assert limited["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
            assert "Retry-After" in limited["headers"], (method, path)
            for answer in operation["responses"].values():
                assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
                    answer["headers"]
                ), (method, path)
