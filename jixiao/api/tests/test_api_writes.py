"""The API's writes (issue 17, parts 1 and 2): POST creates, PUT replaces, through the pages'
services; a bad item answers 422 with each problem at its path in the body; an object or a
reference out of the caller's scope answers 404; an `external_id` makes a second push of the
same thing change nothing."""

from decimal import Decimal

import pytest

from jixiao.budgets.models import Payment, Project
from jixiao.core.models import ApiToken, AuditLog
from jixiao.evaluations.models import SelfEvaluation
from jixiao.evaluations.services import selfeval_create
from jixiao.monitoring.models import Report
from jixiao.orgs.models import Unit
from jixiao.targets import api as targets_api
from jixiao.targets import services as target_services
from jixiao.targets.models import Indicator, Target
from jixiao.targets.services import target_transition
from jixiao.testing import AMOUNTS, GOOD_ROWS, colleague_first


@pytest.fixture
def send(client, bearer):
    """`send("filer", "post", "/api/v1/targets", body)` → the response."""

    def make(username, method, url, body, **headers):
        call = getattr(client, method)
        return call(url, body, content_type="application/json", **bearer(username), **headers)

    return make


def declaration(**changes) -> dict:
    body = {
        "region": "100101",
        "year": 2022,
        "unit": {"code": "U1"},
        "project": {"code": "P1"},
        "amounts": {"total": "120.623456", "current": "100.123456", "carryover": "20.5"},
        "goal": "完成12个老旧小区改造，改善居住环境。",
        "serves_public": True,
        "indicators": [
            {**{k: v for k, v in row.items() if k != "value_text"}, "target": row["value_text"]}
            for row in GOOD_ROWS
        ],
    }
    return body | changes


def counts() -> tuple:
    return (
        Target.objects.count(),
        Indicator.objects.count(),
        Project.objects.count(),
        Unit.objects.count(),
        AuditLog.objects.count(),
    )


# --- units -----------------------------------------------------------------------------------


def unit_body(**changes) -> dict:
    body = {
        "code": "U3",
        "name": "甲区卫健委",
        "level": 1,
        "parent": None,
        "office": "社会事业股",
        "region": "100101",
        "year": 2022,
    }
    return body | changes


def test_budget_office_creates_a_unit_and_changes_it_with_put(world, send):
    created = send("budget", "post", "/api/v1/units", unit_body(external_id="YTH-U3"))
    assert created.status_code == 201
    body = created.json()
    assert (body["code"], body["name"], body["office"], body["external_id"]) == (
        "U3",
        "甲区卫健委",
        "社会事业股",
        "YTH-U3",
    )
    changed = send("budget", "put", f"/api/v1/units/{body['id']}", unit_body(name="甲区卫生健康委"))
    assert changed.status_code == 200 and changed.json()["name"] == "甲区卫生健康委"
    assert Unit.objects.get(pk=body["id"]).external_id == "YTH-U3"


def test_an_external_id_another_unit_holds_is_refused(world, send):
    send("budget", "post", "/api/v1/units", unit_body(external_id="YTH-U3"))
    url = f"/api/v1/units/{world.units['U2'].id}"
    sent = unit_body(code="U2", name="甲区城管局", external_id="YTH-U3")
    response = send("budget", "put", url, sent)
    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("external_id", "taken")]
    assert Unit.objects.get(pk=world.units["U2"].id).external_id is None


def test_unit_with_an_unknown_parent_is_refused_at_its_path(world, send):
    response = send("budget", "post", "/api/v1/units", unit_body(level=2, parent="NOPE"))
    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("parent", "not_found")]


def test_second_level_unit_without_parent_is_the_services_refusal(world, send):
    response = send("budget", "post", "/api/v1/units", unit_body(level=2))
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["parent"]


def test_unit_of_another_region_is_404(world, send):
    response = send("other_region", "put", f"/api/v1/units/{world.units['U1'].id}", unit_body())
    assert response.status_code == 404
    assert send("other_region", "post", "/api/v1/units", unit_body()).status_code == 404


