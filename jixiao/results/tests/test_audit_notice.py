"""The rectification notice (整改通知书): one unit's issued items of a work year, opened with
python-docx (the unit's items exactly, not another unit's, not a draft), its pages and scope
(another unit: 404), and the download logged as an export."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from jixiao.core.models import AuditLog
from jixiao.results.audit_findings import audit_finding_create
from jixiao.results.models import Rectification
from jixiao.results.notice import notice_docx, notice_items
from jixiao.results.rectifications import rectification_transition

pytestmark = pytest.mark.django_db


def finding(world, unit: str, problem: str, *, issue: bool = True) -> Rectification:
    made = audit_finding_create(
        actor=world.performance,
        region=world.region,
        year=2022,
        unit=world.units[unit],
        report_title="关于甲区2021年度区级预算执行情况的审计报告",
        report_number="甲审报〔2022〕5号",
        report_date=date(2022, 5, 10),
        problem=problem,
        recommendation=f"{problem}：限期整改",
    )
    row = made.rectifications.get()
    if issue:
        row = rectification_transition(actor=world.performance, rectification=row, name="issue")
    return row


@pytest.fixture
def items(world):
    return {
        "a": finding(world, "U1", "教育局问题甲"),
        "b": finding(world, "U1", "教育局问题乙"),
        "draft": finding(world, "U1", "教育局草稿问题", issue=False),
        "other": finding(world, "U2", "城管局问题"),
    }


def table_rows(data: bytes) -> list[list[str]]:
    doc = Document(io.BytesIO(data))
    assert len(doc.tables) == 1
    return [[cell.text for cell in row.cells] for row in doc.tables[0].rows]


def test_the_notice_lists_exactly_the_units_issued_items(world, items):
    rows = notice_items(world.performance, world.units["U1"], 2022)
    data = notice_docx(world.units["U1"], 2022, rows)
    table = table_rows(data)
    assert table[0] == ["序号", "存在问题", "整改要求", "方案期限", "整改期限", "状态"]
    assert [r[1] for r in table[1:]] == ["教育局问题甲", "教育局问题乙"]
    assert [r[2] for r in table[1:]] == ["教育局问题甲：限期整改", "教育局问题乙：限期整改"]
    assert {r[5] for r in table[1:]} == {"已下达"}
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "甲区教育局：" in text and "整改通知书" in text
    assert "绩整通〔2022〕U1号" in text
    assert "城管局问题" not in text and "教育局草稿问题" not in text
    assert "甲区财政局" in text and "（绩效办）" in text


def test_the_notice_shows_the_deadlines_once_received(world, items):
    row = rectification_transition(actor=world.filer, rectification=items["a"], name="receive")
    data = notice_docx(
        world.units["U1"], 2022, notice_items(world.performance, world.units["U1"], 2022)
    )
    first = table_rows(data)[1]
    plan_due, due = row.plan_due, row.due
    assert first[3] == f"{plan_due.year}年{plan_due.month}月{plan_due.day}日"
    assert first[4] == f"{due.year}年{due.month}月{due.day}日"
    assert first[5] == "已接收"


@pytest.mark.parametrize("username", ["performance", "filer", "auditor"])
def test_the_download_answers_the_units_notice_and_is_logged(world, items, client_for, username):
    client = client_for(username)
    response = client.get(reverse("rectification-notice", args=[world.units["U1"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [r[1] for r in table_rows(response.content)[1:]] == ["教育局问题甲", "教育局问题乙"]
    logged = AuditLog.objects.filter(action="export", object_type="rectification-notice")
    assert logged.exists()


def test_another_unit_gets_404_for_the_notice_and_sees_only_its_own_in_the_list(
    world, items, client_for
):
    client = client_for("other")
    url = reverse("rectification-notice", args=[world.units["U1"].pk])
    assert client.get(url).status_code == 404
    listing = client.get(reverse("rectification-notices")).content.decode()
    assert url not in listing
    own = reverse("rectification-notice", args=[world.units["U2"].pk])
    assert own in listing
    assert [r[1] for r in table_rows(client.get(own).content)[1:]] == ["城管局问题"]


def test_the_notices_page_counts_the_issued_items_per_unit(world, items, client_for):
    response = client_for("performance").get(reverse("rectification-notices"))
    units = {u.code: (u.items, u.open_items) for u in response.context["units"]}
    assert units == {"U1": (2, 2), "U2": (1, 1)}


def test_a_unit_without_issued_items_has_no_notice(world, client_for):
    finding(world, "U1", "只有草稿", issue=False)
    client = client_for("performance")
    url = reverse("rectification-notice", args=[world.units["U1"].pk])
    response = client.get(url)
    assert response.status_code == 302
    assert not AuditLog.objects.filter(action="export", object_type="rectification-notice").exists()
    page = client.get(response["Location"]).content.decode()
    assert "没有已下达的整改事项" in page


def test_another_year_is_asked_for_with_year(world, items, client_for):
    client = client_for("performance")
    url = reverse("rectification-notice", args=[world.units["U1"].pk])
    assert client.get(url, {"year": "2021"}).status_code == 302
    assert client.get(url, {"year": "2022"}).status_code == 200


def test_the_units_download_receives_its_items_and_shows_their_deadlines(world, items, client_for):
    url = reverse("rectification-notice", args=[world.units["U1"].pk])
    client_for("performance").get(url)
    assert Rectification.objects.get(pk=items["a"].pk).status == "issued"
    table = table_rows(client_for("filer").get(url).content)
    row = Rectification.objects.get(pk=items["a"].pk)
    assert row.status == "received" and row.plan_due is not None
    assert table[1][3] == f"{row.plan_due.year}年{row.plan_due.month}月{row.plan_due.day}日"
    assert {r[5] for r in table[1:]} == {"已接收"}
    assert Rectification.objects.get(pk=items["other"].pk).status == "issued"


def test_the_menu_leads_units_and_offices_to_the_notices_and_the_office_to_the_findings(
    world, client_for
):
    notices, findings = reverse("rectification-notices"), reverse("audit-finding-list")
    for username in ("filer", "performance", "auditor"):
        html = client_for(username).get("/").content.decode()
        assert notices in html
        assert (findings in html) == (username != "filer")
