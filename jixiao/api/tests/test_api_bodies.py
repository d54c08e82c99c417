"""The read endpoints' JSON bodies are a public contract (CONTRACT.md): the typed output schemas
that document them in OpenAPI must not change a byte of them. `bodies.json` holds the bodies as
the endpoints answered before they had schemas (ids and timestamps masked by their type); the key
order, the types (decimals as strings, nulls kept) and the keys themselves are compared.

To record new bodies after a deliberate change of the contract:
`JIXIAO_RECORD_BODIES=1 .venv/bin/pytest -n 0 jixiao/api/tests/test_api_bodies.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from jixiao.core.models import ApiToken

GOLDEN = Path(__file__).with_name("bodies.json")

#: Keys whose values change from run to run (database ids, clock times): ints are masked as
#: "<int>", strings keep their shape with every digit a 0.
VOLATILE = {"id", "round_id", "submitted_at", "approved_at", "at", "due_date", "as_of"}

GOOD = {"overall": "优"}


def masked(value, key=None):
    """`value` with the volatile parts masked, everything else untouched."""
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    if key in VOLATILE and isinstance(value, int):
        return "<int>"
    if key in VOLATILE and isinstance(value, str):
        return re.sub(r"\d", "0", value)
    if isinstance(value, str):  # the late-report alert counts the days up to today
        today = timezone.localdate()
        value = value.replace(f"{today.year}年{today.month}月{today.day}日", "<today>")
        return re.sub(r"已逾期 \d+ 天", "已逾期 <n> 天", value)
    return value


#: Keys whose values are dicts stored in a JSON column: their key order is the database's
#: (PostgreSQL's jsonb orders keys by length, then bytes), not the code's.
STORED_JSON = {"grades"}


def _keys_sorted(value):
    if isinstance(value, dict):
        return {k: _keys_sorted(value[k]) for k in sorted(value)}
    return value


DECIMAL = re.compile(r"-?\d+\.\d+")


def _stored_json_settled(value):
    """Also: a decimal string keeps its value but not the database's scale (PostgreSQL answers
    "30.000000" where SQLite answers "30")."""
    if isinstance(value, str) and DECIMAL.fullmatch(value):
        return value.rstrip("0").rstrip(".")
    if isinstance(value, dict):
        return {
            k: _keys_sorted(v) if k in STORED_JSON else _stored_json_settled(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_stored_json_settled(v) for v in value]
    return value


def settle(body: dict) -> dict:
    """Alerts of one level, status and due date come in no particular order (the database's):
    sorted by code, the same body reads the same. Dicts from JSON columns are compared in key
    order."""
    for alerts in (body.get("alerts"), body.get("items")):
        if alerts and isinstance(alerts, list) and "level" in alerts[0]:
            alerts.sort(key=lambda a: a["code"])
    return _stored_json_settled(body)


@pytest.fixture
def year_of_work(world, declare):
    """A year with one of everything the API shows: an approved target with its history and
    grades, a draft one, one with findings, a monitoring report with an alert, a reviewed self-evaluation."""
    from jixiao.evaluations.services import review_adjust
    from jixiao.monitoring.models import Report
    from jixiao.monitoring.services import report_save, round_open
    from jixiao.targets.services import target_transition
    from jixiao.testing import GOOD_ROWS, selfeval_submitted

    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    target = target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)
    draft = declare("P1A")
    # no satisfaction indicator, a vague one: findings
    vague = {**GOOD_ROWS[1], "name": "工作质量", "value_text": "较好"}
    flawed = declare("P2", rows=[GOOD_ROWS[0], vague, *GOOD_ROWS[2:5]], actor=world.other)
    monitoring_round = round_open(
        actor=world.performance,
        region=world.region,
        year=2022,
        code="2022-07",
        name="1–7月监控",
        period_end=dt.date(2022, 7, 31),
        deadline=dt.date(2022, 8, 15),
    )
    report = report_save(
        actor=world.filer,
        report=Report.objects.get(round=monitoring_round, project__code="P1"),
        executed=Decimal("30"),
        expected_full_year=Decimal("100"),
        indicators=[{"position": i, "progress": "完成一半"} for i in range(6)],
    )
    selfeval = selfeval_submitted(world, world.projects["P1"])
    review_adjust(
        actor=world.business,
        selfeval=selfeval,
        position=5,
        score_value=Decimal("8"),
        reason="满意度调查样本不足",
    )
    alert = report.alerts.order_by("code").first()
    return {
        "target": target.id,
        "draft": draft.id,
        "flawed": flawed.id,
        "round": monitoring_round.id,
        "report": report.id,
        "alert": alert.id,
        "selfeval": selfeval.id,
    }


def read_urls(ids: dict) -> dict[str, str]:
    return {
        "targets": "/api/v1/targets?year=2022",
        "target": f"/api/v1/targets/{ids['target']}",
        "draft_target": f"/api/v1/targets/{ids['draft']}",
        "flawed_target": f"/api/v1/targets/{ids['flawed']}",
        "rounds": "/api/v1/monitoring-rounds?year=2022",
        "round": f"/api/v1/monitoring-rounds/{ids['round']}",
        "reports": "/api/v1/monitoring-reports?year=2022",
        "report": f"/api/v1/monitoring-reports/{ids['report']}",
        "alerts": "/api/v1/alerts?year=2022",
        "alert": f"/api/v1/alerts/{ids['alert']}",
        "selfevals": "/api/v1/selfevals?year=2022",
        "selfeval": f"/api/v1/selfevals/{ids['selfeval']}",
        "stats": "/api/v1/stats?region=100101&year=2022",
    }


def test_read_endpoints_answer_the_recorded_bodies(world, client, year_of_work):
    from jixiao.orgs.models import User

    _t, key = ApiToken.objects.issue(world.budget)
    bodies = {}
    for name, url in read_urls(year_of_work).items():
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200, (name, response.content)
        bodies[name] = masked(json.loads(response.content))
    # a city's figures add a row per district
    User.objects.filter(pk=world.auditor.pk).update(region=world.city)
    _t, key = ApiToken.objects.issue(world.auditor)
    response = client.get(
        "/api/v1/stats?region=100100&year=2022", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200, response.content
    bodies["stats_city"] = masked(json.loads(response.content))
    if os.environ.get("JIXIAO_RECORD_BODIES"):
        GOLDEN.write_text(json.dumps(bodies, ensure_ascii=False, indent=1) + "\n")
    expected = json.loads(GOLDEN.read_text())
    for name, body in bodies.items():
        # json.dumps keeps the key order, so equal texts mean the same keys in the same order
        assert json.dumps(settle(body), ensure_ascii=False, indent=1) == json.dumps(
            settle(expected[name]), ensure_ascii=False, indent=1
        ), name


def test_alert_disposal_answers_the_alert_as_the_alert_endpoint_does(world, client, year_of_work):
    _t, key = ApiToken.objects.issue(world.filer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = f"/api/v1/alerts/{year_of_work['alert']}"
    response = client.post(
        f"{url}/dispose",
        {"disposal": "adjust", "reason": "调剂资金"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.content == client.get(url, **auth).content


def test_stored_scores_answer_only_the_keys_they_have(world, client, year_of_work):
    """A table that could not be read was stored with its errors only; an issue of the whole
    table has no `indicator`."""
    from jixiao.evaluations.models import SelfEvaluation

    stored = {
        "errors": [
            {"code": "schema", "message": "indicators：应为列表"},
            {"code": "weights", "message": "权重合计不为100", "indicator": 2},
        ]
    }
    SelfEvaluation.objects.filter(pk=year_of_work["selfeval"]).update(result=stored)
    _t, key = ApiToken.objects.issue(world.filer)
    response = client.get(
        f"/api/v1/selfevals/{year_of_work['selfeval']}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.json()["score"] == stored
