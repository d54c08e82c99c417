"""Agency and expert registries, assignment with the conflict checks (回避) and signed
declarations, the agency's 执业质量 score, random quality checks (财监〔2021〕4号), and who may
reach these pages (DOMAIN.md §6.4)."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from jixiao.core.attachments import attachments_of
from jixiao.evaluations.key import registry
from jixiao.evaluations.key.models import (
    Agency,
    AgencyEngagement,
    Expert,
    ExpertScore,
    KeyEvaluation,
    KeyKind,
    KeyStatus,
    QualityCheck,
)
from jixiao.evaluations.key.services import evaluation_create
from jixiao.evaluations.key.views_registry import registry_panel

YEAR = 2022
# Published 统一社会信用代码 (their check characters are right).
CODE_A, CODE_B, CODE_C = "914403001922038216", "91110108551385082Q", "91350100M000100Y43"
PDF = b"%PDF-1.4\n% signed declaration\n"


def declaration(name="回避声明.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def evaluation(world):
    """A draft key evaluation of P1 (unit U1, whose level-2 unit is U1A)."""
    return evaluation_create(
        indicators=[{"level1": "决策", "level3": "立项依据充分性", "weight": "100"}],
        region=world.region,
        year=YEAR,
        subject="项目P1",
        kind=KeyKind.PROJECT,
        project=world.projects["P1"],
        unit=world.units["U1"],
    )


def make_agency(world, code=CODE_A, **fields):
    return Agency.objects.create(region=world.region, name=fields.pop("name", "某评价机构"),
                                 credit_code=code, **fields)  # fmt: skip


def make_expert(world, name="王专家", **fields):
    ties = fields.pop("ties", [])
    expert = Expert.objects.create(region=world.region, name=name, **fields)
    expert.ties.set(ties)
    return expert


# --------------------------------------------------------------------------- registries


def test_an_agency_with_a_wrong_check_character_is_refused_on_the_page(client_for, world):
    client = client_for("performance")
    response = client.post(
        reverse("agency-new"), {"name": "某评价机构", "credit_code": "914403001922038217"}
    )
    assert response.status_code == 400
    assert "校验位应为“6”" in response.content.decode()
    assert not Agency.objects.exists()
    response = client.post(
        reverse("agency-new"),
        {"name": "某评价机构", "credit_code": " 914403001922038216 ", "members": [world.agency.pk]},
    )
    agency = Agency.objects.get()
    assert response["Location"] == reverse("agency-detail", args=[agency.pk])
    assert agency.credit_code == CODE_A and list(agency.members.all()) == [world.agency]


def test_an_agency_login_must_be_an_agency_account_of_the_region(world):
    with pytest.raises(ValidationError, match="第三方机构"):
        registry.agency_save(
            actor=world.performance,
            region=world.region,
            members=[world.expert],
            name="某评价机构",
            credit_code=CODE_A,
        )


def test_a_blacklisting_needs_its_reason(world):
    with pytest.raises(ValidationError, match="写明原因"):
        registry.agency_save(
            actor=world.performance,
            region=world.region,
            name="某评价机构",
            credit_code=CODE_A,
            blacklisted=True,
        )


def test_agencies_are_ranked_by_their_average_quality_score_blacklisted_last(client_for, world):
    good = make_agency(world, CODE_A, name="甲机构")
    fair = make_agency(world, CODE_B, name="乙机构")
    banned = make_agency(world, CODE_C, name="丙机构", blacklisted=True, blacklist_reason="造假")
    for agency, score in [(good, "95"), (good, "85"), (fair, "80"), (banned, "99")]:
        evaluation_create(indicators=[], region=world.region, year=YEAR, subject="x",
                          kind=KeyKind.PROJECT, unit=world.units["U2"], agency=agency,
                          agency_quality_score=Decimal(score))  # fmt: skip
    client = client_for("auditor")  # the auditor reads the registry
    page = client.get(reverse("agency-list"))
    assert [a.name for a in page.context["agencies"]] == ["甲机构", "乙机构", "丙机构"]
    detail = client.get(reverse("agency-detail", args=[good.pk]))
    assert detail.context["average"] == Decimal("90.00")


def test_an_expert_is_registered_with_employer_unit_and_declared_ties(client_for, world):
    client = client_for("performance")
    response = client.post(
        reverse("expert-new"),
        {
            "name": "李专家",
            "fields_of_expertise": "教育, 财务",
            "employer_unit": world.units["U2"].pk,
            "title": "高级会计师",
            "available": "on",
            "user": world.expert.pk,
            "ties": [world.units["U1"].pk],
        },
    )
    assert response.status_code == 302
    expert = Expert.objects.get(name="李专家")
    assert expert.employer == "甲区城管局" and expert.user == world.expert
    assert list(expert.ties.all()) == [world.units["U1"]]


def test_an_expert_with_a_phone_that_cannot_be_dialled_is_refused_at_the_field(client_for, world):
    response = client_for("performance").post(
        reverse("expert-new"), {"name": "王专家", "phone": "找办公室小王"}
    )
    assert response.status_code == 400  # the form again, with its errors
    errors = response.context["form"].errors
    assert "不能识别的字符" in errors["phone"][0] and "找办公室小王" in errors["phone"][0]
    assert not Expert.objects.filter(name="王专家").exists()
    client_for("performance").post(
        reverse("expert-new"), {"name": "王专家", "phone": "0791-86123456转8012"}
    )
    assert Expert.objects.get(name="王专家").phone == "0791-86123456转8012"


# --------------------------------------------------------------------------- conflicts


def _expert_employed_by_the_unit(world):
    return make_expert(world, employer_unit=world.units["U1"]), "的工作单位是被评价单位“甲区教育局”"


def _expert_employed_by_its_level2_unit(world):
    return make_expert(world, employer_unit=world.units["U1A"]), "的二级单位"


def _expert_with_a_declared_tie(world):
    return make_expert(
        world, ties=[world.units["U1A"]]
    ), "已申报与被评价单位“甲区教育局”存在利害关系"


def _agency_that_did_the_self_evaluation(world):
    agency = make_agency(world)
    AgencyEngagement.objects.create(agency=agency, unit=world.units["U1"], year=YEAR,
                                    kind=AgencyEngagement.Kind.SELFEVAL)  # fmt: skip
    return agency, "做过绩效自评"


def _agency_that_consulted(world):
    agency = make_agency(world)
    AgencyEngagement.objects.create(agency=agency, unit=world.units["U1"], year=YEAR,
                                    kind=AgencyEngagement.Kind.CONSULTING)  # fmt: skip
    return agency, "提供过咨询服务"


def _blacklisted_agency(world):
    agency = make_agency(world, blacklisted=True, blacklist_reason="报告抄袭",
                         blacklist_from=date(2020, 1, 1))  # fmt: skip
    return agency, "在黑名单中（自2020-01-01起），原因：报告抄袭"


def _agency_with_a_recent_violation(world):
    on = timezone.localdate() - timedelta(days=365)
    agency = make_agency(world, violation_on=on, violation_note="出具虚假报告")
    return agency, "近3年内有评价工作重大违规"


CONFLICTS = [
    _expert_employed_by_the_unit,
    _expert_employed_by_its_level2_unit,
    _expert_with_a_declared_tie,
    _agency_that_did_the_self_evaluation,
    _agency_that_consulted,
    _blacklisted_agency,
    _agency_with_a_recent_violation,
]


@pytest.mark.parametrize("conflict", CONFLICTS, ids=lambda f: f.__name__.strip("_"))
def test_each_conflict_refuses_the_assignment_with_its_reason(world, evaluation, conflict):
    person, reason = conflict(world)
    with pytest.raises(ValidationError) as refused:
        if isinstance(person, Agency):
            registry.agency_assign(actor=world.performance, evaluation=evaluation, agency=person)
        else:
            registry.expert_assign(actor=world.performance, evaluation=evaluation,
                                   expert=person, declaration_file=declaration())  # fmt: skip
    assert any(reason in m for m in refused.value.messages), refused.value.messages
    evaluation.refresh_from_db()
    assert evaluation.agency is None and not evaluation.panel.members.exists()


def test_the_refusal_reason_is_shown_on_the_evaluation_page(client_for, world, evaluation):
    agency, reason = _blacklisted_agency(world)
    client = client_for("performance")
    response = client.post(
        reverse("key-assign-agency", args=[evaluation.pk]), {"agency": agency.pk}, follow=True
    )
    assert reason in response.content.decode()


def test_an_old_violation_and_an_ended_blacklisting_do_not_conflict(world, evaluation):
    agency = make_agency(world, violation_on=date(2015, 5, 1), violation_note="旧事",
                         blacklisted=True, blacklist_reason="逾期", blacklist_from=date(2018, 1, 1),
                         blacklist_until=date(2019, 1, 1))  # fmt: skip
    registry.agency_assign(actor=world.performance, evaluation=evaluation, agency=agency)
    assert KeyEvaluation.objects.get(pk=evaluation.pk).agency == agency


def test_a_department_evaluation_of_the_commissioning_unit_itself_is_refused(world):
    evaluation = evaluation_create(indicators=[], region=world.region, year=YEAR, subject="x",
                                   kind=KeyKind.PROJECT, unit=world.units["U1"],
                                   commissioner=world.units["U1"])  # fmt: skip
    with pytest.raises(ValidationError, match="委托方不能是被评价单位"):
        registry.agency_assign(actor=world.leader, evaluation=evaluation, agency=make_agency(world))


def test_a_unit_staffs_its_department_evaluation_from_the_regions_registry(client_for, world):
    evaluation = evaluation_create(indicators=[], region=world.region, year=YEAR, subject="x",
                                   kind=KeyKind.PROJECT, project=world.projects["P1A"],
                                   unit=world.units["U1A"], commissioner=world.units["U1"])  # fmt: skip
    agency, expert = make_agency(world), make_expert(world, employer="某大学")
    client = client_for("leader")
    url = reverse("key-detail", args=[evaluation.pk])
    assert reverse("key-assign-agency", args=[evaluation.pk]) in client.get(url).content.decode()
    client.post(reverse("key-assign-agency", args=[evaluation.pk]), {"agency": agency.pk})
    client.post(reverse("key-assign-expert", args=[evaluation.pk]),
                {"expert": expert.pk, "declaration": declaration()})  # fmt: skip
    evaluation.refresh_from_db()
    assert evaluation.agency == agency
    assert list(evaluation.panel.members.values_list("expert", flat=True)) == [expert.pk]
    # the level-2 unit's own filer is not the commissioning office
    client_for("child_filer").post(reverse("key-assign-agency", args=[evaluation.pk]),
                                   {"agency": make_agency(world, CODE_B).pk})  # fmt: skip
    assert KeyEvaluation.objects.get(pk=evaluation.pk).agency == agency


def test_only_the_commissioning_office_assigns(world, evaluation):
    with pytest.raises(PermissionDenied):
        registry.agency_assign(actor=world.leader, evaluation=evaluation, agency=make_agency(world))


# --------------------------------------------------------------------------- declarations


def test_an_expert_needs_the_signed_declaration(world, evaluation):
    expert = make_expert(world, employer="某大学")
    with pytest.raises(ValidationError, match="回避声明"):
        registry.expert_assign(actor=world.performance, evaluation=evaluation, expert=expert,
                               declaration_file=None)  # fmt: skip
    with pytest.raises(ValidationError, match="不符"):  # not really a PDF
        registry.expert_assign(actor=world.performance, evaluation=evaluation, expert=expert,
                               declaration_file=SimpleUploadedFile("a.pdf", b"hello"))  # fmt: skip
    assert not evaluation.panel.members.exists()
    member = registry.expert_assign(actor=world.performance, evaluation=evaluation,
                                    expert=expert, declaration_file=declaration())  # fmt: skip
    assert [a.name for a in attachments_of(member)] == ["回避声明.pdf"]


def test_the_page_assigns_an_expert_with_the_uploaded_declaration(client_for, world, evaluation):
    expert = make_expert(world, employer="某大学")
    client = client_for("performance")
    client.post(reverse("key-assign-expert", args=[evaluation.pk]),
                {"expert": expert.pk, "declaration": declaration()})  # fmt: skip
    member = evaluation.panel.members.get()
    file = attachments_of(member).get()
    url = reverse("key-declaration", args=[evaluation.pk, member.pk, file.pk])
    assert client.get(url).status_code == 200
    assert client_for("agency").get(url).status_code == 404


def test_an_expert_is_removed_only_before_scoring_starts(world, evaluation):
    first = make_expert(world, "甲专家", employer="某大学")
    second = make_expert(world, "乙专家", employer="某大学")
    members = [registry.expert_assign(actor=world.performance, evaluation=evaluation, expert=e,
                                      declaration_file=declaration()) for e in (first, second)]  # fmt: skip
    registry.expert_unassign(actor=world.performance, evaluation=evaluation, member=members[0])
    assert list(evaluation.panel.members.values_list("expert__name", flat=True)) == ["乙专家"]
    ExpertScore.objects.create(member=members[1], indicator=evaluation.panel.indicators.get(),
                               score=Decimal("90"), reason="依据不足")  # fmt: skip
    with pytest.raises(ValidationError, match="已开始评分"):
        registry.expert_unassign(actor=world.performance, evaluation=evaluation, member=members[1])


def test_no_assignment_once_the_fieldwork_began(world, evaluation):
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.FIELDWORK)
    evaluation.refresh_from_db()
    with pytest.raises(ValidationError, match="不能更换"):
        registry.agency_assign(actor=world.performance, evaluation=evaluation,
                               agency=make_agency(world))  # fmt: skip


def test_the_assignment_section_offers_the_forms_to_the_office_only(world, evaluation):
    request = RequestFactory().get("/")
    request.user = world.performance
    html = registry_panel(request, evaluation)
    assert reverse("key-assign-agency", args=[evaluation.pk]) in html
    request.user = world.auditor
    html = registry_panel(request, evaluation)
    assert "第三方机构与评审专家" in html
    assert reverse("key-assign-agency", args=[evaluation.pk]) not in html


# --------------------------------------------------------------------------- quality


def test_the_agency_quality_score_waits_for_the_final_report(world, evaluation):
    agency = make_agency(world)
    registry.agency_assign(actor=world.performance, evaluation=evaluation, agency=agency)
    with pytest.raises(ValidationError, match="收到最终报告后"):
        registry.agency_quality_score(actor=world.performance, evaluation=evaluation, score="90")
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(status=KeyStatus.FINAL)
    evaluation.refresh_from_db()
    with pytest.raises(ValidationError, match="0 到 100"):
        registry.agency_quality_score(actor=world.performance, evaluation=evaluation, score="120")
    with pytest.raises(PermissionDenied):
        registry.agency_quality_score(actor=world.auditor, evaluation=evaluation, score="90")
    registry.agency_quality_score(actor=world.performance, evaluation=evaluation, score="88.5",
                                  note="底稿完整")  # fmt: skip
    assert KeyEvaluation.objects.get(pk=evaluation.pk).agency_quality_score == Decimal("88.5")


@pytest.fixture
def archived(world):
    agency = make_agency(world)
    return [
        evaluation_create(
            indicators=[],
            region=world.region,
            year=YEAR,
            subject=f"评价{n}",
            kind=KeyKind.PROJECT,
            unit=world.units["U2"],
            agency=agency,
            status=KeyStatus.ARCHIVED,
            archived_on=date(2022, 12, 1),
        )  # fmt: skip
        for n in range(6)
    ]


def test_the_quality_check_draw_is_repeatable_from_its_seed(client_for, world, archived):
    client = client_for("performance")
    client.post(reverse("quality-checks"), {"year": YEAR, "seed": "2022-抽查"})
    drawn = sorted(QualityCheck.objects.filter(year=YEAR).values_list("evaluation_id", flat=True))
    # 20% of 6 rounded up = 2, drawn with Python's random from the seed over the sorted ids
    ids = sorted(e.pk for e in archived)
    assert drawn == sorted(random.Random("2022-抽查").sample(ids, 2))
    assert set(QualityCheck.objects.values_list("seed", flat=True)) == {"2022-抽查"}
    page = client.get(reverse("quality-checks"), {"year": YEAR})
    html = page.content.decode()
    assert "2022-抽查" in html and "与抽查记录一致" in html
    with pytest.raises(ValidationError, match="已经抽取过"):
        registry.quality_draw(actor=world.performance, region=world.region, year=YEAR)


def test_the_findings_of_a_quality_check_appear_on_the_agencys_page(client_for, world, archived):
    registry.quality_draw(actor=world.performance, region=world.region, year=YEAR, seed="s")
    check = QualityCheck.objects.first()
    client = client_for("performance")
    client.post(reverse("quality-check-record", args=[check.pk]),
                {"reviewer": "张科长", "findings": "评分依据不充分", "score": "75"})  # fmt: skip
    check.refresh_from_db()
    assert (check.reviewer, check.score) == ("张科长", Decimal("75"))
    page = client.get(reverse("agency-detail", args=[check.evaluation.agency_id]))
    assert "评分依据不充分" in page.content.decode()


# --------------------------------------------------------------------------- scope


@pytest.mark.parametrize("username", ["other", "filer", "leader", "expert", "agency", "business"])
def test_every_registry_page_is_not_found_for_others(client_for, world, evaluation, username):
    agency, expert = make_agency(world), make_expert(world)
    client = client_for(username)
    for name, args in [
        ("agency-list", []),
        ("agency-new", []),
        ("agency-detail", [agency.pk]),
        ("agency-edit", [agency.pk]),
        ("expert-list", []),
        ("expert-new", []),
        ("expert-edit", [expert.pk]),
        ("quality-checks", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    posts = [
        ("agency-engagement-add", [agency.pk], {}),
        ("quality-checks", [], {"year": YEAR}),
    ]
    if username != "business":  # the business office reads the evaluation; it is refused
        posts += [
            ("key-assign-agency", [evaluation.pk], {"agency": agency.pk}),
            ("key-assign-expert", [evaluation.pk], {"expert": expert.pk}),
            ("key-agency-quality", [evaluation.pk], {"score": "90"}),
        ]
    member = registry.expert_assign(actor=world.performance, evaluation=evaluation,
                                    expert=expert, declaration_file=declaration())  # fmt: skip
    check = QualityCheck.objects.create(region=world.region, year=YEAR, evaluation=evaluation)
    posts.append(("quality-check-record", [check.pk], {"reviewer": "x", "findings": "y"}))
    if username != "business":
        posts.append(("key-unassign-expert", [evaluation.pk, member.pk], {}))
    for name, args, data in posts:
        assert client.post(reverse(name, args=args), data).status_code == 404, name
    client.post(reverse("key-assign-agency", args=[evaluation.pk]), {"agency": agency.pk})
    client.post(reverse("key-unassign-expert", args=[evaluation.pk, member.pk]))
    assert evaluation.panel.members.filter(pk=member.pk).exists()
    assert QualityCheck.objects.get(pk=check.pk).reviewer == ""
    assert KeyEvaluation.objects.get(pk=evaluation.pk).agency is None


def test_the_auditor_reads_the_registries_but_does_not_change_them(client_for, world):
    agency = make_agency(world)
    client = client_for("auditor")
    assert client.get(reverse("agency-list")).status_code == 200
    assert client.get(reverse("agency-detail", args=[agency.pk])).status_code == 200
    assert client.get(reverse("expert-list")).status_code == 200
    assert client.get(reverse("quality-checks")).status_code == 200
    assert client.get(reverse("agency-new")).status_code == 403
    assert client.get(reverse("agency-edit", args=[agency.pk])).status_code == 403


def test_another_regions_agency_is_not_found(client_for, world):
    agency = Agency.objects.create(region=world.region_b, name="乙区机构", credit_code=CODE_B)
    assert (
        client_for("performance").get(reverse("agency-detail", args=[agency.pk])).status_code == 404
    )
