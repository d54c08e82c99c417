"""The key-evaluation plan (立项, DOMAIN.md §6.4): candidates ranked by the rulebook's weights with
their explanation, coverage and attention edited inline, picking, the five-year cover of key
projects, department evaluations, and who may reach these pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jixiao.budgets.models import FiscalYear, Project, ProjectKind
from jixiao.evaluations.key import plan
from jixiao.evaluations.key.models import KeyCandidate, KeyEvaluation, KeyKind
from jixiao.evaluations.key.services import evaluation_create
from jixiao.evaluations.models import SelfEvaluation
from jixiao.shell.work import SESSION_YEAR

YEAR = 2023  # the work year: the candidates are the projects of 2022


@pytest.fixture
def plan_world(world):
    """Work year 2023; P1 is the largest project (1 020.5 万元), P2 draws public attention."""
    FiscalYear.objects.get_or_create(region=world.region, year=YEAR)
    Project.objects.filter(pk=world.projects["P1"].pk).update(full_current=Decimal("1000"))
    KeyCandidate.objects.create(
        region=world.region,
        year=YEAR,
        project=world.projects["P2"],
        beneficiaries=5000,
        units_involved=3,
        public_attention=True,
        attention_note="市民热线投诉多",
    )
    return world


def client_in(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    session = client.session
    session[SESSION_YEAR] = YEAR
    session.save()
    return client


def key_evaluated(world, code: str, year: int, grade: str = "") -> KeyEvaluation:
    """A key evaluation done in `year` of the project `code` of the year before."""
    unit = world.projects[code].unit
    old = Project.objects.create(
        region=world.region, year=year - 1, code=code, name=f"项目{code}", unit=unit
    )
    return evaluation_create(indicators=[], region=world.region, year=year, subject=f"项目{code}",
                             kind=KeyKind.PROJECT, project=old, unit=unit, grade=grade)  # fmt: skip


def test_plan_ranks_the_previous_years_projects_by_the_weights_and_explains_each_total(
    plan_world,
):
    # amount 30 / coverage 20 / attention 20 / years 20 / last grade 10; never evaluated → 100
    # points for years, no grade → 60 points. P2: 100 × 120.623456 / 1020.5 = 11.82 → 3.55,
    # coverage 100 → 20, attention 100 → 20, 20, 6 = 69.55. P1: 30 + 0 + 0 + 20 + 6 = 56.00.
    response = client_in(plan_world, "performance").get(reverse("key-plan"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.name for r in rows] == ["项目P2", "项目P1", "项目P1A"]
    assert [r.ranked.total for r in rows] == [Decimal("69.55"), Decimal("56.00"), Decimal("29.55")]
    html = response.content.decode()
    assert "项目PB" not in html  # another district's project
    assert html.index("<td>项目P2 ") < html.index("<td>项目P1 ") < html.index("<td>项目P1A ")
    assert "<details><summary><b>69.55</b></summary>" in html
    assert "社会关注度高（市民热线投诉多）" in html and "合计 69.55" in html
    assert reverse("rulebook") in html  # the weights are edited in the rulebook


def test_coverage_and_attention_are_saved_inline_and_move_the_ranking(plan_world):
    client = client_in(plan_world, "performance")
    response = client.post(
        reverse("key-candidate-save"),
        {
            "project": plan_world.projects["P1A"].pk,
            "beneficiaries": "10000",
            "units_involved": "6",
            "public_attention": "1",
            "attention_note": "媒体报道",
        },
    )
    assert response.status_code == 302
    row = KeyCandidate.objects.get(project=plan_world.projects["P1A"], year=YEAR)
    assert (row.beneficiaries, row.units_involved, row.public_attention) == (10000, 6, True)
    rows = plan.plan_rows(user=plan_world.performance, region=plan_world.region, year=YEAR)
    # P1A: 3.55 + coverage 100 → 20 + 20 + 20 + 6 = 69.55; P2 now 50 + 50 → 10 → 59.55
    assert [(r.name, r.ranked.total) for r in rows][:2] == [
        ("项目P1A", Decimal("69.55")),
        ("项目P2", Decimal("59.55")),
    ]


def test_a_negative_count_is_refused_with_its_field(plan_world):
    with pytest.raises(ValidationError, match="不能为负数"):
        plan.candidate_save(
            actor=plan_world.performance,
            region=plan_world.region,
            year=YEAR,
            project=plan_world.projects["P1"],
            beneficiaries=-1,
            units_involved=0,
            public_attention=False,
        )


def test_picking_a_project_creates_its_evaluation_with_the_special_kinds_framework(plan_world):
    p2 = plan_world.projects["P2"]
    p2.kinds.add(ProjectKind.objects.get(label="政府债务"))
    client = client_in(plan_world, "performance")
    client.post(reverse("key-pick"), {"project": p2.pk})
    evaluation = KeyEvaluation.objects.get(project=p2)
    assert evaluation.kind == KeyKind.SPECIAL_FUND  # a 专项资金 project
    assert evaluation.special_kind == "政府债务"
    assert evaluation.year == YEAR and evaluation.unit == p2.unit
    assert evaluation.selection_score == Decimal("69.55")
    assert "合计 69.55" in evaluation.selection_note
    names = set(evaluation.panel.indicators.values_list("level3", flat=True))
    assert {"偿债资金保障", "债务资金使用合规", "项目收益覆盖", "资金到位率"} <= names
    assert sum(evaluation.panel.indicators.values_list("weight", flat=True)) == 100
    page = client.get(reverse("key-plan")).content.decode()
    assert f'href="{reverse("key-detail", args=[evaluation.pk])}"' in page and "已立项" in page
    with pytest.raises(ValidationError, match="已列入"):
        plan.evaluation_pick(
            actor=plan_world.performance, region=plan_world.region, year=YEAR, project=p2
        )


def test_a_policy_added_by_name_is_ranked_and_picked_with_its_unit(plan_world):
    client = client_in(plan_world, "performance")
    client.post(reverse("key-policy-add"), {"subject": "老旧小区改造补助政策"})
    policy = KeyCandidate.objects.get(subject="老旧小区改造补助政策", project__isnull=True)
    rows = client.get(reverse("key-plan")).context["rows"]
    assert "老旧小区改造补助政策" in [r.name for r in rows]
    client.post(reverse("key-pick"), {"candidate": policy.pk})  # no unit: refused
    assert not KeyEvaluation.objects.filter(subject="老旧小区改造补助政策").exists()
    client.post(reverse("key-pick"), {"candidate": policy.pk, "unit": plan_world.units["U2"].pk})
    evaluation = KeyEvaluation.objects.get(subject="老旧小区改造补助政策")
    assert evaluation.kind == KeyKind.POLICY and evaluation.unit == plan_world.units["U2"]


def test_the_last_grade_is_the_key_evaluations_else_the_self_evaluations_and_says_which(
    plan_world,
):
    w = plan_world
    key_evaluated(w, "P1", 2019, grade="差")
    older = Project.objects.create(
        region=w.region, year=2021, code="P2", name="项目P2", unit=w.units["U2"]
    )
    SelfEvaluation.objects.create(
        region=w.region, year=2021, unit=w.units["U2"], project=older, grade="良"
    )
    rows = {r.name: r for r in plan.plan_rows(user=w.performance, region=w.region, year=YEAR)}
    assert (rows["项目P1"].history.year, rows["项目P1"].history.grade) == (2019, "差")
    assert rows["项目P1"].history.grade_source == "key"
    assert (rows["项目P2"].history.year, rows["项目P2"].history.grade) == (None, "良")
    assert rows["项目P2"].history.grade_source == "selfeval"
    # P1: 4 years of a 5-year cycle → 80 points → 16.00; grade 差 → 100 → 10.00
    assert rows["项目P1"].ranked.factor("years").weighted == Decimal("16.00")
    assert rows["项目P1"].ranked.factor("last_grade").weighted == Decimal("10.00")
    html = client_in(w, "performance").get(reverse("key-plan")).content.decode()
    assert "重点评价等级" in html and "单位自评等级" in html
    assert "2019年（4年前）" in html


def test_filters_by_unit_special_kind_and_key_projects(plan_world):
    w = plan_world
    w.projects["P2"].kinds.add(ProjectKind.objects.get(label="政府采购"))
    client = client_in(w, "performance")

    def names(**query):
        return [r.name for r in client.get(reverse("key-plan"), query).context["rows"]]

    assert names(unit=w.units["U1"].pk) == ["项目P1", "项目P1A"]  # with its level-2 unit
    assert names(special_kind="政府采购") == ["项目P2"]
    Project.objects.filter(pk=w.projects["P1A"].pk).update(full_current=Decimal("10"))
    w.projects["P1A"].kinds.clear()  # 30.5 万元 and no special fund: not a key project
    assert "项目P1A" not in names(key_only="1")


def test_the_cover_shows_each_first_level_units_key_projects_and_those_due(plan_world):
    w = plan_world
    key_evaluated(w, "P1", 2020)
    response = client_in(w, "performance").get(reverse("key-cover"))
    groups = {unit.code: rows for unit, rows in response.context["groups"]}
    assert sorted(groups) == ["U1", "U2"]  # U1A's project counts under U1
    by_code = {r.project.code: r for r in groups["U1"]}
    assert set(by_code) == {"P1", "P1A"}
    assert by_code["P1"].cover.due is False and by_code["P1"].cover.by == 2025
    assert by_code["P1A"].cover.due is True
    assert "本年应评价" in response.content.decode()


@pytest.mark.parametrize("username", ["other", "filer", "leader", "expert", "agency", "auditor"])
def test_the_plan_pages_are_not_found_for_anyone_but_the_performance_office(plan_world, username):
    client = client_in(plan_world, username)
    for name in ("key-plan", "key-cover"):
        assert client.get(reverse(name)).status_code == 404
    project = plan_world.projects["P1"].pk
    for name, data in [
        ("key-candidate-save", {"project": project, "beneficiaries": "1"}),
        ("key-policy-add", {"subject": "某政策"}),
        ("key-pick", {"project": project}),
    ]:
        assert client.post(reverse(name), data).status_code == 404
    assert not KeyEvaluation.objects.filter(year=YEAR).exists()


def test_a_first_level_unit_starts_a_department_evaluation_of_its_level2_units_project(
    plan_world,
):
    w = plan_world
    client = client_in(w, "leader")
    page = client.get(reverse("key-department-new"))
    assert page.status_code == 200
    assert [p.code for p in page.context["projects"]] == ["P1A"]
    response = client.post(reverse("key-department-new"), {"project": w.projects["P1A"].pk})
    evaluation = KeyEvaluation.objects.get(project=w.projects["P1A"])
    assert response["Location"] == reverse("key-detail", args=[evaluation.pk])
    assert evaluation.commissioner == w.units["U1"] and evaluation.unit == w.units["U1A"]
    assert evaluation.panel.indicators.exists()
    bureau = KeyEvaluation.objects.visible_to(w.performance)
    assert bureau.filter(pk=evaluation.pk).exists()


def test_a_unit_never_commissions_the_evaluation_of_itself(plan_world):
    response = client_in(plan_world, "filer").post(
        reverse("key-department-new"), {"project": plan_world.projects["P1"].pk}
    )
    assert response.status_code == 400
    assert "委托方不能是被评价单位" in response.content.decode()
    assert not KeyEvaluation.objects.filter(project=plan_world.projects["P1"]).exists()


@pytest.mark.parametrize("username", ["expert", "agency", "business"])
def test_the_department_page_is_not_found_for_others(plan_world, username):
    client = client_in(plan_world, username)
    assert client.get(reverse("key-department-new")).status_code == 404
    project = plan_world.projects["P1A"].pk
    assert client.post(reverse("key-department-new"), {"project": project}).status_code == 404


def test_a_level2_units_filer_is_told_why_it_cannot_organise_one_and_cannot_post(plan_world):
    # the menu offers the page to every unit's people; a level-2 unit's get a reason, not a 404
    client = client_in(plan_world, "child_filer")
    page = client.get(reverse("key-department-new"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "本单位不是一级预算单位，不能组织部门评价" in text
    assert 'name="project"' not in text and "projects" not in page.context
    project = plan_world.projects["P1A"].pk
    assert client.post(reverse("key-department-new"), {"project": project}).status_code == 404
    assert not KeyEvaluation.objects.filter(project=plan_world.projects["P1A"]).exists()


def test_another_units_project_is_not_found_from_the_department_page(plan_world):
    client = client_in(plan_world, "other")  # U2's filer: a first-level unit, not U1's
    response = client.post(
        reverse("key-department-new"), {"project": plan_world.projects["P1A"].pk}
    )
    assert response.status_code == 404
