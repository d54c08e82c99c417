"""Disclosure records (信息公开): drawing them up, their due days, the office's actions with
their audit entries, the office's pages and the API, and scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from jixiao.core.models import AuditLog
from jixiao.results import disclosures
from jixiao.results.models import Disclosure
from jixiao.results.tests.disclosure_world import YEAR, client_in, items

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(world):
    found = items(world)
    disclosures.disclosures_ensure(region=world.region, year=YEAR)
    return found


def _record(world, kind, unit=None) -> Disclosure:
    rows = Disclosure.objects.filter(region=world.region, year=YEAR, kind=kind)
    return rows.get(unit=world.units[unit]) if unit else rows.get()


def test_ensure_makes_one_pending_record_per_item_and_is_idempotent(world, made):
    rows = Disclosure.objects.filter(region=world.region, year=YEAR)
    got = sorted((d.kind, d.unit.code if d.unit else "", d.status) for d in rows)
    assert got == [
        ("key_report", "U1", "pending"),
        ("selfeval", "U1", "pending"),  # U2's self-evaluation is not confirmed
        ("targets", "U1", "pending"),  # U1A's targets go with its first-level unit U1
        ("targets", "U2", "pending"),
        ("unit_ranking", "", "pending"),
    ]
    assert _record(world, "key_report").key_evaluation == made["key"]
    assert disclosures.disclosures_ensure(region=world.region, year=YEAR) == 0
    assert rows.count() == 5


def test_subjects_name_the_year_the_item_is_about(world, made):
    assert _record(world, "targets", "U1").subject == "2022年甲区教育局预算绩效目标"
    # the self-evaluations done in 2022 are of the projects of 2021
    assert _record(world, "selfeval", "U1").subject == "2021年度甲区教育局项目支出绩效自评结果"


def test_due_days_run_from_the_approval_dates_and_the_archiving(world, made):
    key = _record(world, "key_report")
    assert key.due == datetime.date(2022, 12, 10)  # archived 2022-11-20 + 20 days
    assert _record(world, "targets", "U1").due is None  # no approval date yet
    disclosures.approval_dates_save(
        actor=world.performance,
        region=world.region,
        year=YEAR,
        budget_approved_on=datetime.date(2022, 2, 10),
        accounts_approved_on=datetime.date(2022, 7, 29),
    )
    assert _record(world, "targets", "U1").due == datetime.date(2022, 3, 2)
    assert _record(world, "targets", "U2").due == datetime.date(2022, 3, 2)
    assert _record(world, "selfeval", "U1").due == datetime.date(2022, 8, 18)
    assert _record(world, "unit_ranking").due is None


def test_approval_dates_outside_the_year_are_refused_and_nothing_is_written(world, made):
    with pytest.raises(ValidationError) as refused:
        disclosures.approval_dates_save(
            actor=world.performance,
            region=world.region,
            year=YEAR,
            budget_approved_on=datetime.date(2021, 12, 30),
            accounts_approved_on=None,
        )
    assert "须在 2022 年内" in " ".join(refused.value.messages)
    from jixiao.results.models import ApprovalDates

    assert not ApprovalDates.objects.filter(region=world.region, year=YEAR).exists()
    with pytest.raises(PermissionDenied):
        disclosures.approval_dates_save(
            actor=world.budget,
            region=world.region,
            year=YEAR,
            budget_approved_on=None,
            accounts_approved_on=None,
        )


def test_published_operators_are_the_symbols_people_read_not_the_stored_codes(world, made):
    """Targets store the operator as a code (">=", "deadline", "qualitative"); the public
    reads ≥, 时限 and 定性, as on the official forms."""
    from jixiao.targets.models import Indicator

    record = _record(world, "targets", "U1")
    lines = Indicator.objects.filter(target__unit=world.units["U1"]).order_by("position")
    for line, code in zip(lines, (">=", "deadline"), strict=False):
        Indicator.objects.filter(pk=line.pk).update(operator=code)
    disclosures.disclosure_publish(actor=world.performance, disclosure=record)
    record.refresh_from_db()
    signs = [r["computesign"] for r in record.content["rows"] if r["agency_code"] == "U1"]
    assert signs == ["≥", "时限"]


def test_publish_keeps_the_table_with_national_field_names_and_is_audited(world, made):
    record = _record(world, "targets", "U1")
    disclosures.disclosure_publish(actor=world.performance, disclosure=record)
    record.refresh_from_db()
    assert record.status == "published"
    assert record.published_on == timezone.localdate()
    content = record.content
    assert [c["key"] for c in content["columns"]][:5] == [
        "fiscal_year",
        "agency_code",
        "agency_name",
        "pro_code",
        "pro_name",
    ]
    assert content["mof_div_code"] == "100101"
    assert len(content["rows"]) == 4  # two indicators of U1's target and two of U1A's
    first = content["rows"][0]
    assert first["pro_code"] == "T1" and first["lv3_perf_ind_name"] == "改造数量"
    assert (first["computesign"], first["kpi_val"], first["meterunit"]) == ("≥", "12", "个")
    assert first["ind_weight"] == "25.00"  # a decimal kept exact, as text
    assert {r["agency_code"] for r in content["rows"]} == {"U1", "U1A"}
    entry = AuditLog.objects.filter(object_id=str(record.pk), action="action").get()
    assert entry.actor == world.performance and "公开" in entry.message
    # the snapshot holds: a later change of the target does not change what was published
    made["targets"][0].indicators.filter(name="改造数量").update(value_text="99")
    record.refresh_from_db()
    assert record.content["rows"][0]["kpi_val"] == "12"


def test_selfeval_and_ranking_and_key_report_contents(world, made):
    selfeval = disclosures.disclosure_content(_record(world, "selfeval", "U1"))
    assert selfeval["rows"] == [
        {
            "fiscal_year": "2021",
            "agency_code": "U1",
            "agency_name": "甲区教育局",
            "pro_code": "S1",
            "pro_name": "公开测试项目S1",
            "cur_amt": "120.50",
            "year_exe_amt": "110.25",
            "total_eval_value": "92.00",
            "dept_score": "88.00",
            "grade": "良",  # the reviewer's grade counts
        }
    ]
    ranking = disclosures.disclosure_content(_record(world, "unit_ranking"))
    assert [(r["rank"], r["agency_code"], r["score"]) for r in ranking["rows"]] == [
        ("1", "U1", "91.50"),
        ("2", "U2", "80.00"),
    ]
    key = disclosures.disclosure_content(_record(world, "key_report"))
    assert key["report"]["version"] == 2 and key["report"]["grade"] == "良"
    assert [r["lv3_perf_ind_name"] for r in key["rows"]] == ["立项依据充分性", "补助人数"]


def test_a_selfeval_filled_on_the_page_is_published_with_the_total_it_scored(world, made):
    """A self-evaluation filled in on the page has no 单位自评总分 of the unit's own (only an
    imported 自评表 carries one): the row shows the total its entries scored by the rules, the
    score its grade comes from, rather than a grade with no score beside it."""
    filled_on_the_page = made["selfevals"][0]
    type(filled_on_the_page).objects.filter(pk=filled_on_the_page.pk).update(
        self_total=None, reviewed_total=None, reviewed_grade=""
    )
    (row,) = disclosures.disclosure_content(_record(world, "selfeval", "U1"))["rows"]
    assert (row["total_eval_value"], row["dept_score"], row["grade"]) == ("90.50", "", "优")


def test_withhold_needs_a_reason_and_writes_nothing_without_one(world, made):
    record = _record(world, "targets", "U2")
    with pytest.raises(ValidationError) as refused:
        disclosures.disclosure_withhold(actor=world.performance, disclosure=record, reason="  ")
    assert "不予公开须填写理由" in " ".join(refused.value.messages)
    record.refresh_from_db()
    assert record.status == "pending"
    disclosures.disclosure_withhold(
        actor=world.performance, disclosure=record, reason="涉及国家秘密，依法不予公开"
    )
    record.refresh_from_db()
    assert (record.status, record.reason) == ("withheld", "涉及国家秘密，依法不予公开")
    entry = AuditLog.objects.filter(object_id=str(record.pk), action="action").get()
    assert "涉及国家秘密" in entry.message


def test_withdraw_only_a_published_item_with_a_reason_and_the_audit_keeps_both(world, made):
    record = _record(world, "unit_ranking")
    with pytest.raises(ValidationError):
        disclosures.disclosure_withdraw(actor=world.performance, disclosure=record, reason="错")
    disclosures.disclosure_publish(actor=world.performance, disclosure=record)
    with pytest.raises(ValidationError):
        disclosures.disclosure_withdraw(actor=world.performance, disclosure=record, reason="")
    disclosures.disclosure_withdraw(
        actor=world.performance, disclosure=record, reason="排名数据有误，更正后重新公开"
    )
    record.refresh_from_db()
    assert record.status == "withdrawn" and record.published_on is not None
    messages = list(
        AuditLog.objects.filter(object_id=str(record.pk), action="action")
        .order_by("pk")
        .values_list("message", flat=True)
    )
    assert len(messages) == 2 and "撤回" in messages[1]


def test_only_the_performance_office_of_the_region_acts(world, made):
    record = _record(world, "targets", "U1")
    with pytest.raises(PermissionDenied):
        disclosures.disclosure_publish(actor=world.business, disclosure=record)
    with pytest.raises(PermissionDenied):
        disclosures.disclosure_publish(actor=world.auditor, disclosure=record)
    world.other_region.roles = ["performance"]
    world.other_region.save()
    from jixiao.orgs.models import User

    outsider = User.objects.get(pk=world.other_region.pk)
    with pytest.raises(Http404):
        disclosures.disclosure_publish(actor=outsider, disclosure=record)
    record.refresh_from_db()
    assert record.status == "pending"


def test_todo_lists_pending_items_near_or_past_their_due_day(world, made):
    today = timezone.localdate()
    _record(world, "targets", "U1").__class__.objects.filter(kind="targets").update(
        due=today + datetime.timedelta(days=3)
    )
    Disclosure.objects.filter(kind="selfeval").update(due=today - datetime.timedelta(days=1))
    Disclosure.objects.filter(kind="key_report").update(due=today + datetime.timedelta(days=30))
    todos = disclosures.pending_near_due(user=world.performance, region=world.region, year=YEAR)
    assert sorted(t.title for t in todos) == sorted(
        [
            "信息公开：2022年甲区教育局预算绩效目标",
            "信息公开：2022年甲区城管局预算绩效目标",
            "信息公开：2021年度甲区教育局项目支出绩效自评结果",
        ]
    )
    assert [t.detail for t in todos if "自评" in t.title] == ["已逾期"]


# --------------------------------------------------------------------------- pages


def test_office_list_shows_due_days_and_the_overdue_flag(world, made):
    Disclosure.objects.filter(kind="selfeval").update(due=datetime.date(2022, 8, 18))
    response = client_in(world, "performance").get("/disclosures/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2021年度甲区教育局项目支出绩效自评结果" in html
    assert "2022-08-18" in html or "2022年8月18日" in html
    assert 'class="tag level-red"' in html  # the overdue flag
    narrowed = client_in(world, "performance").get("/disclosures/?kind=targets")
    assert "2021年度甲区教育局项目支出绩效自评结果" not in narrowed.content.decode()


def test_office_publishes_withholds_and_withdraws_through_the_pages(world, made):
    client = client_in(world, "performance")
    record = _record(world, "targets", "U1")
    page = client.get(f"/disclosures/{record.pk}/")
    assert page.status_code == 200
    assert "公开内容预览" in page.content.decode() and "改造数量" in page.content.decode()
    client.post(f"/disclosures/{record.pk}/publish/")
    record.refresh_from_db()
    assert record.status == "published"
    refused = client.post(f"/disclosures/{record.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "撤回须填写理由" in refused.content.decode()
    client.post(f"/disclosures/{record.pk}/withdraw/", {"reason": "数据更正"})
    record.refresh_from_db()
    assert (record.status, record.reason) == ("withdrawn", "数据更正")


def test_office_saves_the_approval_dates_on_its_page(world, made):
    client = client_in(world, "performance")
    assert client.get("/disclosures/approval-dates/").status_code == 200
    response = client.post(
        "/disclosures/approval-dates/",
        {"budget_approved_on": "2022-02-10", "accounts_approved_on": ""},
    )
    assert response.status_code == 302
    assert _record(world, "targets", "U2").due == datetime.date(2022, 3, 2)


def test_office_draws_up_the_year_from_the_list_page(world):
    items(world)
    client = client_in(world, "performance")
    client.post("/disclosures/ensure/")
    assert Disclosure.objects.filter(region=world.region, year=YEAR).count() == 5
    assert client_in(world, "filer").post("/disclosures/ensure/").status_code == 404


def test_another_unit_gets_404_on_the_record_and_its_actions(world, made):
    record = _record(world, "targets", "U1")
    other = client_in(world, "other")
    for url in (f"/disclosures/{record.pk}/", f"/api/v1/disclosures/{record.pk}"):
        assert other.get(url).status_code == 404
    assert other.post(f"/disclosures/{record.pk}/publish/").status_code == 404
    assert other.post(f"/api/v1/disclosures/{record.pk}/publish").status_code == 404
    listed = other.get("/disclosures/").content.decode()
    assert "甲区教育局预算绩效目标" not in listed and "甲区城管局预算绩效目标" in listed
    assert client_in(world, "filer").get(f"/disclosures/{record.pk}/").status_code == 200
    assert client_in(world, "other_region").get(f"/disclosures/{record.pk}/").status_code == 404


# --------------------------------------------------------------------------- API


def test_api_lists_the_contract_fields_and_acts(world, made):
    client = client_in(world, "performance")
    listed = client.get("/api/v1/disclosures", {"year": YEAR, "kind": "targets"}).json()
    assert listed["count"] == 2
    item = listed["items"][0]
    for key in ("kind", "subject", "status", "published_on", "public_url"):
        assert key in item
    record = Disclosure.objects.get(pk=item["id"])
    assert item["public_url"] == f"/public/disclosures/{record.pk}/"
    published = client.post(f"/api/v1/disclosures/{record.pk}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_on"] == timezone.localdate().isoformat()
    again = client.post(f"/api/v1/disclosures/{record.pk}/publish")
    assert again.status_code == 409 and "不能公开" in again.json()["detail"]
    no_reason = client.post(
        f"/api/v1/disclosures/{record.pk}/withdraw", {"reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 409 and "理由" in no_reason.json()["detail"]
    withdrawn = client.post(
        f"/api/v1/disclosures/{record.pk}/withdraw",
        {"reason": "数据更正"},
        content_type="application/json",
    )
    assert withdrawn.json()["status"] == "withdrawn"
    other = _record(world, "targets", "U2")
    withheld = client.post(
        f"/api/v1/disclosures/{other.pk}/withhold",
        {"reason": "依法不予公开"},
        content_type="application/json",
    )
    assert withheld.json()["status"] == "withheld" and withheld.json()["reason"] == "依法不予公开"


def test_api_refuses_the_actions_to_others_than_the_performance_office(world, made):
    record = _record(world, "targets", "U1")
    response = client_in(world, "budget").post(f"/api/v1/disclosures/{record.pk}/publish")
    assert response.status_code == 403
    assert client_in(world, "filer").get(f"/api/v1/disclosures/{record.pk}").status_code == 200


def test_the_performance_office_sees_the_todo_on_its_home_page(world, made):
    soon = timezone.localdate() + datetime.timedelta(days=2)
    Disclosure.objects.filter(kind="targets", unit=world.units["U2"]).update(due=soon)
    home = client_in(world, "performance").get("/").content.decode()
    assert "信息公开：2022年甲区城管局预算绩效目标" in home
    assert "信息公开：" not in client_in(world, "auditor").get("/").content.decode()


def test_the_overdue_filter_agrees_with_the_pure_rule_in_every_state(world):
    from itertools import product

    from jixiao.results.disclosure_rules import is_overdue

    due = datetime.date(2022, 3, 2)
    days = [None, datetime.date(2022, 2, 20), due, datetime.date(2022, 3, 9)]
    made = []
    for status, published_on, record_due in product(
        ["pending", "published", "withheld", "withdrawn"], days, [None, due]
    ):
        if (status in ("published", "withdrawn")) != (published_on is not None):
            continue
        made.append(
            Disclosure.objects.create(
                region=world.region,
                year=YEAR,
                kind="targets",
                subject=f"{status} {published_on} {record_due}",
                status=status,
                published_on=published_on,
                due=record_due,
            )
        )
    for as_of in (
        datetime.date(2022, 3, 2),
        datetime.date(2022, 3, 3),
        datetime.date(2022, 12, 31),
    ):
        expected = {d.pk for d in made if is_overdue(d.status, d.due, d.published_on, as_of)}
        assert set(Disclosure.objects.overdue(as_of).values_list("pk", flat=True)) == expected
    # the late publication counts, once its due day has passed
    late = {
        d.subject
        for d in made
        if d.pk
        in Disclosure.objects.overdue(datetime.date(2022, 12, 31)).values_list("pk", flat=True)
    }
    assert late == {
        "pending None 2022-03-02",
        "published 2022-03-09 2022-03-02",
        "withdrawn 2022-03-09 2022-03-02",
    }
