"""/api/v1/rectifications: the contract's fields, the filters, the actions plan, report, verify
and return done by the right persona (409 with the reasons otherwise), and scope: another unit
gets 404 on the item and every action, and an empty list."""

from __future__ import annotations

import pytest
from django.test import Client

from jixiao.core.attachments import attachment_add
from jixiao.core.models import ApiToken
from jixiao.results.models import Rectification

from .rect_samples import PDF, alert_rectification, walk

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rectifications"
CONTRACT = {"unit", "project", "source", "status", "issued_on", "plan_due", "due", "closed_on"}


def api(user, url, body=None):
    _t, key = ApiToken.objects.issue(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if body is not None:
        return Client().post(url, body, content_type="application/json", **auth)
    return Client().get(url, **auth)


def test_the_list_and_the_item_carry_the_contract_fields(world):
    row = walk(world, alert_rectification(world), "receive")
    listed = api(world.business, f"{BASE}?region=100101&year=2022").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert CONTRACT <= set(item) and item["overdue"] is False
    assert item["source"] == "alert" and item["status"] == "received"
    assert item["unit"] == {"code": "U1", "name": "甲区教育局"}
    assert item["project"]["code"] == "P1"
    assert item["plan_due"] == row.plan_due.isoformat()
    assert item["url"].startswith("/api/v1/")
    detail = api(world.filer, f"{BASE}/{row.pk}").json()
    assert detail["plan"] == "" and detail["overdue"] is False
    assert detail["feedback_late"] is True  # issued today, long after the result (2022-07-15)
    assert api(world.business, f"{BASE}?source=selfeval").json()["count"] == 0
    assert api(world.business, f"{BASE}?overdue=1").json()["count"] == 0


def test_the_actions_walk_the_flow(world):
    row = walk(world, alert_rectification(world), "receive")
    url = f"{BASE}/{row.pk}"
    answer = api(world.filer, f"{url}/plan", {"text": "整改方案：加快支付"})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "plan_ready" and answer.json()["plan"] == "整改方案：加快支付"
    refused = api(world.leader, f"{url}/plan", {})
    assert refused.status_code == 409
    assert api(world.leader, f"{url}/plan", {"attest": True}).json()["status"] == "in_progress"
    no_evidence = api(world.filer, f"{url}/report", {"text": "已完成"})
    assert no_evidence.status_code == 409
    assert "佐证材料" in str(no_evidence.json())
    row.refresh_from_db()
    assert row.status == "in_progress" and row.report == ""  # the refused step kept nothing
    attachment_add(obj=row, name="a.pdf", data=PDF, actor=world.filer, can_change=True)
    assert api(world.filer, f"{url}/report", {"text": "已完成"}).json()["status"] == "report_ready"
    assert api(world.leader, f"{url}/report", {"attest": True}).json()["status"] == "reported"
    assert api(world.business, f"{url}/return", {}).status_code == 409
    back = api(world.business, f"{url}/return", {"comment": "材料不全"}).json()
    assert back["status"] == "in_progress" and back["return_reason"] == "材料不全"
    api(world.filer, f"{url}/report", {})
    api(world.leader, f"{url}/report", {"attest": True})
    closed = api(world.business, f"{url}/verify", {"comment": "已核实"})
    assert closed.json()["status"] == "closed" and closed.json()["closed_on"]


def test_another_unit_gets_404_on_the_item_and_every_action_and_an_empty_list(world):
    row = walk(world, alert_rectification(world), "receive")
    assert api(world.other, BASE).json()["count"] == 0
    assert api(world.other, f"{BASE}/{row.pk}").status_code == 404
    for verb in ("plan", "report", "verify", "return"):
        assert api(world.other, f"{BASE}/{row.pk}/{verb}", {"comment": "x"}).status_code == 404
    assert Rectification.objects.get(pk=row.pk).status == "received"