def test_a_filer_may_not_keep_units(world, send):
    response = send("filer", "put", f"/api/v1/units/{world.units['U1'].id}", unit_body(code="U1"))
    assert response.status_code == 403


# --- projects --------------------------------------------------------------------------------


def project_body(**changes) -> dict:
    body = {
        "code": "P9",
        "name": "校舍维修",
        "unit": "U1",
        "region": "100101",
        "year": 2022,
        "kinds": ["专项资金"],
        "initial": {"current": "50", "carryover": "10", "other": "0", "total": "60"},
        "full": {"current": "55.5", "carryover": "10", "other": "0", "total": "65.5"},
    }
    return body | changes


def test_filer_creates_and_replaces_a_project_of_their_unit(world, send):
    created = send("filer", "post", "/api/v1/projects", project_body())
    assert created.status_code == 201
    body = created.json()
    assert body["full"]["total"] == "65.500000" and body["kinds"] == ["专项资金"]
    replaced = send(
        "filer",
        "put",
        f"/api/v1/projects/{body['id']}",
        project_body(full={"current": "60", "carryover": "10", "other": "0"}),
    )
    assert replaced.status_code == 200
    assert Project.objects.get(pk=body["id"]).full_current == Decimal("60")


def test_project_amounts_that_do_not_add_up_are_refused_at_the_total(world, send):
    sent = project_body(initial={"current": "50", "carryover": "1O", "total": "60"})
    response = send("filer", "post", "/api/v1/projects", sent)
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["initial.carryover"]
    sent = project_body(initial={"current": "50", "carryover": "10", "total": "70"})
    response = send("filer", "post", "/api/v1/projects", sent)
    assert [e["path"] for e in response.json()["errors"]] == ["initial.total"]
    assert not Project.objects.filter(code="P9").exists()


def test_project_of_another_unit_is_404_for_a_filer(world, send):
    assert send("other", "post", "/api/v1/projects", project_body()).status_code == 404
    url = f"/api/v1/projects/{world.projects['P1'].id}"
    assert send("other", "put", url, project_body(code="P1")).status_code == 404


def test_the_same_project_push_twice_changes_nothing(world, send):
    sent = project_body(external_id="YTH-P9")
    first = send("budget", "post", "/api/v1/projects", sent)
    assert first.status_code == 201
    before = counts()
    second = send("budget", "post", "/api/v1/projects", sent)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert counts() == before


def test_an_external_id_of_a_project_out_of_scope_is_404(world, send):
    send("filer", "post", "/api/v1/projects", project_body(external_id="YTH-P9"))
    response = send(
        "other", "post", "/api/v1/projects", project_body(unit="U2", external_id="YTH-P9")
    )
    assert response.status_code == 404
    assert Project.objects.get(external_id="YTH-P9").unit == world.units["U1"]


