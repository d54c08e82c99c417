"""Fund actions (调整、收回、盘活): the service's checks (nothing written on a refusal), the current
budget from an action's date on, the measured 2021 figures left exact, the pages and the API
with their scope. Expected figures are worked out by hand in the comments."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from jixiao.budgets.models import Payment, Project
from jixiao.core.exports import EXPORTERS
from jixiao.core.models import AuditLog
from jixiao.core.scope import RegionReader
from jixiao.evaluations.models import SelfEvaluation
from jixiao.monitoring.models import Alert, Report, Round
from jixiao.reports.stats import year_stats
from jixiao.results.fund_actions import (
    FundActionRefused,
    fund_action_create,
    fund_totals,
    project_current_budget,
)
from jixiao.results.models import FundAction

JUNE = datetime.date(2021, 6, 15)


def project(world, code, unit="U1", year=2021, budget="300"):
    unit = world.units[unit]
    return Project.objects.create(
        region=unit.region, year=year, code=code, name=f"项目{code}", unit=unit,
        full_current=D(budget),
    )  # fmt: skip


def alert_on(p):
    rnd, _ = Round.objects.get_or_create(
        region=p.region,
        year=p.year,
        code=f"{p.year}-06",
        defaults={
            "name": f"{p.year}年1-6月",
            "period_end": datetime.date(p.year, 6, 30),
            "deadline": datetime.date(p.year, 7, 10),
        },
    )
    return Alert.objects.create(
        region=p.region, year=p.year, unit=p.unit, project=p, round=rnd, code="M01",
        level="red", message="执行进度滞后", due_date=datetime.date(p.year, 7, 20),
    )  # fmt: skip


@pytest.fixture
def funds(world):
    """R1 of U1 (2021): a full-year budget of 300.00, paid 214.50 by the end of June
    (100 in January–March, 114.50 in April–June) and 10 in September; R2 of U1 (2021) the
    receiving project; an alert on R1."""
    r1, r2 = project(world, "R1"), project(world, "R2", budget="50")
    paid = {1: "40", 2: "30", 3: "30", 4: "50", 5: "30", 6: "34.50", 9: "10"}
    Payment.objects.bulk_create(
        [Payment(project=r1, month=m, amount=D(a)) for m, a in paid.items()]
    )
    world.r1, world.r2, world.alert = r1, r2, alert_on(r1)
    return world


def record(world, *, actor="budget", kind="收回", amount="50", on=JUNE, **extra):
    extra.setdefault("alert", world.alert)
    return fund_action_create(
        actor=world.users[actor],
        project=extra.pop("project", world.r1),
        kind=kind,
        amount=amount,
        date=on,
        reason=extra.pop("reason", "执行进度严重滞后，收回结余资金"),
        source=extra.pop("source", "alert"),
        document_number=extra.pop("document_number", "甲财绩〔2021〕5号"),
        **extra,
    )


def refusal(world, **kwargs) -> dict:
    with pytest.raises(FundActionRefused) as caught:
        record(world, **kwargs)
    return {p.path: p for p in caught.value.problems}


# --------------------------------------------------------------------------- the service


def test_recovery_beyond_the_unspent_balance_is_refused_and_nothing_is_written(funds):
    problems = refusal(funds, amount="120")
    assert problems["amount"].code == "funds.over_balance"
    assert problems["amount"].message == (
        "收回金额 120.00 万元超过项目未支付余额 85.50 万元（全年预算 300.00 − 截至 6 月支付 214.50）"
    )
    assert not FundAction.objects.exists()


def test_recovery_up_to_the_balance_is_recorded_with_the_project_unit_and_year(funds):
    action = record(funds, amount="85.50")
    assert (action.region, action.unit, action.year) == (funds.region, funds.units["U1"], 2021)
    assert action.amount == D("85.50") and action.created_by == funds.users["budget"]
    assert AuditLog.objects.filter(object_type__icontains="fundaction", action="create").exists()


def test_a_second_recovery_counts_the_first(funds):
    record(funds, amount="50")  # leaves 35.50
    problems = refusal(funds, amount="35.51")
    assert "35.50" in problems["amount"].message
    assert record(funds, amount="35.50").amount == D("35.50")
    assert FundAction.objects.count() == 2


def test_an_adjustment_and_a_redeployment_are_held_to_the_same_balance(funds):
    assert refusal(funds, kind="调整", amount="86")["amount"].code == "funds.over_balance"
    problems = refusal(funds, kind="盘活", amount="86", receiving_project=funds.r2)
    assert problems["amount"].message.startswith("盘活金额 86.00 万元")


@pytest.mark.parametrize("on", [datetime.date(2020, 12, 31), datetime.date(2022, 1, 1)])
def test_a_date_outside_the_projects_budget_year_is_refused(funds, on):
    problems = refusal(funds, on=on)
    assert problems["date"].code == "funds.date.outside"
    assert "2021" in problems["date"].message
    assert not FundAction.objects.exists()


def test_a_redeployment_needs_a_receiving_project_of_the_same_region_and_year(funds):
    assert refusal(funds, kind="盘活")["receiving_project"].code == "funds.receiving.missing"
    assert (
        refusal(funds, kind="盘活", receiving_project=funds.r1)["receiving_project"].code
        == "funds.receiving.self"
    )
    next_year = project(funds, "R3", year=2022)
    assert (
        refusal(funds, kind="盘活", receiving_project=next_year)["receiving_project"].code
        == "funds.receiving.elsewhere"
    )
    assert refusal(funds, receiving_project=funds.r2)["receiving_project"].code == (
        "funds.receiving.not_redeploy"
    )
    assert not FundAction.objects.exists()


@pytest.mark.parametrize(
    ("amount", "code"),
    [("0", "funds.amount.not_positive"), ("1.1234567", "funds.amount.places"),
     ("十万", "funds.amount.invalid")],
)  # fmt: skip
def test_the_amount_is_a_positive_decimal_with_at_most_six_places(funds, amount, code):
    assert refusal(funds, amount=amount)["amount"].code == code


def test_the_amount_is_read_as_typed_a_decimal_comma_refused_and_named(funds):
    # "12,5" was read as 125, over the balance; it is not a number, and the message says so
    problems = refusal(funds, amount="12,5")
    assert problems["amount"].code == "funds.amount.invalid"
    assert problems["amount"].message == "金额（万元）“12,5”不是数字。"
    assert not FundAction.objects.exists()
    assert record(funds, amount="１２．５").amount == D("12.5")  # full-width, as an IME types


def test_the_source_must_be_given_and_be_about_the_project(funds):
    other_alert = alert_on(project(funds, "X2", unit="U2"))
    assert refusal(funds, alert=other_alert)["alert"].code == "funds.source.other_project"
    assert refusal(funds, alert=None)["alert"].code == "funds.source.missing"
    problems = refusal(funds, source="rectification")
    assert problems["alert"].code == "funds.source.other_link"
    assert problems["rectification"].code == "funds.source.missing"
    assert refusal(funds, document_number=" ")["document_number"].code == ("funds.document.missing")
    assert refusal(funds, reason="")["reason"].code == "funds.reason.missing"


def test_a_self_evaluation_of_last_years_project_line_is_a_source(funds):
    last_year = project(funds, "R1", year=2020)
    selfeval = SelfEvaluation.objects.create(
        region=funds.region, year=2020, unit=last_year.unit, project=last_year,
        status="confirmed", grade="差",
    )  # fmt: skip
    action = record(funds, alert=None, source="evaluation", selfeval=selfeval, kind="调整")
    assert action.selfeval == selfeval


@pytest.mark.parametrize("persona", ["business", "filer", "leader", "auditor"])
def test_only_the_budget_and_performance_offices_record_actions(funds, persona):
    with pytest.raises(PermissionDenied):
        record(funds, actor=persona)
    assert record(funds, actor="performance").pk


def test_current_budget_changes_from_the_action_date_on_and_the_receiver_gains(funds):
    record(funds, kind="盘活", amount="30", receiving_project=funds.r2)
    r1, r2 = funds.r1, funds.r2
    assert project_current_budget(r1, datetime.date(2021, 6, 14)) == D("300")
    assert project_current_budget(r1, JUNE) == D("270")
    assert project_current_budget(r2, datetime.date(2021, 6, 14)) == D("50")
    assert project_current_budget(r2, JUNE) == D("80")
    r1.refresh_from_db()
    assert r1.full_total == D("300")  # the measured budget is never rewritten


def test_money_redeployed_to_a_project_adds_to_its_balance_from_that_date(funds):
    record(funds, kind="盘活", amount="30", receiving_project=funds.r2)
    # R2: 50 budget, nothing paid, 30 received on 15 June → 80 from then, 50 before
    recover = {"project": funds.r2, "alert": alert_on(funds.r2)}
    assert refusal(funds, amount="51", on=datetime.date(2021, 6, 1), **recover)["amount"]
    assert record(funds, amount="80", **recover).amount == D("80")


def test_fund_totals_add_up_each_kind_of_the_year(funds):
    record(funds, kind="收回", amount="10")
    record(funds, kind="调整", amount="5.5")
    record(funds, kind="盘活", amount="20", receiving_project=funds.r2)
    record(funds, kind="收回", amount="1.25")
    assert fund_totals(funds.region, 2021) == {
        "调整": D("5.5"),
        "收回": D("11.25"),
        "盘活": D("20"),
    }
    assert fund_totals(funds.city, 2021, kinds=["收回"]) == {"收回": D("11.25")}
    assert fund_totals(funds.region_b, 2021)["收回"] == 0
    assert fund_totals(funds.region, 2022)["收回"] == 0


def test_the_2021_monitored_and_self_evaluated_funds_stay_exact(funds):
    """Work year 2021: R1 (300) in the June round; Q1 of 2020 (77.77) self-evaluated."""
    rnd = funds.alert.round
    Report.objects.create(
        round=rnd, project=funds.r1, region=funds.region, unit=funds.r1.unit, year=2021,
        status="approved", executed=D("214.50"),
    )  # fmt: skip
    q1 = project(funds, "R1", year=2020, budget="77.77")
    SelfEvaluation.objects.create(
        region=funds.region, year=2020, unit=q1.unit, project=q1, status="confirmed", grade="良"
    )
    reader = RegionReader(funds.region.path)

    def measured():
        stats = year_stats(user=reader, region=funds.region, year=2021, today=JUNE)
        return stats["monitoring"]["funds"], stats["selfeval"]["funds"]

    before = measured()
    assert before == (D("300.00"), D("77.77"))
    record(funds, kind="收回", amount="40")
    record(funds, kind="盘活", amount="20", receiving_project=funds.r2)
    record(funds, kind="调整", amount="10", project=q1, on=datetime.date(2020, 11, 1),
           alert=None, source="evaluation",
           selfeval=SelfEvaluation.objects.get(project=q1))  # fmt: skip
    assert measured() == before


# --------------------------------------------------------------------------- pages


def in_2021(client):
    session = client.session
    session["work_year"] = 2021
    session.save()
    return client


def test_list_shows_totals_by_kind_and_filters_by_kind(funds, client_for):
    adjusted = record(funds, kind="调整", amount="2.5")
    recovered = record(funds, kind="收回", amount="10")
    client = in_2021(client_for("budget"))
    html = client.get("/fund-actions/").content.decode()
    # the totals row: 调整 2.50, 收回 10.00, 盘活 0.00
    assert '<td class="num">2.50</td><td class="num">10.00</td><td class="num">0.00</td>' in html
    assert f"/fund-actions/{adjusted.pk}/" in html and f"/fund-actions/{recovered.pk}/" in html
    html = client.get("/fund-actions/?kind=收回").content.decode()
    assert f"/fund-actions/{recovered.pk}/" in html and f"/fund-actions/{adjusted.pk}/" not in html
    assert client.get("/fund-actions/?source=rectification").context["page"].paginator.count == 0


def test_pages_open_for_the_bureau_and_the_unit_and_are_404_for_another_unit(funds, client_for):
    action = record(funds, kind="收回", amount="10")
    for persona in ("budget", "business", "filer"):
        assert client_for(persona).get(f"/fund-actions/{action.pk}/").status_code == 200
    assert client_for("other").get(f"/fund-actions/{action.pk}/").status_code == 404
    assert client_for("other_region").get(f"/fund-actions/{action.pk}/").status_code == 404
    assert client_for("other").get("/fund-actions/new/").status_code == 403
    assert (
        client_for("other_region").get(f"/fund-actions/new/?alert={funds.alert.pk}").status_code
        == 404
    )


def form_data(world, **extra):
    data = {
        "year": "2021",
        "project": "R1",
        "kind": "收回",
        "amount": "50",
        "date": "2021-06-15",
        "reason": "项目结余",
        "source": "alert",
        "alert": str(world.alert.pk),
        "document_number": "甲财绩〔2021〕6号",
        "receiving_project": "",
    }
    return data | extra


def test_the_form_refuses_an_amount_over_the_balance_with_the_reason_at_the_field(
    funds, client_for
):
    client = in_2021(client_for("budget"))
    response = client.post("/fund-actions/new/", form_data(funds, amount="120"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "超过项目未支付余额 85.50 万元（全年预算 300.00 − 截至 6 月支付 214.50）" in html
    assert not FundAction.objects.exists()


def test_the_form_records_an_action_from_an_alerts_page(funds, client_for):
    client = in_2021(client_for("performance"))
    page = client.get(f"/fund-actions/new/?alert={funds.alert.pk}").content.decode()
    assert 'value="R1"' in page and f'value="{funds.alert.pk}" selected' in page
    # the balance on 31 December 2021 (today is later): 300 − 224.50 paid by September = 75.50
    assert "75.50（全年预算 300.00 − 截至 12 月支付 224.50）" in page
    response = client.post("/fund-actions/new/", form_data(funds))
    action = FundAction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fund-actions/{action.pk}/"
    assert (action.kind, action.amount, action.alert) == ("收回", D("50"), funds.alert)


def test_the_project_page_shows_its_actions_and_current_budget(funds, client_for):
    record(funds, kind="盘活", amount="30", receiving_project=funds.r2)
    html = client_for("filer").get(f"/projects/{funds.r2.pk}/").content.decode()
    assert "资金调整、收回和盘活" in html and "80.00" in html  # 50 + 30 received


def test_list_download_is_audited(funds, client_for):
    record(funds, amount="10")
    response = in_2021(client_for("budget")).get("/fund-actions/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith("fund-actions-2021.xlsx")
    assert AuditLog.objects.filter(action="export").count() == 1


def test_export_command_writes_the_years_actions_as_json(funds):
    record(funds, amount="10.5")
    data = json.loads(EXPORTERS["fund-actions"](RegionReader(funds.region.path), funds.region,
                                                2021, "json"))  # fmt: skip
    assert [(a["action"], a["amount"], a["project"]["code"]) for a in data] == [
        ("收回", "10.500000", "R1")
    ]


# --------------------------------------------------------------------------- API


def test_api_lists_and_reads_with_the_contract_fields(funds, client_for):
    action = record(funds, amount="10.5")
    client = client_for("filer")
    listed = client.get("/api/v1/fund-actions?year=2021&action=收回").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert {k: item[k] for k in ("action", "amount", "date", "reason")} == {
        "action": "收回",
        "amount": "10.500000",
        "date": "2021-06-15",
        "reason": "执行进度严重滞后，收回结余资金",
    }
    assert item["project"] == {"id": funds.r1.pk, "code": "R1", "name": "项目R1"}
    assert client.get(f"/api/v1/fund-actions/{action.pk}").json()["id"] == action.pk
    other = client_for("other")
    assert other.get(f"/api/v1/fund-actions/{action.pk}").status_code == 404
    assert other.get("/api/v1/fund-actions").json()["count"] == 0


def api_body(world, **extra):
    body = {
        "project": {"id": world.r1.pk},
        "action": "收回",
        "amount": "50",
        "date": "2021-06-15",
        "reason": "项目结余",
        "source": "alert",
        "alert": world.alert.pk,
        "document_number": "甲财绩〔2021〕7号",
    }
    return body | extra


def post(client, body):
    return client.post("/api/v1/fund-actions", json.dumps(body), content_type="application/json")


def test_api_creates_an_action(funds, client_for):
    response = post(client_for("budget"), api_body(funds))
    assert response.status_code == 200
    assert response.json()["amount"] == "50.000000"
    assert FundAction.objects.get().document_number == "甲财绩〔2021〕7号"


@pytest.mark.parametrize(
    ("extra", "path", "code"),
    [
        ({"amount": "120"}, "amount", "funds.over_balance"),
        ({"amount": 50.5}, "amount", "funds.amount.float"),
        ({"date": "2022-01-05"}, "date", "funds.date.outside"),
        ({"date": "15/06/2021"}, "date", "funds.date.invalid"),
        ({"action": "盘活"}, "receiving_project", "funds.receiving.missing"),
        ({"document_number": ""}, "document_number", "funds.document.missing"),
        ({"project": {"id": 999999}}, "project", "funds.project.unknown"),
    ],
)
def test_api_refuses_bad_input_with_422_and_writes_nothing(funds, client_for, extra, path, code):
    response = post(client_for("budget"), api_body(funds, **extra))
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    assert {"path": path, "code": code} in [
        {"path": e["path"], "code": e["code"]} for e in body["errors"]
    ]
    assert all(e["message"] for e in body["errors"])
    assert not FundAction.objects.exists()


def test_api_refuses_a_project_outside_the_callers_scope_and_a_unit_user(funds, client_for):
    pb = funds.projects["PB"]
    response = post(client_for("budget"), api_body(funds, project={"id": pb.pk}))
    assert response.status_code == 422
    assert post(client_for("filer"), api_body(funds)).status_code == 403
    assert not FundAction.objects.exists()


# --------------------------------------------------------------------------- two at once


@pytest.mark.django_db(transaction=True)
def test_two_recoveries_at_once_cannot_both_take_the_balance(funds):
    """Each of two recoveries of 60 fits the balance of 85.50 alone; together they do not, so
    exactly one is recorded and the other is refused with what is left (25.50)."""
    import threading

    barrier = threading.Barrier(2)
    outcomes = []

    def recover(actor):
        from django.db import connections

        try:
            barrier.wait()
            record(funds, actor=actor, amount="60")
            outcomes.append("recorded")
        except FundActionRefused as refused:
            outcomes.append(refused.problems[0].message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recover, args=(who,)) for who in ("budget", "performance")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("recorded") == 1, outcomes
    assert "25.50" in next(o for o in outcomes if o != "recorded")
    assert FundAction.objects.count() == 1


def test_a_sources_page_can_offer_the_three_buttons_to_the_offices_only(funds, rf):
    from jixiao.results.views_funds import fund_action_buttons

    request = rf.get("/")
    request.user = funds.users["budget"]
    html = fund_action_buttons(request, source="rectification", pk=7)
    assert html.count("/fund-actions/new/?rectification=7&amp;kind=") == 3
    request.user = funds.users["filer"]
    assert fund_action_buttons(request, source="rectification", pk=7) == ""
