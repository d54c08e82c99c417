"""Audit findings entered by the performance office: the finding and its draft rectification in
one transaction, the checks of each value, the refusal for anyone else (the auditor reads
only), the pages with their field errors in Chinese and the scope (another unit: 404)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jixiao.results.audit_findings import audit_finding_create
from jixiao.results.models import AuditFinding, Rectification

pytestmark = pytest.mark.django_db


def values(world, **changes):
    base = {
        "region": world.region,
        "year": 2022,
        "unit": world.units["U1"],
        "project": world.projects["P1"],
        "report_title": "关于甲区2021年度区级预算执行情况的审计报告",
        "report_number": "甲审报〔2022〕5号",
        "report_date": date(2022, 5, 10),
        "problem": "项目资金未按合同约定支付，结余 12.5 万元未清理。",
        "recommendation": "按合同约定支付，清理结余资金。",
        "amount": Decimal("12.500000"),
    }
    return base | changes


def test_the_office_enters_a_finding_and_gets_its_draft_rectification(world):
    finding = audit_finding_create(actor=world.performance, **values(world))
    row = Rectification.objects.get(audit_finding=finding)
    assert (row.source, row.status, row.unit, row.project) == (
        "audit",
        "draft",
        world.units["U1"],
        world.projects["P1"],
    )
    assert row.problem == "项目资金未按合同约定支付，结余 12.5 万元未清理。"
    assert row.required_action == "按合同约定支付，清理结余资金。"
    assert row.issuer == world.offices["PERF"]
    assert row.result_date == date(2022, 5, 10)
    assert finding.amount == Decimal("12.5") and finding.entered_by == world.performance


def test_a_given_required_action_replaces_the_recommendation(world):
    finding = audit_finding_create(
        actor=world.performance, required_action="三十日内完成支付", **values(world)
    )
    assert finding.rectifications.get().required_action == "三十日内完成支付"


@pytest.mark.parametrize("username", ["auditor", "budget", "business", "filer", "leader"])
def test_anyone_but_the_performance_office_is_refused_and_nothing_is_written(world, username):
    with pytest.raises(PermissionDenied):
        audit_finding_create(actor=world.users[username], **values(world))
    assert not AuditFinding.objects.exists() and not Rectification.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"unit": "UB"}, "unit", None),  # district B: refused as outside the office's region
        ({"project": "P2"}, "project", "不是单位"),
        ({"report_date": "tomorrow"}, "report_date", "晚于今天"),
        ({"amount": Decimal("-1")}, "amount", "不能为负数"),
        ({"problem": "  "}, "problem", "请填写"),
        ({"recommendation": ""}, "recommendation", "审计建议"),
        ({"report_title": ""}, "report_title", "审计报告"),
    ],
)
def test_each_bad_value_is_refused_by_field_and_nothing_is_written(world, change, field, words):
    key, value = next(iter(change.items()))
    if key == "unit":
        value = world.units[value]
    elif key == "project":
        value = world.projects[value]
    elif value == "tomorrow":
        value = timezone.localdate() + timedelta(days=1)
    if words is None:
        with pytest.raises(PermissionDenied):
            audit_finding_create(actor=world.performance, **values(world, **{key: value}))
    else:
        with pytest.raises(ValidationError) as caught:
            audit_finding_create(actor=world.performance, **values(world, **{key: value}))
        assert words in "".join(caught.value.message_dict[field])
    assert not AuditFinding.objects.exists() and not Rectification.objects.exists()


def test_a_failing_rectification_leaves_no_finding_behind(world, monkeypatch):
    import jixiao.results.rectifications as rect

    def refuse(**kwargs):
        raise ValidationError({"issuer": "找不到下达整改的股室"})

    monkeypatch.setattr(rect, "rectification_create", refuse)
    with pytest.raises(ValidationError):
        audit_finding_create(actor=world.performance, **values(world))
    assert not AuditFinding.objects.exists()


def post_form(client, **changes):
    data = {
        "report_title": "关于甲区2021年度区级预算执行情况的审计报告",
        "report_number": "甲审报〔2022〕5号",
        "report_date": "2022-05-10",
        "problem": "项目资金未按合同约定支付。",
        "recommendation": "按合同约定支付。",
        "amount": "12.5",
        "project": "",
    } | changes
    return client.post(reverse("audit-finding-new"), data)


def test_the_entry_form_saves_and_shows_the_finding(world, client_for):
    client = client_for("performance")
    response = post_form(client, unit=world.units["U1"].pk, project="P1")
    finding = AuditFinding.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audit-finding-detail", args=[finding.pk])
    assert finding.project == world.projects["P1"] and finding.year == 2022
    page = client.get(response["Location"])
    assert "项目资金未按合同约定支付。" in page.content.decode()
    assert "待下达" in page.content.decode()


def test_the_entry_form_shows_field_errors_in_chinese_and_writes_nothing(world, client_for):
    client = client_for("performance")
    response = post_form(
        client,
        unit=world.units["U1"].pk,
        project="P2",
        report_date="2099-01-01",
        amount="-3",
        problem="",
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "请填写审计发现的问题" in text
    assert not AuditFinding.objects.exists()
    response = post_form(client, unit=world.units["U1"].pk, project="NOPE")
    assert "找不到 2022 年度的项目“NOPE”" in response.content.decode()
    response = post_form(client, unit=world.units["U1"].pk, project="P2")
    assert "不是单位" in response.content.decode()
    response = post_form(client, unit=world.units["U1"].pk, report_date="2099-01-01")
    assert "晚于今天" in response.content.decode()
    assert not AuditFinding.objects.exists()


@pytest.mark.parametrize("username", ["auditor", "budget", "filer", "other"])
def test_the_entry_and_import_pages_are_the_offices_only(world, client_for, username):
    client = client_for(username)
    assert client.get(reverse("audit-finding-new")).status_code == 403
    assert post_form(client, unit=world.units["U1"].pk).status_code == 403
    assert client.get(reverse("audit-finding-import")).status_code == 403
    assert not AuditFinding.objects.exists()


def test_the_auditor_reads_the_list_and_the_finding_without_write_buttons(world, client_for):
    finding = audit_finding_create(actor=world.performance, **values(world))
    client = client_for("auditor")
    listing = client.get(reverse("audit-finding-list")).content.decode()
    assert reverse("audit-finding-detail", args=[finding.pk]) in listing
    assert reverse("audit-finding-new") not in listing
    assert client.get(reverse("audit-finding-detail", args=[finding.pk])).status_code == 200


def test_another_unit_sees_neither_the_finding_nor_it_in_the_list(world, client_for):
    finding = audit_finding_create(actor=world.performance, **values(world))
    client = client_for("other")
    assert client.get(reverse("audit-finding-detail", args=[finding.pk])).status_code == 404
    listing = client.get(reverse("audit-finding-list"))
    assert listing.status_code == 200
    assert reverse("audit-finding-detail", args=[finding.pk]) not in listing.content.decode()
    own = client_for("filer").get(reverse("audit-finding-detail", args=[finding.pk]))
    assert own.status_code == 200


def test_the_list_escapes_script_text_and_filters_by_unit(world, client_for):
    audit_finding_create(
        actor=world.performance, **values(world, problem="<script>alert(1)</script>未清理")
    )
    audit_finding_create(
        actor=world.performance,
        **values(world, unit=world.units["U2"], project=None, problem="城管局问题"),
    )
    client = client_for("performance")
    text = client.get(reverse("audit-finding-list")).content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text
    only_u2 = client.get(reverse("audit-finding-list"), {"unit": world.units["U2"].pk})
    assert "城管局问题" in only_u2.content.decode()
    assert "未清理" not in only_u2.content.decode()