def test_a_push_with_a_known_external_id_updates_that_project(world, send):
    first = send("budget", "post", "/api/v1/projects", project_body(external_id="YTH-P9"))
    again = send(
        "budget",
        "post",
        "/api/v1/projects",
        project_body(name="校舍维修改造", external_id="YTH-P9"),
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Project.objects.get(external_id="YTH-P9").name == "校舍维修改造"


# --- targets ---------------------------------------------------------------------------------


def test_filer_declares_a_target_and_gets_the_lint_findings(world, send):
    rows = declaration()["indicators"][:2]
    rows[0] = {**rows[0], "target": "较好"}
    response = send("filer", "post", "/api/v1/targets", declaration(indicators=rows))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and len(body["indicators"]) == 2
    found = {(f["code"], f["indicator"]) for f in body["findings"]}
    assert ("T10", 0) in found, "a value that states nothing is found on its indicator"
    assert ("T07", None) in found and body["blocking"] >= 1, "no benefit indicator blocks"


def test_put_replaces_a_draft_targets_indicators(world, send, declare):
    target = declare()
    sent = declaration(indicators=declaration()["indicators"][:5])
    response = send("filer", "put", f"/api/v1/targets/{target.id}", sent)
    assert response.status_code == 200
    assert target.indicators.count() == 5


def test_an_unreadable_weight_is_refused_at_its_indicator(world, send):
    rows = declaration()["indicators"]
    rows[3] = {**rows[3], "weight": "十分"}
    response = send("filer", "post", "/api/v1/targets", declaration(indicators=rows))
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["indicators[3].weight"]
    assert not Target.objects.exists(), "all or nothing: no empty draft is left"


def test_a_malformed_indicator_answers_422_at_its_path(world, send):
    rows = declaration()["indicators"]
    rows[2] = {**rows[2], "name": ["not", "text"]}
    response = send("filer", "post", "/api/v1/targets", declaration(indicators=rows))
    assert response.status_code == 422
    assert "indicators[2].name" in [e["path"] for e in response.json()["errors"]]


def test_target_of_another_unit_is_404(world, send, declare):
    assert send("other", "post", "/api/v1/targets", declaration()).status_code == 404
    target = declare()
    assert send("other", "put", f"/api/v1/targets/{target.id}", declaration()).status_code == 404


def test_a_submitted_target_cannot_be_replaced(world, send, declare):
    target = target_transition(actor=world.filer, target=declare(), name="complete")
    response = send("filer", "put", f"/api/v1/targets/{target.id}", declaration())
    assert response.status_code in (403, 409)


def test_the_same_target_push_twice_changes_nothing(world, send):
    sent = declaration(external_id="YTH-T-1")
    first = send("filer", "post", "/api/v1/targets", sent)
    assert first.status_code == 201
    before = counts()
    second = send("filer", "post", "/api/v1/targets", sent)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert counts() == before


# --- monitoring reports and self-evaluations -------------------------------------------------


@pytest.fixture
def report(world, monitoring_round):
    return Report.objects.get(round=monitoring_round, project__code="P1")


def report_body(**changes) -> dict:
    body = {
        "budget": {"executed": "30", "expected_full_year": "120"},
        "indicators": [{"progress": "按计划推进"} for _row in GOOD_ROWS],
    }
    return body | changes


def test_filer_fills_a_monitoring_report_and_gets_its_alerts(world, send, report):
    response = send("filer", "put", f"/api/v1/monitoring-reports/{report.id}", report_body())
    assert response.status_code == 200
    body = response.json()
    assert body["budget"]["executed"] == "30.000000"
    assert body["indicators"][0]["progress"] == "按计划推进"
    assert "M01" in [a["code"] for a in body["alerts"]]


@pytest.mark.parametrize("executed", ["3O", "12,5"])  # a decimal comma is not read as 125
def test_a_report_amount_that_is_not_a_number_is_refused_at_its_path(world, send, report, executed):
    sent = report_body(budget={"executed": executed})
    response = send("filer", "put", f"/api/v1/monitoring-reports/{report.id}", sent)
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["budget.executed"]


def test_a_report_sent_with_another_number_of_lines_is_refused(world, send, report):
    sent = report_body(indicators=[{"progress": "按计划推进"}])
    response = send("filer", "put", f"/api/v1/monitoring-reports/{report.id}", sent)
    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("indicators", "count")]


def test_report_of_another_unit_is_404(world, send, report):
    url = f"/api/v1/monitoring-reports/{report.id}"
    assert send("other", "put", url, report_body()).status_code == 404


def selfeval_body(**changes) -> dict:
    table = {
        "budget": {"sources": [{"source": "当年财政拨款", "executed": "95"}]},
        "goal": {"achieved": "完成12个老旧小区改造。"},
        "indicators": [{"actual": "12个"} for _row in GOOD_ROWS],
    }
    return {"table": table | changes}


