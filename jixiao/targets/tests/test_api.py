"""API targets: list, detail, the three actions, the gate, scope and error shapes."""

import pytest

from jixiao.core.models import ApiToken
from jixiao.targets.models import TargetStatus

GOOD = {
    "overall": "优",
    "completeness": "优",
    "relevance": "优",
    "appropriateness": "良",
    "feasibility": "良",
}


@pytest.fixture
def api(world, client):
    def call(username, method, url, body=None):
        _t, key = ApiToken.objects.issue(world.users[username])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if method == "get":
            return client.get(url, **headers)
        return client.post(url, body or {}, content_type="application/json", **headers)

    return call


def test_list_and_detail_in_the_schema_shape(world, api, declare):
    target = declare()
    listing = api("filer", "get", "/api/v1/targets?year=2022").json()
    assert listing["count"] == 1 and listing["items"][0]["project"]["code"] == "P1"
    detail = api("filer", "get", f"/api/v1/targets/{target.id}").json()
    assert detail["amounts"]["current"] == "100.123456"
    assert detail["indicators"][0]["target"] == "≥12个"
    assert detail["indicators"][0]["parsed"] == {"op": ">=", "number": "12.000000", "date": None}


def test_submit_return_approve_through_the_api(world, api, declare):
    from jixiao.targets.services import target_transition

    target = target_transition(actor=world.filer, target=declare(), name="complete")
    refused = api("leader", "post", f"/api/v1/targets/{target.id}/submit", {})
    assert refused.status_code == 409 and "真实" in refused.json()["detail"]
    ok = api("leader", "post", f"/api/v1/targets/{target.id}/submit", {"attest": True})
    assert ok.status_code == 200 and ok.json()["status"] == TargetStatus.SUBMITTED
    no_reason = api("business", "post", f"/api/v1/targets/{target.id}/return", {})
    assert no_reason.status_code == 409
    returned = api(
        "business",
        "post",
        f"/api/v1/targets/{target.id}/return",
        {"comment": "请补充满意度指标的依据"},
    )
    assert returned.json()["status"] == TargetStatus.RETURNED
    assert returned.json()["return_reason"] == "请补充满意度指标的依据"


def test_approve_means_the_callers_own_review_step(world, api, declare):
    from jixiao.targets.services import target_transition

    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target_transition(actor=world.leader, target=target, name="submit", attest=True)
    first = api("business", "post", f"/api/v1/targets/{target.id}/approve", {"grades": GOOD})
    assert first.json()["status"] == TargetStatus.FIRST_PASSED
    final = api("budget", "post", f"/api/v1/targets/{target.id}/approve", {"grades": GOOD})
    assert final.json()["status"] == TargetStatus.APPROVED
    again = api("budget", "post", f"/api/v1/targets/{target.id}/approve", {"grades": GOOD})
    assert again.status_code == 409 and again.json()["errors"]
    gate = api("budget", "post", f"/api/v1/projects/{world.projects['P1'].id}/arrange")
    assert gate.status_code == 200 and gate.json()["arranged"] is True


def test_gate_refuses_through_the_api_with_the_reason(world, api):
    response = api("budget", "post", f"/api/v1/projects/{world.projects['P2'].id}/arrange")
    assert response.status_code == 409 and "没有已批复的绩效目标" in response.json()["detail"]
    assert (
        api("filer", "post", f"/api/v1/projects/{world.projects['P1'].id}/arrange").status_code
        == 403
    )


def test_other_unit_gets_404_on_target_endpoints(world, api, declare):
    target = declare()
    for url in (f"/api/v1/targets/{target.id}",):
        assert api("other", "get", url).status_code == 404
    for verb in ("submit", "return", "approve"):
        assert api("other", "post", f"/api/v1/targets/{target.id}/{verb}", {}).status_code == 404
    assert api("other", "get", "/api/v1/targets").json()["count"] == 0
    assert (
        api("other", "post", f"/api/v1/projects/{world.projects['P1'].id}/arrange").status_code
        == 404
    )
