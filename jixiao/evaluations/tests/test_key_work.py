"""The fieldwork of a key evaluation through its pages: the workflow walked by the personas
(office, agency, experts, the unit's filer and leader), the framework's rules on save, data
requests with uploads and reminders, site visits with photos and their EXIF, findings, the
unit's response; and the EXIF reader on a JPEG made here."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from jixiao.core.navigation import todos_for
from jixiao.evaluations.key.exif import read_photo_facts
from jixiao.evaluations.key.models import (
    Agency,
    DataRequest,
    Expert,
    Finding,
    KeyEvaluation,
    KeyStatus,
    PanelMember,
    ReportVersion,
    SitePhoto,
)
from jixiao.evaluations.key.services import evaluation_create
from jixiao.orgs.models import User

pytestmark = pytest.mark.django_db

# A small framework that keeps the rules: 15 + 25 + 30 + 30 = 100, 产出 + 效益 = 60.
INDICATORS = [
    {"level1": "决策", "level2": "项目立项", "level3": "立项依据充分性", "weight": "15",
     "standard": "依据充分得满分。"},
    {"level1": "过程", "level2": "资金管理", "level3": "预算执行率", "weight": "25",
     "standard": "得分 = 分值 × 预算执行率。", "rule": "budget_execution_rate"},
    {"level1": "产出", "level2": "产出数量", "level3": "实际完成率", "weight": "30",
     "standard": "得分 = 分值 × 完成率。"},
    {"level1": "效益", "level2": "满意度", "level3": "满意度", "weight": "30",
     "standard": "满意度 ≥ 90% 得满分。"},
]  # fmt: skip


def make_user(world, username: str, roles: list[str], unit=None) -> User:
    user = User(
        username=username,
        full_name=username,
        roles=roles,
        unit=unit,
        region=world.region,
        password_changed_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    return user


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_evaluation(world, *, experts: int = 3, status=KeyStatus.DRAFT, agency_user=None):
    """An evaluation of U1's project P1 by an agency whose member is the `agency` persona (or
    `agency_user`), with `experts` experts made here (the first is the `expert` persona)."""
    agency = Agency.objects.create(
        region=world.region, name="测试评价事务所", credit_code=f"9136010{Agency.objects.count()}"
    )
    agency.members.add(agency_user or world.agency)
    evaluation = evaluation_create(
        indicators=INDICATORS,
        region=world.region,
        year=2022,
        subject="老旧小区改造项目重点评价",
        kind="project",
        unit=world.units["U1"],
        project=world.projects["P1"],
        agency=agency,
    )
    users = [world.expert] + [
        make_user(world, f"expert{n}_{evaluation.pk}", ["expert"]) for n in range(2, experts + 1)
    ]
    for n, user in enumerate(users[:experts], start=1):
        expert = Expert.objects.create(region=world.region, name=f"专家{n}", user=user)
        PanelMember.objects.create(panel=evaluation.panel, expert=expert)
    if status != KeyStatus.DRAFT:
        KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=status)
        evaluation.refresh_from_db()
    return evaluation


def jpeg(*, exif: bool = True) -> bytes:
    image = Image.new("RGB", (16, 16), "green")
    buffer = io.BytesIO()
    if not exif:
        image.save(buffer, "JPEG")
        return buffer.getvalue()
    tags = Image.Exif()
    tags[0x010F] = "HUAWEI"
    tags[0x0110] = "P40 Pro"
    tags.get_ifd(0x8769)[0x9003] = "2022:06:15 09:30:05"
    gps = tags.get_ifd(0x8825)
    gps[1], gps[2] = "N", (28.0, 41.0, 2.4)
    gps[3], gps[4] = "E", (115.0, 51.0, 36.0)
    image.save(buffer, "JPEG", exif=tags)
    return buffer.getvalue()


def upload(user, row, name: str, data: bytes):
    """The unit's filer uploads a file against a requested item through the page."""
    return login(user).post(
        reverse("key-request-upload", args=[row.evaluation_id, row.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def transition(client, evaluation, name: str, **more):
    return client.post(
        reverse("key-transition", args=[evaluation.pk]), {"transition": name, **more}
    )


def score_all(evaluation, scores_by_expert: list[list[str]], reasons: str = "扣分理由"):
    """Each expert (in panel order) submits their scores through the scoring page."""
    members = list(evaluation.panel.members.select_related("expert__user").order_by("pk"))
    indicators = list(evaluation.panel.indicators.all())
    for member, scores in zip(members, scores_by_expert, strict=True):
        data = {"action": "submit"}
        for indicator, score in zip(indicators, scores, strict=True):
            data[f"score-{indicator.pk}"] = score
            data[f"reason-{indicator.pk}"] = reasons
        response = login(member.expert.user).post(reverse("key-score", args=[evaluation.pk]), data)
        assert response.status_code == 302, response.content.decode()


# --------------------------------------------------------------------------- the whole walk


def test_workflow_walk_from_notice_to_archive_with_the_personas(world):
    evaluation = make_evaluation(world)
    office, agency = login(world.performance), login(world.agency)
    filer, leader = login(world.filer), login(world.leader)

    transition(office, evaluation, "notify")
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.NOTIFIED

    response = agency.post(
        reverse("key-work-plan", args=[evaluation.pk]), {"text": "一、评价目的……"}
    )
    assert response.status_code == 302
    transition(agency, evaluation, "submit_plan")
    transition(office, evaluation, "approve_plan")
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.FIELDWORK
    assert evaluation.work_plan == "一、评价目的……"

    # fieldwork: a data request answered, a site visit, a finding, the experts' scores
    agency.post(
        reverse("key-request-new", args=[evaluation.pk]),
        {"item": "项目验收报告", "due": "2022-07-01"},
    )
    row = DataRequest.objects.get(evaluation=evaluation)
    upload(world.filer, row, "验收报告.pdf", b"%PDF-1.4 test")
    filer.post(reverse("key-request-answer", args=[evaluation.pk, row.pk]), {"note": "已上传"})
    row.refresh_from_db()
    assert row.answered_at is not None
    agency.post(
        reverse("visit-new", args=[evaluation.pk]),
        {"visited_on": "2022-06-15", "place": "城北小区", "people": "张三", "checked": "工程"},
    )
    assert evaluation.site_visits.count() == 1
    agency.post(
        reverse("key-finding-new", args=[evaluation.pk]),
        {"level1": "过程", "problem": "资金拨付滞后", "recommendation": "加快拨付"},
    )
    assert evaluation.findings.count() == 1
    score_all(evaluation, [["15", "25", "30", "30"]] * 3)
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("100.00") and evaluation.grade == "优"

    ReportVersion.objects.create(evaluation=evaluation, number=1, sections={})
    transition(agency, evaluation, "submit_draft")
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.DRAFT_REPORT

    # the unit's filer writes the response; its leader confirms it (attest)
    response = filer.post(reverse("key-response", args=[evaluation.pk]), {"text": "无异议。"})
    assert response.status_code == 302
    transition(leader, evaluation, "respond")  # no attestation: refused
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.DRAFT_REPORT
    transition(leader, evaluation, "respond", attest="1")
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.RESPONDED

    transition(agency, evaluation, "submit_final")
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(agency_quality_score=Decimal("90"))
    transition(office, evaluation, "approve_final")
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.ARCHIVED


def test_detail_page_shows_facts_sections_and_the_buttons_for_the_office(world):
    evaluation = make_evaluation(world)
    page = login(world.performance).get(reverse("key-detail", args=[evaluation.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for part in ("老旧小区改造项目重点评价", "甲区教育局", "测试评价事务所", "专家1", "指标体系",
                 "资料清单", "现场勘查", "评价发现的问题", "下达评价通知"):  # fmt: skip
        assert part in text
    # the agency has no button to notify
    assert (
        "下达评价通知"
        not in login(world.agency).get(reverse("key-detail", args=[evaluation.pk])).content.decode()
    )


def test_list_shows_each_user_only_their_scope_and_filters(world):
    mine = make_evaluation(world)
    other_agency = make_user(world, "agency_x", ["agency"])
    theirs = make_evaluation(world, agency_user=other_agency, experts=0)
    KeyEvaluation.objects.filter(pk=theirs.pk).update(subject="另一家机构的评价")
    text = login(world.agency).get(reverse("key-list")).content.decode()
    assert mine.subject in text and "另一家机构的评价" not in text
    office = login(world.performance)
    assert "另一家机构的评价" in office.get(reverse("key-list")).content.decode()
    filtered = office.get(reverse("key-list"), {"status": "fieldwork"}).content.decode()
    assert "另一家机构的评价" not in filtered
    # the unit sees nothing while the evaluation is only planned (draft)
    assert mine.subject not in login(world.filer).get(reverse("key-list")).content.decode()


def test_queue_lists_what_waits_for_the_user(world):
    evaluation = make_evaluation(world)
    assert evaluation.subject in login(world.performance).get(reverse("key-queue")).content.decode()
    assert evaluation.subject not in login(world.agency).get(reverse("key-queue")).content.decode()


# --------------------------------------------------------------------------- framework


def _framework_post(evaluation, weights: dict[str, str]) -> dict:
    data = {"row": []}
    for indicator in evaluation.panel.indicators.all():
        key = str(indicator.pk)
        data["row"].append(key)
        for name in ("level1", "level2", "level3", "standard", "rule"):
            data[f"{name}-{key}"] = getattr(indicator, name)
        data[f"weight-{key}"] = weights.get(indicator.level3, str(indicator.weight))
    return data


def test_framework_save_refused_when_output_and_benefit_fall_below_60(world):
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    data = _framework_post(evaluation, {"立项依据充分性": "25", "实际完成率": "20"})
    response = login(world.agency).post(reverse("key-framework", args=[evaluation.pk]), data)
    assert response.status_code == 400
    assert "产出" in response.content.decode() and "60" in response.content.decode()
    weights = {i.level3: i.weight for i in evaluation.panel.indicators.all()}
    assert weights["立项依据充分性"] == Decimal("15")


def test_framework_save_refused_when_weights_do_not_sum_to_100(world):
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    data = _framework_post(evaluation, {"立项依据充分性": "20"})
    response = login(world.performance).post(reverse("key-framework", args=[evaluation.pk]), data)
    assert response.status_code == 400
    assert "105" in response.content.decode()


def test_framework_edit_moves_weight_and_adds_an_indicator(world):
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    data = _framework_post(evaluation, {"立项依据充分性": "10"})
    data["row"].append("add0")
    data.update({"level1-add0": "决策", "level2-add0": "绩效目标", "level3-add0": "目标明确性",
                 "weight-add0": "5", "standard-add0": "目标明确得满分", "rule-add0": ""})  # fmt: skip
    response = login(world.agency).post(reverse("key-framework", args=[evaluation.pk]), data)
    assert response.status_code == 302
    names = [(i.level3, i.weight) for i in evaluation.panel.indicators.all()]
    assert ("目标明确性", Decimal("5.00")) in names and (
        "立项依据充分性",
        Decimal("10.00"),
    ) in names


def test_framework_is_closed_once_fieldwork_starts(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    response = login(world.agency).get(reverse("key-framework", args=[evaluation.pk]))
    assert response.status_code == 302


# --------------------------------------------------------------------------- data requests


def test_overdue_request_is_marked_and_remind_puts_a_todo_in_the_units_list(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    row = DataRequest.objects.create(
        evaluation=evaluation, item="资金拨付凭证", due=dt.date(2020, 1, 1)
    )
    text = login(world.agency).get(reverse("key-detail", args=[evaluation.pk])).content.decode()
    assert "已逾期" in text
    login(world.agency).post(reverse("key-request-remind", args=[evaluation.pk, row.pk]))
    row.refresh_from_db()
    assert row.reminded_at is not None
    todos = todos_for(world.filer, world.region, 2022)
    mine = [t for t in todos if "资金拨付凭证" in t.title]
    assert len(mine) == 1 and mine[0].urgent
    # another unit's filer gets no such to-do
    assert not [t for t in todos_for(world.other, world.region, 2022) if "资金拨付凭证" in t.title]


def test_answer_without_file_or_note_is_refused(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    row = DataRequest.objects.create(evaluation=evaluation, item="合同", due=dt.date(2030, 1, 1))
    response = login(world.filer).post(
        reverse("key-request-answer", args=[evaluation.pk, row.pk]), {"note": ""}
    )
    assert response.status_code == 400 and "合同" in response.content.decode()
    row.refresh_from_db()
    assert row.answered_at is None


def test_uploaded_file_is_downloadable_by_the_expert_and_the_download_is_audited(world):
    from jixiao.core.models import AuditLog

    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    row = DataRequest.objects.create(evaluation=evaluation, item="合同", due=dt.date(2030, 1, 1))
    upload(world.filer, row, "合同.pdf", b"%PDF-1.4 contract")
    attachment = row_files(row)[0]
    response = login(world.expert).get(reverse("key-file", args=[evaluation.pk, attachment.pk]))
    assert response.status_code == 200
    assert AuditLog.objects.filter(
        action="export", object_type="attachment", object_repr="合同.pdf"
    ).exists()


def row_files(row):
    from jixiao.core.attachments import attachments_of

    return list(attachments_of(row))


def test_an_upload_with_a_lying_extension_is_refused(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    row = DataRequest.objects.create(evaluation=evaluation, item="合同", due=dt.date(2030, 1, 1))
    upload(world.filer, row, "合同.pdf", b"not a pdf")
    assert row_files(row) == []


# --------------------------------------------------------------------------- site visits


def test_site_visit_keeps_each_photos_exif_even_without_form_coordinates(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    page = login(world.agency).get(reverse("visit-new", args=[evaluation.pk])).content.decode()
    assert 'accept="image/*" capture="environment" multiple' in page
    response = login(world.agency).post(
        reverse("visit-new", args=[evaluation.pk]),
        {
            "visited_on": "2022-06-15",
            "place": "城北小区",
            "people": "张三、李四",
            "checked": "改造工程",
            "findings": "部分路面未完工",
            "photos": [
                SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg"),
                SimpleUploadedFile("b.jpg", jpeg(exif=False), content_type="image/jpeg"),
            ],
        },
    )
    assert response.status_code == 302
    visit = evaluation.site_visits.get()
    assert visit.latitude is None
    photos = {p.attachment.name: p for p in SitePhoto.objects.filter(visit=visit)}
    assert photos["a.jpg"].attachment.kind == "photo"
    assert photos["a.jpg"].latitude == Decimal("28.684000")
    assert photos["a.jpg"].longitude == Decimal("115.860000")
    assert timezone.localtime(photos["a.jpg"].taken_at).replace(tzinfo=None) == dt.datetime(
        2022, 6, 15, 9, 30, 5
    )
    assert "P40 Pro" in photos["a.jpg"].camera
    assert photos["b.jpg"].taken_at is None and photos["b.jpg"].latitude is None
    detail = login(world.expert).get(reverse("key-visit", args=[evaluation.pk, visit.pk]))
    assert detail.status_code == 200 and "28.684000" in detail.content.decode()


def test_site_visit_refused_outside_fieldwork_and_for_the_office(world):
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    data = {"visited_on": "2022-06-15", "place": "城北", "people": "张三", "checked": "工程"}
    login(world.agency).post(reverse("visit-new", args=[evaluation.pk]), data)
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.FIELDWORK)
    login(world.performance).post(reverse("visit-new", args=[evaluation.pk]), data)
    assert evaluation.site_visits.count() == 0


def test_exif_reader_gives_time_place_and_camera_of_a_jpeg():
    facts = read_photo_facts(jpeg())
    assert facts.taken_at == dt.datetime(2022, 6, 15, 9, 30, 5)
    # 28° 41′ 2.4″ N = 28 + 41/60 + 2.4/3600; 115° 51′ 36″ E = 115 + 51/60 + 36/3600
    assert facts.latitude == Decimal("28.684000")
    assert facts.longitude == Decimal("115.860000")
    assert facts.camera == "HUAWEI P40 Pro"


def test_exif_reader_takes_a_photo_without_exif_and_bytes_that_are_no_image():
    assert read_photo_facts(jpeg(exif=False)).taken_at is None
    assert read_photo_facts(b"not an image").latitude is None


# --------------------------------------------------------------------------- findings, response


def test_office_sets_a_findings_status_and_the_agency_cannot(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    finding = Finding.objects.create(evaluation=evaluation, level1="过程", problem="拨付滞后")
    url = reverse("key-finding-status", args=[evaluation.pk, finding.pk])
    login(world.agency).post(url, {"status": "closed"})
    finding.refresh_from_db()
    assert finding.status == "open"
    login(world.performance).post(url, {"status": "rectifying"})
    finding.refresh_from_db()
    assert finding.status == "rectifying"


def test_response_only_by_the_units_filer_on_the_draft_report(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    url = reverse("key-response", args=[evaluation.pk])
    login(world.filer).post(url, {"text": "太早"})
    evaluation.refresh_from_db()
    assert evaluation.unit_response == ""
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.DRAFT_REPORT)
    login(world.agency).post(url, {"text": "机构代写"})
    evaluation.refresh_from_db()
    assert evaluation.unit_response == ""
    login(world.filer).post(url, {"text": "同意报告结论。"})
    evaluation.refresh_from_db()
    assert evaluation.unit_response == "同意报告结论。"


def test_home_to_dos_name_the_experts_scores_the_agencys_visit_and_the_offices_step(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    expert = [
        t for t in todos_for(world.expert, world.region, 2022) if evaluation.subject in t.title
    ]
    assert [t.url for t in expert] == [reverse("key-score", args=[evaluation.pk])]
    agency = {t.url for t in todos_for(world.agency, world.region, 2022)}
    assert reverse("visit-new", args=[evaluation.pk]) in agency
    planned = make_evaluation(world, experts=0)
    office = [t.title for t in todos_for(world.performance, world.region, 2022)]
    assert f"下达评价通知：{planned.subject}" in office
    for persona in ("expert", "agency", "performance", "filer", "leader"):
        assert login(world.users[persona]).get("/").status_code == 200