def test_filer_fills_a_self_evaluation_and_it_is_scored(world, send, approved):
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    response = send("filer", "put", f"/api/v1/selfevals/{selfeval.id}", selfeval_body())
    assert response.status_code == 200
    body = response.json()
    assert body["table"]["indicators"][0]["actual"] == "12个"
    assert SelfEvaluation.objects.get(pk=selfeval.id).executed_current == Decimal("95")
    assert body["score"]["execution"]["rate"] is not None


def test_a_self_evaluation_source_outside_the_table_is_refused(world, send, approved):
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    sent = selfeval_body(budget={"sources": [{"source": "社会资金", "executed": "1"}]})
    response = send("filer", "put", f"/api/v1/selfevals/{selfeval.id}", sent)
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["table.budget.sources[0].source"]


def test_self_evaluation_of_another_unit_is_404(world, send, approved):
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    assert (
        send("other", "put", f"/api/v1/selfevals/{selfeval.id}", selfeval_body()).status_code == 404
    )


def _put_behind_a_page_save(client, bearer, url, sent, monkeypatch, owner, colleague):
    """PUT `sent` with the tag just read, a page's save (`colleague`, committed) landing after
    the If-Match check and the route's read, before the write's transaction
    (`owner.save_with_external_id`, as the route calls it): the answer."""
    auth = bearer("filer")
    etag = client.get(url, **auth)["ETag"]
    colleague_first(monkeypatch, owner, "save_with_external_id", colleague)
    return client.put(url, sent, content_type="application/json", HTTP_IF_MATCH=etag, **auth)


def test_a_page_save_after_the_if_match_check_turns_a_report_put_into_412(
    world, client, bearer, report, monkeypatch
):
    from jixiao.core import api_writes
    from jixiao.monitoring import services

    def colleague():
        services.report_save(
            actor=world.filer, report=Report.objects.get(pk=report.id),
            executed=Decimal("11"), expected_full_year=Decimal("120"),
        )  # fmt: skip

    url = f"/api/v1/monitoring-reports/{report.id}"
    answer = _put_behind_a_page_save(
        client, bearer, url, report_body(), monkeypatch, api_writes, colleague
    )
    assert answer.status_code == 412
    assert Report.objects.get(pk=report.id).executed == Decimal("11")


def test_a_page_save_after_the_if_match_check_turns_a_selfeval_put_into_412(
    world, client, bearer, approved, monkeypatch
):
    from jixiao.core import api_writes
    from jixiao.evaluations import services

    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])

    def colleague():
        services.selfeval_save(
            actor=world.filer, selfeval=SelfEvaluation.objects.get(pk=selfeval.id),
            executed={"current": "77"}, goal_achieved="同事在页面上填写的完成情况。",
        )  # fmt: skip

    url = f"/api/v1/selfevals/{selfeval.id}"
    answer = _put_behind_a_page_save(
        client, bearer, url, selfeval_body(), monkeypatch, api_writes, colleague
    )
    assert answer.status_code == 412
    assert (
        SelfEvaluation.objects.get(pk=selfeval.id).goal_achieved == "同事在页面上填写的完成情况。"
    )


# --- payments --------------------------------------------------------------------------------


def test_payments_are_pushed_in_one_batch(world, send):
    rows = [{"code": "P1", "year": 2022, "month": m, "amount": "1.5"} for m in range(1, 13)]
    response = send("budget", "post", "/api/v1/payments", {"rows": rows})
    assert response.status_code == 200
    assert response.json()["rows"] == 12
    assert Payment.objects.filter(project=world.projects["P1"]).count() == 12


