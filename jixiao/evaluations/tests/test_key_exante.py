"""Ex-ante assessments (事前绩效评估, DOMAIN.md §7) and the budget gate: a new project of the line
or more is refused a budget without an assessment concluded 予以支持 or 调整后支持, and passes
with one; the unit asks, the leader submits, the office staffs the panel, the experts score the
five dimensions, the office concludes (another conclusion than the suggested one needs a reason)
with a report; scope: another unit and an unassigned expert get 404."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from jixiao.budgets.models import Project
from jixiao.core.gates import gate_refusals
from jixiao.evaluations.key import exante
from jixiao.evaluations.key.gate import ex_ante_gate_check
from jixiao.evaluations.key.models import ExAnteAssessment, ExAnteStatus, Expert
from jixiao.evaluations.key.scoring_service import scores_save
from jixiao.orgs.models import User

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def new_project(world, code="PNEW", amount="600", year=2022, unit="U1"):
    return Project.objects.create(
        region=world.region,
        year=year,
        code=code,
        name=f"新建项目{code}",
        unit=world.units[unit],
        initial_current=Decimal(amount),
        full_current=Decimal(amount),
    )


@pytest.fixture
def project(world):
    return new_project(world)


def declaration():
    return SimpleUploadedFile("回避声明.pdf", PDF)


def staffed(world, project, *, scores=("18", "20", "15", "20", "20")):
    """An assessment of `project` submitted, staffed with the expert persona, accepted and
    scored (the sum of `scores` out of 5 × 20)."""
    assessment = exante.exante_create(
        actor=world.filer, region=world.region, year=2022, project=project, necessity="新建需要"
    )
    exante.exante_act(actor=world.leader, assessment=assessment, name="submit", attest=True)
    expert = Expert.objects.create(region=world.region, name="周专家", user=world.expert)
    exante.exante_expert_assign(
        actor=world.performance,
        assessment=assessment,
        expert=expert,
        declaration_file=declaration(),
    )
    exante.exante_act(actor=world.performance, assessment=assessment, name="accept")
    assessment = ExAnteAssessment.objects.get(pk=assessment.pk)  # its panel sees it scoring
    indicators = list(assessment.panel.indicators.order_by("order"))
    values = {
        i.pk: (score, "" if Decimal(score) == i.weight else "测算依据不足")
        for i, score in zip(indicators, scores, strict=True)
    }
    scores_save(actor=world.expert, panel=assessment.panel, values=values, submit=True)
    return ExAnteAssessment.objects.get(pk=assessment.pk)


# --------------------------------------------------------------------------- the budget gate


def test_a_new_project_at_the_line_without_an_assessment_is_refused_with_the_reason(world, project):
    refusals = gate_refusals(project, 2022)
    assert len(refusals) == 1
    assert "新建项目PNEW" in refusals[0] and "500" in refusals[0]
    assert "尚未开展事前绩效评估" in refusals[0]


def test_the_gate_passes_small_projects_and_projects_of_the_previous_year(world):
    small = new_project(world, code="PSMALL", amount="499.99")
    assert ex_ante_gate_check(small, 2022) is None
    new_project(world, code="PCONT", amount="800", year=2021)
    continuing = new_project(world, code="PCONT", amount="800")
    assert ex_ante_gate_check(continuing, 2022) is None
    assert ex_ante_gate_check(world.projects["P1"], 2022) is None


def test_the_gate_refuses_until_the_conclusion_supports_and_then_passes(world, project):
    assessment = staffed(world, project)
    assert "专家评审中" in ex_ante_gate_check(project, 2022)
    exante.exante_act(
        actor=world.performance, assessment=assessment, name="conclude", conclusion="予以支持"
    )
    assert ex_ante_gate_check(project, 2022) is None


def test_a_rejected_project_stays_refused_and_the_reason_says_so(world, project):
    assessment = staffed(world, project, scores=("10", "10", "10", "10", "10"))
    exante.exante_act(
        actor=world.performance, assessment=assessment, name="conclude", conclusion="不予支持"
    )
    assert "不予支持" in ex_ante_gate_check(project, 2022)


def test_the_arrange_service_refuses_through_the_gate(world, project, monkeypatch):
    from jixiao.targets import services

    monkeypatch.setattr(services, "approved_target", lambda p: object())
    with pytest.raises(ValidationError, match="事前绩效评估"):
        services.project_arrange(actor=world.budget, project=project)
    assert not Project.objects.get(pk=project.pk).arranged


# --------------------------------------------------------------------------- the assessment


def test_only_a_project_that_needs_one_can_be_assessed(world, project):
    with pytest.raises(ValidationError, match="无需事前绩效评估"):
        exante.exante_create(
            actor=world.filer, region=world.region, year=2022, project=world.projects["P1"]
        )
    with pytest.raises(PermissionDenied):
        exante.exante_create(actor=world.other, region=world.region, year=2022, project=project)
    candidates = exante.exante_candidates(user=world.filer, region=world.region, year=2022)
    assert [p.code for p, _reason in candidates] == ["PNEW"]


def test_a_new_policy_can_be_assessed(world):
    assessment = exante.exante_create(
        actor=world.filer,
        region=world.region,
        year=2022,
        subject="学前教育补助新政策",
        unit=world.units["U1"],
        amount=Decimal("300"),
    )
    assert assessment.is_policy and assessment.project is None
    names = [i.level3 for i in assessment.panel.indicators.order_by("order")]
    assert names == ["立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性", "筹资合规性"]


def test_another_conclusion_than_suggested_needs_a_reason(world, project):
    assessment = staffed(world, project)  # 93 of 100: 予以支持 suggested
    assert exante.suggestion(assessment).conclusion == "予以支持"
    with pytest.raises(ValidationError, match="须说明理由"):
        exante.exante_act(
            actor=world.performance, assessment=assessment, name="conclude", conclusion="调整后支持"
        )
    done = exante.exante_act(
        actor=world.performance,
        assessment=assessment,
        name="conclude",
        conclusion="调整后支持",
        comment="实施方案中的设备数量须压减后再申报",
    )
    assert done.status == ExAnteStatus.CONCLUDED and done.conclusion == "调整后支持"
    assert done.score == Decimal("93.00") and done.concluded_on is not None
    assert done.conclusion_reason == "实施方案中的设备数量须压减后再申报"


def test_an_expert_with_a_declared_tie_is_not_assigned(world, project):
    assessment = exante.exante_create(actor=world.filer, region=world.region, year=2022,
                                      project=project)  # fmt: skip
    exante.exante_act(actor=world.leader, assessment=assessment, name="submit", attest=True)
    expert = Expert.objects.create(region=world.region, name="钱专家", user=world.expert)
    expert.ties.add(world.units["U1"])
    with pytest.raises(ValidationError):
        exante.exante_expert_assign(actor=world.performance, assessment=assessment,
                                    expert=expert, declaration_file=declaration())  # fmt: skip
    assert not assessment.panel.members.exists()


def test_pages_walk_the_assessment_to_its_report(world, project, client_for):
    filer = client_for("filer")
    response = filer.post("/ex-ante/new/", {"project": project.pk, "necessity": "学位缺口"})
    assessment = ExAnteAssessment.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == f"/ex-ante/{assessment.pk}/"
    leader = client_for("leader")
    leader.post(f"/ex-ante/{assessment.pk}/transition/", {"transition": "submit", "attest": "1"})
    expert = Expert.objects.create(region=world.region, name="周专家", user=world.expert)
    office = client_for("performance")
    office.post(
        f"/ex-ante/{assessment.pk}/experts/", {"expert": expert.pk, "declaration": declaration()}
    )
    office.post(f"/ex-ante/{assessment.pk}/transition/", {"transition": "accept"})
    assessment.refresh_from_db()
    assert assessment.status == ExAnteStatus.SCORING
    page = client_for("expert").get(f"/ex-ante/{assessment.pk}/score/")
    assert page.status_code == 200 and "立项必要性" in page.content.decode()
    scores_save(
        actor=world.expert,
        panel=assessment.panel,
        values={i.pk: ("20", "") for i in assessment.panel.indicators.all()},
        submit=True,
    )
    detail = office.get(f"/ex-ante/{assessment.pk}/").content.decode()
    assert "按规则建议结论：予以支持" in detail
    office.post(
        f"/ex-ante/{assessment.pk}/transition/",
        {"transition": "conclude", "conclusion": "予以支持"},
    )
    assessment.refresh_from_db()
    assert assessment.conclusion == "予以支持"
    docx = filer.get(f"/ex-ante/{assessment.pk}/report.docx")
    assert docx.status_code == 200
    body = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "评估结论：予以支持" in body


def test_another_unit_and_an_unassigned_expert_get_404(world, project, client_for):
    assessment = staffed(world, project)
    url = f"/ex-ante/{assessment.pk}/"
    assert client_for("other").get(url).status_code == 404
    assert client_for("other").get(url + "report.docx").status_code == 404
    outsider = User.objects.create(
        username="expert9", full_name="吴专家", roles=["expert"], region=world.region
    )
    Expert.objects.create(region=world.region, name="吴专家", user=outsider)
    client = client_for("expert")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(url + "score/").status_code == 404
    assert client_for("expert").get(url).status_code == 200
    assert client_for("filer").get("/ex-ante/").status_code == 200
