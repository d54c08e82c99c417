"""The registry of policy documents (制度文件): registering, correcting and repealing through the
pages, the 文号 in its official spelling, Chinese refusals that write nothing, who reads and who
keeps it, scope, the "in force at a date" rule of the work summary, the xlsx export."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.core.models import Attachment, AuditLog
from jixiao.orgs.models import User
from jixiao.reports.models import PolicyDocument
from jixiao.reports.services import normalize_number, policy_document_repeal

FORM = {
    "number": "东财绩〔2020〕1号",
    "title": "东湖区区级预算部门绩效管理暂行办法",
    "issued_on": "2020-04-20",
    "issuer": "东湖区财政局",
    "note": "",
}


def register(
    region,
    number="东财绩〔2020〕1号",
    title="东湖区区级预算部门绩效管理暂行办法",
    issued_on=dt.date(2020, 4, 20),
    repealed_on=None,
) -> PolicyDocument:
    """A registry row written directly, so the pages under test only read or change it."""
    return PolicyDocument.objects.create(
        region=region,
        number=number,
        title=title,
        issued_on=issued_on,
        issuer="甲区财政局",
        repealed_on=repealed_on,
    )


def audit_count() -> int:
    return AuditLog.objects.filter(object_type="reports.policydocument").count()


@pytest.fixture
def document(world):
    return register(world.region)


@pytest.fixture
def perf_b(world):
    """The performance office of region B: keeps B's registry, must not reach A's."""
    user, _ = User.objects.get_or_create(
        username="performance_b", defaults={"roles": ["performance"], "region": world.region_b}
    )
    return user


# ── the 文号 in its official spelling ─────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("东财绩〔2020〕1号", "东财绩〔2020〕1号"),
        ("东财绩[2020]1号", "东财绩〔2020〕1号"),
        ("东财绩(2020)1号", "东财绩〔2020〕1号"),
        ("东财绩（2020）1号", "东财绩〔2020〕1号"),
        ("东财绩【2020】1号", "东财绩〔2020〕1号"),
        ("东财绩﹝2020﹞1号", "东财绩〔2020〕1号"),
        ("东财绩〔２０２０〕１号", "东财绩〔2020〕1号"),
        (" 东财绩 〔2020〕 1 号 ", "东财绩〔2020〕1号"),
        ("东财绩\u3000[2020]01号", "东财绩〔2020〕1号"),
        ("东财字〔2021〕14", "东财字〔2021〕14号"),
        ("东财字〔2021〕140号", "东财字〔2021〕140号"),
        ("市财办发第3号", "市财办发第3号"),
    ],
)
def test_number_is_stored_in_its_official_spelling(typed, expected):
    assert normalize_number(typed) == expected


# ── the performance office keeps the registry through the pages ─────────────────────────────


def test_performance_office_registers_a_document_with_a_variant_spelling(world, client_for):
    client = client_for("performance")
    response = client.post(
        "/policies/new/",
        {**FORM, "number": "东财绩[2020] 1号", "title": "《东湖区区级预算部门绩效管理暂行办法》"},
    )
    document = PolicyDocument.objects.get(region=world.region)
    assert response.status_code == 302 and response["Location"] == f"/policies/{document.id}/"
    assert document.number == "东财绩〔2020〕1号"
    assert document.title == "东湖区区级预算部门绩效管理暂行办法"
    assert document.issued_on == dt.date(2020, 4, 20) and document.repealed_on is None
    assert document.created_by == world.performance
    page = client.get(f"/policies/{document.id}/").content.decode()
    assert "东湖区区级预算部门绩效管理暂行办法" in page and "现行有效" in page
    assert (
        AuditLog.objects.filter(
            object_type="reports.policydocument", object_id=str(document.id), action="create"
        ).count()
        == 1
    )


def test_create_form_offers_the_bureau_as_issuer(world, client_for):
    page = client_for("performance").get("/policies/new/").content.decode()
    assert 'value="甲区财政局"' in page


def test_dates_typed_the_chinese_way_are_accepted(world, client_for):
    response = client_for("performance").post(
        "/policies/new/", {**FORM, "issued_on": "2020年4月20日"}
    )
    assert response.status_code == 302
    assert PolicyDocument.objects.get().issued_on == dt.date(2020, 4, 20)


def test_performance_office_corrects_an_entry_keeping_its_number(world, client_for, document):
    client = client_for("performance")
    response = client.post(
        f"/policies/{document.id}/edit/",
        {
            **FORM,
            "title": "东湖区区级预算部门绩效管理办法",
            "issued_on": "2020-04-21",
            "note": "原标题登记有误",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "东湖区区级预算部门绩效管理办法"
    assert document.issued_on == dt.date(2020, 4, 21) and document.note == "原标题登记有误"
    page = client.get(f"/policies/{document.id}/").content.decode()
    assert "修改记录" in page
    assert "东湖区区级预算部门绩效管理暂行办法 → 东湖区区级预算部门绩效管理办法" in page


def test_performance_office_repeals_then_reinstates_a_document(world, client_for, document):
    client = client_for("performance")
    response = client.post(
        f"/policies/{document.id}/repeal/",
        {"repealed_on": "2021-01-01", "repeal_note": "被东财绩〔2020〕3号替代"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.repealed_on == dt.date(2021, 1, 1)
    assert document.repeal_note == "被东财绩〔2020〕3号替代"
    repeal = AuditLog.objects.filter(
        object_type="reports.policydocument", object_id=str(document.id), action="update"
    ).get()
    assert repeal.actor == world.performance
    assert (repeal.before["repealed_on"], repeal.after["repealed_on"]) == (None, "2021-01-01")
    page = client.get(f"/policies/{document.id}/").content.decode()
    assert "自 2021-01-01 起废止" in page and "被东财绩〔2020〕3号替代" in page
    assert "2021-01-01 废止" in client.get("/policies/").content.decode()

    assert "撤销废止" in client.get(f"/policies/{document.id}/repeal/").content.decode()
    refused = client.post(f"/policies/{document.id}/repeal/", {"reason": ""})
    assert refused.status_code == 400 and "请填写撤销废止的原因" in refused.content.decode()
    client.post(f"/policies/{document.id}/repeal/", {"reason": "废止登记有误"})
    document.refresh_from_db()
    assert document.repealed_on is None and document.repeal_note == ""
    assert AuditLog.objects.filter(
        object_type="reports.policydocument", action="action", message__contains="废止登记有误"
    ).exists()


# ── refusals: Chinese, naming the field and the reason, writing nothing ──────────────────────


@pytest.mark.parametrize(
    "typed",
    [
        "东财绩〔2020〕1号",
        "东财绩[2020]1号",
        "东财绩(2020)1号",
        "东财绩【2020】1号",
        "东财绩〔２０２０〕１号",
        "东财绩 〔2020〕 01号",
    ],
)
def test_duplicate_number_in_any_spelling_is_refused(world, client_for, document, typed):
    before = audit_count()
    response = client_for("performance").post(
        "/policies/new/", {**FORM, "number": typed, "title": "另一份文件"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "文号“东财绩〔2020〕1号”已登记：《东湖区区级预算部门绩效管理暂行办法》" in text
    assert "同一区划的文号不能重复" in text
    assert PolicyDocument.objects.count() == 1 and audit_count() == before


def test_duplicate_message_shows_how_a_variant_was_read(world, client_for, document):
    text = (
        client_for("performance")
        .post("/policies/new/", {**FORM, "number": "东财绩[2020]1号"})
        .content.decode()
    )
    assert "您输入的“东财绩[2020]1号”按规范写法即“东财绩〔2020〕1号”" in text


def test_the_same_number_in_another_region_is_allowed(world, client_for, perf_b, document):
    from django.test import Client

    client = Client()
    client.force_login(perf_b)
    response = client.post("/policies/new/", {**FORM, "issuer": "乙区财政局"})
    assert response.status_code == 302
    assert PolicyDocument.objects.filter(number="东财绩〔2020〕1号").count() == 2


def test_empty_title_is_refused(world, client_for):
    response = client_for("performance").post("/policies/new/", {**FORM, "title": "  "})
    assert response.status_code == 400
    assert "标题不能为空" in response.content.decode()
    assert not PolicyDocument.objects.exists() and audit_count() == 0


def test_empty_number_issuer_and_date_are_each_named(world, client_for):
    response = client_for("performance").post(
        "/policies/new/", {**FORM, "number": "", "issuer": "", "issued_on": ""}
    )
    text = response.content.decode()
    assert "文号不能为空" in text and "发文机关不能为空" in text and "请填写印发日期" in text
    assert not PolicyDocument.objects.exists()


def test_issue_date_in_the_future_is_refused(world, client_for):
    response = client_for("performance").post(
        "/policies/new/", {**FORM, "number": "东财绩〔2099〕1号", "issued_on": "2099-01-05"}
    )
    assert response.status_code == 400
    assert "印发日期 2099-01-05 晚于今天" in response.content.decode()
    assert not PolicyDocument.objects.exists()


def test_issue_date_outside_the_year_of_the_number_is_refused(world, client_for):
    response = client_for("performance").post("/policies/new/", {**FORM, "issued_on": "2021-04-20"})
    assert "印发日期 2021-04-20 与文号中的年份 2020 不一致" in response.content.decode()
    assert not PolicyDocument.objects.exists()


def test_unreadable_date_is_refused(world, client_for):
    response = client_for("performance").post("/policies/new/", {**FORM, "issued_on": "四月二十日"})
    assert "印发日期格式不正确" in response.content.decode()
    assert not PolicyDocument.objects.exists()


def test_repeal_before_the_issue_date_is_refused(world, client_for, document):
    before = audit_count()
    response = client_for("performance").post(
        f"/policies/{document.id}/repeal/", {"repealed_on": "2020-04-19", "repeal_note": ""}
    )
    assert response.status_code == 400
    assert "废止日期 2020-04-19 早于印发日期 2020-04-20" in response.content.decode()
    document.refresh_from_db()
    assert document.repealed_on is None and audit_count() == before


def test_repeal_on_the_issue_date_is_allowed(world, document):
    policy_document_repeal(
        actor=world.performance, document=document, repealed_on=dt.date(2020, 4, 20), note=""
    )
    document.refresh_from_db()
    assert document.repealed_on == dt.date(2020, 4, 20)


def test_repeal_in_the_future_and_without_a_date_are_refused(world, client_for, document):
    client = client_for("performance")
    future = client.post(f"/policies/{document.id}/repeal/", {"repealed_on": "2099-01-01"})
    assert "废止日期 2099-01-01 晚于今天" in future.content.decode()
    empty = client.post(f"/policies/{document.id}/repeal/", {"repealed_on": ""})
    assert "请填写废止日期" in empty.content.decode()
    document.refresh_from_db()
    assert document.repealed_on is None


def test_correcting_the_issue_date_past_the_repeal_date_is_refused(world, client_for):
    document = register(world.region, repealed_on=dt.date(2020, 5, 1))
    response = client_for("performance").post(
        f"/policies/{document.id}/edit/", {**FORM, "issued_on": "2020-06-01"}
    )
    assert "印发日期 2020-06-01 不能晚于该文件的废止日期 2020-05-01" in response.content.decode()
    document.refresh_from_db()
    assert document.issued_on == dt.date(2020, 4, 20)


# ── who reads, who keeps ────────────────────────────────────────────────────────────────────


def test_unit_staff_read_the_registry_but_cannot_change_it(world, client_for, document):
    client = client_for("filer")
    page = client.get("/policies/").content.decode()
    assert "东湖区区级预算部门绩效管理暂行办法" in page
    assert "/policies/new/" not in page
    detail = client.get(f"/policies/{document.id}/").content.decode()
    assert "东财绩〔2020〕1号" in detail
    assert f"/policies/{document.id}/edit/" not in detail and "修改记录" not in detail
    assert client.get("/policies/new/").status_code == 403
    assert client.post("/policies/new/", {**FORM, "number": "东财绩〔2020〕9号"}).status_code == 403
    assert client.get(f"/policies/{document.id}/edit/").status_code == 403
    assert (
        client.post(f"/policies/{document.id}/repeal/", {"repealed_on": "2021-01-01"}).status_code
        == 403
    )
    assert PolicyDocument.objects.count() == 1
    document.refresh_from_db()
    assert document.repealed_on is None


@pytest.mark.parametrize("persona", ["business", "budget", "auditor", "leader"])
def test_other_staff_roles_read_the_registry(world, client_for, document, persona):
    client = client_for(persona)
    assert "东财绩〔2020〕1号" in client.get("/policies/").content.decode()
    assert client.get(f"/policies/{document.id}/").status_code == 200
    assert client.get("/policies/new/").status_code == 403


def test_outside_roles_do_not_reach_the_registry(world, client_for, document):
    assert client_for("expert").get("/policies/").status_code == 403
    assert client_for("agency").get(f"/policies/{document.id}/").status_code == 403


def test_history_is_shown_to_the_keepers_and_auditors_only(world, client_for, document):
    assert "修改记录" in client_for("performance").get(f"/policies/{document.id}/").content.decode()
    assert "修改记录" in client_for("auditor").get(f"/policies/{document.id}/").content.decode()
    assert "修改记录" not in client_for("budget").get(f"/policies/{document.id}/").content.decode()


def test_another_region_neither_sees_nor_reaches_the_document(world, client_for, perf_b, document):
    from django.test import Client

    client = client_for("other_region")
    assert "东财绩〔2020〕1号" not in client.get("/policies/").content.decode()
    for url in (
        f"/policies/{document.id}/",
        f"/policies/{document.id}/edit/",
        f"/policies/{document.id}/repeal/",
    ):
        assert client.get(url).status_code == 404, url
    keeper_b = Client()
    keeper_b.force_login(perf_b)
    assert "东财绩〔2020〕1号" not in keeper_b.get("/policies/").content.decode()
    assert (
        keeper_b.post(f"/policies/{document.id}/edit/", {**FORM, "title": "改"}).status_code == 404
    )
    assert (
        keeper_b.post(f"/policies/{document.id}/repeal/", {"repealed_on": "2021-01-01"}).status_code
        == 404
    )
    assert keeper_b.get(f"/policies/{document.id}/").status_code == 404
    document.refresh_from_db()
    assert document.title == "东湖区区级预算部门绩效管理暂行办法" and document.repealed_on is None


def test_the_signed_scan_is_attached_by_the_keeper_only(
    world, client_for, document, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url = f"/files/upload/reports.policydocument/{document.id}/"
    back = f"/policies/{document.id}/"
    client_for("performance").post(
        url,
        {
            "file": SimpleUploadedFile("东财绩2020-1.pdf", b"%PDF-1.4 scan"),
            "kind": "other",
            "back": back,
        },
    )
    files = Attachment.objects.filter(object_id=document.id, content_type__model="policydocument")
    assert list(files.values_list("name", flat=True)) == ["东财绩2020-1.pdf"]
    reader = client_for("filer")
    page = reader.get(back).content.decode()
    assert "东财绩2020-1.pdf" in page and 'name="file"' not in page
    assert reader.get(f"/files/{files.get().id}/").status_code == 200
    reader.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x"), "back": back})
    assert files.count() == 1
    assert client_for("other_region").get(f"/files/{files.get().id}/").status_code == 404
    listing = client_for("performance").get("/policies/").content.decode()
    assert '<td class="num">1</td>' in listing


# ── the list: filters and export ─────────────────────────────────────────────────────────────


@pytest.fixture
def registry(world):
    register(
        world.region,
        "甲财字〔2015〕32号",
        "甲区财政支出绩效评价管理办法（试行）",
        dt.date(2015, 7, 20),
        repealed_on=dt.date(2021, 1, 1),
    )
    register(
        world.region, "甲财绩〔2020〕1号", "甲区区级预算部门绩效管理暂行办法", dt.date(2020, 4, 20)
    )
    register(
        world.region,
        "甲财字〔2021〕14号",
        "甲区关于开展2021年度预算绩效管理有关工作的通知",
        dt.date(2021, 3, 8),
    )
    register(world.region_b, "乙财绩〔2020〕1号", "乙区预算绩效管理办法", dt.date(2020, 5, 1))


def numbers_on(page: str) -> list[str]:
    return [
        n
        for n in (
            "甲财字〔2015〕32号",
            "甲财绩〔2020〕1号",
            "甲财字〔2021〕14号",
            "乙财绩〔2020〕1号",
        )
        if n in page
    ]


def test_list_filters_by_year_status_and_search(world, client_for, registry):
    client = client_for("performance")

    def shown(query):
        return numbers_on(client.get(f"/policies/?{query}").content.decode())

    assert shown("") == ["甲财字〔2015〕32号", "甲财绩〔2020〕1号", "甲财字〔2021〕14号"]
    assert shown("year=2020") == ["甲财绩〔2020〕1号"]
    assert shown("status=in_force") == ["甲财绩〔2020〕1号", "甲财字〔2021〕14号"]
    assert shown("status=repealed") == ["甲财字〔2015〕32号"]
    assert shown("q=绩效评价") == ["甲财字〔2015〕32号"]
    assert shown("q=甲财绩[2020]1号") == ["甲财绩〔2020〕1号"]
    assert shown("q=〔2021〕") == ["甲财字〔2021〕14号"]


def test_year_end_filter_follows_the_work_year(world, client_for, registry):
    client = client_for("performance")
    client.post("/work-context/", {"region": world.region.id, "year": 2021})
    page = client.get("/policies/?status=year_end").content.decode()
    assert "2021年末有效" in page
    assert numbers_on(page) == ["甲财绩〔2020〕1号", "甲财字〔2021〕14号"]


def test_list_is_paginated(world, client_for):
    for i in range(1, 53):
        register(world.region, f"甲财绩〔2020〕{i}号", f"文件{i}", dt.date(2020, 1, 2))
    client = client_for("budget")
    first = client.get("/policies/").content.decode()
    assert "共 52 条" in first and "1 / 2" in first
    second = client.get("/policies/?page=2").content.decode()
    assert len(re.findall(r'href="/policies/\d+/"', second)) == 2


def test_xlsx_export_holds_the_filtered_rows(world, client_for, registry):
    response = client_for("filer").get("/policies/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "甲区制度文件登记表"
    assert list(rows[1][:6]) == ["序号", "文号", "标题", "发文机关", "印发日期", "状态"]
    body = [r[:7] for r in rows[2:]]
    assert body == [
        (
            1,
            "甲财字〔2015〕32号",
            "甲区财政支出绩效评价管理办法（试行）",
            "甲区财政局",
            dt.datetime(2015, 7, 20),
            "已废止",
            dt.datetime(2021, 1, 1),
        ),
        (
            2,
            "甲财绩〔2020〕1号",
            "甲区区级预算部门绩效管理暂行办法",
            "甲区财政局",
            dt.datetime(2020, 4, 20),
            "现行有效",
            None,
        ),
        (
            3,
            "甲财字〔2021〕14号",
            "甲区关于开展2021年度预算绩效管理有关工作的通知",
            "甲区财政局",
            dt.datetime(2021, 3, 8),
            "现行有效",
            None,
        ),
    ]
    filtered = client_for("filer").get("/policies/?format=xlsx&status=repealed")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(filtered.content)).active.iter_rows(values_only=True)
    )
    assert [r[1] for r in rows[2:]] == ["甲财字〔2015〕32号"]


# ── in force at a date (the work summary lists those in force at the end of the year) ───────


def test_in_force_at_a_date(world, registry):
    def in_force(day):
        return sorted(
            PolicyDocument.objects.filter(region=world.region)
            .in_force_at(day)
            .values_list("number", flat=True)
        )

    assert in_force(dt.date(2020, 12, 31)) == ["甲财字〔2015〕32号", "甲财绩〔2020〕1号"]
    # repealed on 2021-01-01: no longer in force on that day
    assert in_force(dt.date(2021, 1, 1)) == ["甲财绩〔2020〕1号"]
    # issued on 2021-03-08: not yet in force the day before, in force that day
    assert in_force(dt.date(2021, 3, 7)) == ["甲财绩〔2020〕1号"]
    assert in_force(dt.date(2021, 3, 8)) == ["甲财字〔2021〕14号", "甲财绩〔2020〕1号"]
    assert in_force(dt.date(2021, 12, 31)) == ["甲财字〔2021〕14号", "甲财绩〔2020〕1号"]
    assert in_force(dt.date(2015, 7, 19)) == []


def test_service_reads_iso_text_dates_and_names_unreadable_ones(world):
    from django.core.exceptions import ValidationError

    from jixiao.reports.services import policy_document_save

    data = {"number": "甲财绩〔2020〕5号", "title": "甲区绩效文件", "issuer": "甲区财政局"}
    saved = policy_document_save(
        actor=world.performance, region=world.region, data={**data, "issued_on": "2020-05-06"}
    )
    assert saved.issued_on == dt.date(2020, 5, 6)
    with pytest.raises(ValidationError) as refused:
        policy_document_save(
            actor=world.performance,
            region=world.region,
            data={**data, "number": "甲财绩〔2020〕6号", "issued_on": "5月6日"},
        )
    assert refused.value.message_dict["issued_on"] == [
        "印发日期“5月6日”不是有效日期，请按 2020-04-20 填写。"
    ]
    assert PolicyDocument.objects.count() == 1


def test_service_refuses_other_keepers_and_other_regions(world, perf_b, document):
    from django.core.exceptions import PermissionDenied

    from jixiao.reports.services import policy_document_reinstate, policy_document_save

    data = {
        "number": "甲财绩〔2020〕7号",
        "title": "甲区绩效文件",
        "issuer": "甲区财政局",
        "issued_on": dt.date(2020, 5, 6),
    }
    for actor in (world.filer, world.budget, perf_b):
        with pytest.raises(PermissionDenied):
            policy_document_save(actor=actor, region=world.region, data=data)
        with pytest.raises(PermissionDenied):
            policy_document_repeal(
                actor=actor, document=document, repealed_on=dt.date(2021, 1, 1), note=""
            )
        with pytest.raises(PermissionDenied):
            policy_document_reinstate(actor=actor, document=document, reason="x")
    with pytest.raises(PermissionDenied):  # a document handed in with the wrong region
        policy_document_save(actor=perf_b, region=world.region_b, data=data, document=document)
    assert PolicyDocument.objects.count() == 1