def test_a_bad_payment_row_writes_nothing_and_is_located(world, send):
    rows = [
        {"code": "P1", "year": 2022, "month": 1, "amount": "1.5"},
        {"code": "P1", "year": 2022, "month": 2, "amount": "-3"},
        {"code": "P1", "year": 2022, "month": 3, "amount": "1"},
    ]
    response = send("budget", "post", "/api/v1/payments", {"rows": rows})
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["rows[1].amount"]
    rows[1] = {"code": "NOPE", "year": 2022, "month": 2, "amount": "3"}
    response = send("budget", "post", "/api/v1/payments", {"rows": rows})
    assert [e["path"] for e in response.json()["errors"]] == ["rows[1].code"]
    assert not Payment.objects.exists()


def test_more_than_ten_thousand_payment_rows_are_refused(world, send):
    rows = [{"code": "P1", "year": 2022, "month": 1, "amount": "1"}] * 10_001
    response = send("budget", "post", "/api/v1/payments", {"rows": rows})
    assert response.status_code == 413 and "10000" in response.json()["detail"]
    assert not Payment.objects.exists()


def test_payments_of_another_region_are_404_and_a_filer_may_not_push(world, send):
    rows = [{"code": "P1", "year": 2022, "month": 1, "amount": "1"}]
    body = {"region": "100101", "rows": rows}
    assert send("other_region", "post", "/api/v1/payments", body).status_code == 404
    assert send("filer", "post", "/api/v1/payments", body).status_code == 403


def test_ten_thousand_payment_rows_in_one_call_in_a_bounded_number_of_queries(
    world, send, django_assert_max_num_queries
):
    projects = [
        Project(
            region=world.region,
            year=2022,
            code=f"Q{i:04d}",
            name=f"项目{i}",
            unit=world.units["U1"],
        )
        for i in range(834)
    ]
    Project.objects.bulk_create(projects)
    rows = [
        {"code": f"Q{i // 12:04d}", "year": 2022, "month": 1 + i % 12, "amount": "2.25"}
        for i in range(10_000)
    ]
    with django_assert_max_num_queries(200):
        response = send("budget", "post", "/api/v1/payments", {"rows": rows})
    assert response.status_code == 200, response.json()
    assert Payment.objects.count() == 10_000
    again = send("budget", "post", "/api/v1/payments", {"rows": rows})
    assert again.json()["created"] == 0 and Payment.objects.count() == 10_000


# --- read-only tokens and If-Match -----------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "method", "url", "body"),
    [
        ("budget", "post", "/api/v1/units", unit_body()),
        ("budget", "put", "/api/v1/units/{U1}", unit_body(code="U1")),
        ("filer", "post", "/api/v1/projects", project_body()),
        ("filer", "put", "/api/v1/projects/{P1}", project_body(code="P1")),
        ("filer", "post", "/api/v1/targets", declaration()),
        ("filer", "put", "/api/v1/targets/{target}", declaration()),
        ("filer", "put", "/api/v1/monitoring-reports/{report}", report_body()),
        ("filer", "put", "/api/v1/selfevals/{selfeval}", selfeval_body()),
        ("budget", "post", "/api/v1/payments", {"rows": []}),
    ],
)
def test_a_read_only_token_cannot_write(world, client, declare, username, method, url, body):
    _token, key = ApiToken.objects.issue(world.users[username], read_only=True)
    ids = {"U1": world.units["U1"].id, "P1": world.projects["P1"].id}
    ids |= {"target": 999_999, "report": 999_999, "selfeval": 999_999}
    before = counts()
    response = getattr(client, method)(
        url.format(**ids), body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 403
    assert counts() == before


def test_a_stale_if_match_on_a_target_is_412_and_changes_nothing(world, client, declare, bearer):
    target = declare()
    auth = bearer("filer")
    url = f"/api/v1/targets/{target.id}"
    etag = client.get(url, **auth)["ETag"]
    first = client.put(
        url,
        declaration(goal="完成12个老旧小区改造，惠及居民1200户。"),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **auth,
    )
    assert first.status_code == 200
    stale = client.put(
        url,
        declaration(goal="另一人的修改"),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **auth,
    )
    assert stale.status_code == 412
    assert Target.objects.get(pk=target.id).goal == "完成12个老旧小区改造，惠及居民1200户。"


def test_a_page_save_after_the_if_match_check_turns_the_put_into_412(
    world, client, declare, bearer, monkeypatch
):
    """The API's writers take turns on the object's lock, a page's save does not: a page save
    that lands after the PUT's If-Match check and read, before its service's locked read, is
    kept, and the PUT, based on the version before it, answers 412 (it used to replace it)."""
    target = declare()
    auth = bearer("filer")
    url = f"/api/v1/targets/{target.id}"
    etag = client.get(url, **auth)["ETag"]
    colleague_first(
        monkeypatch,
        targets_api,
        "save_with_external_id",
        lambda: target_services.target_save(
            actor=world.filer,
            target=Target.objects.get(pk=target.id),
            goal="同事在页面上保存的绩效目标。",
            amounts=AMOUNTS,
            serves_public=True,
            indicators=GOOD_ROWS,
        ),
    )
    sent = declaration(goal="接口推送的绩效目标。")
    stale = client.put(url, sent, content_type="application/json", HTTP_IF_MATCH=etag, **auth)
    assert stale.status_code == 412
    assert "已被修改" in stale.json()["detail"]
    assert Target.objects.get(pk=target.id).goal == "同事在页面上保存的绩效目标。"
    # without If-Match a PUT replaces what is there, as before
    plain = client.put(url, sent, content_type="application/json", **auth)
    assert plain.status_code == 200
    assert Target.objects.get(pk=target.id).goal == "接口推送的绩效目标。"


def test_a_page_save_between_the_if_match_check_and_the_routes_read_turns_the_put_into_412(
    world, client, declare, bearer, monkeypatch
):
    """A page's save that commits after the PUT's If-Match check (whose GET reads the target
    through the route's `_get` too) and before the route's own read: the route reads the
    colleague's version, so its stamp alone would let the PUT replace it; the tag, asked again
    after that read, no longer matches (412)."""
    target = declare()
    auth = bearer("filer")
    url = f"/api/v1/targets/{target.id}"
    etag = client.get(url, **auth)["ETag"]
    real_get, reads = targets_api._get, []

    def read(request, target_id):
        reads.append(target_id)
        if len(reads) == 2:  # the route's read, after the check's
            target_services.target_save(
                actor=world.filer,
                target=Target.objects.get(pk=target.id),
                goal="同事在页面上保存的绩效目标。",
                amounts=AMOUNTS,
                serves_public=True,
                indicators=GOOD_ROWS,
            )
        return real_get(request, target_id)

    monkeypatch.setattr(targets_api, "_get", read)
    sent = declaration(goal="接口推送的绩效目标。")
    stale = client.put(url, sent, content_type="application/json", HTTP_IF_MATCH=etag, **auth)
    assert len(reads) >= 2 and stale.status_code == 412
    assert Target.objects.get(pk=target.id).goal == "同事在页面上保存的绩效目标。"
    monkeypatch.setattr(targets_api, "_get", real_get)
    fresh = client.get(url, **auth)["ETag"]
    again = client.put(url, sent, content_type="application/json", HTTP_IF_MATCH=fresh, **auth)
    assert again.status_code == 200
    assert Target.objects.get(pk=target.id).goal == "接口推送的绩效目标。"


def test_a_retried_put_with_its_key_gets_its_answer_not_412(world, client, declare, bearer):
    target = declare()
    auth = bearer("filer")
    url = f"/api/v1/targets/{target.id}"
    etag = client.get(url, **auth)["ETag"]
    sent = declaration(goal="完成12个老旧小区改造，惠及居民1200户。")
    headers = {"HTTP_IF_MATCH": etag, "HTTP_IDEMPOTENCY_KEY": "put-1", **auth}
    first = client.put(url, sent, content_type="application/json", **headers)
    again = client.put(url, sent, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
