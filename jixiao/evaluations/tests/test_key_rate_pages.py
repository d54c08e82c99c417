"""Rate indicators on the pages: the expert's scoring page shows the rule's suggested score and
how it was computed from the project's budget and payments, or what is missing; the agency
types the other figures on the evaluation page during the fieldwork; a satisfaction source
registered in the survey slot feeds the 满意度 rule; and nobody outside the evaluation
reaches the new action."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.budgets.models import Payment, Project
from jixiao.evaluations.key import rate_inputs
from jixiao.evaluations.key.models import KeyStatus
from jixiao.evaluations.models import SelfEvaluation

from .test_key_work import login, make_evaluation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(world):
    """P1 with a full-year budget of 1,850 万元 and 1,800 万元 paid, no self-evaluation; the
    framework's 实际完成率 and 满意度 take their rate rules."""
    project = world.projects["P1"]
    SelfEvaluation.objects.filter(project=project).delete()
    Project.objects.filter(pk=project.pk).update(
        full_current=Decimal("1500"), full_carryover=Decimal("350"), full_other=Decimal("0")
    )
    Payment.objects.filter(project=project).delete()
    Payment.objects.create(project=project, month=3, amount=Decimal("1000"))
    Payment.objects.create(project=project, month=9, amount=Decimal("800"))
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    indicators = evaluation.panel.indicators
    indicators.filter(level3="实际完成率").update(rule="completion_rate")
    indicators.filter(level3="满意度").update(rule="satisfaction_rate")
    return evaluation


def _score_page(world, evaluation) -> str:
    response = login(world.expert).get(reverse("key-score", args=[evaluation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_scoring_page_suggests_the_budget_execution_score_from_budget_and_payments(
    world, evaluation
):
    page = _score_page(world, evaluation)
    # 1800 / 1850 = 97.2972…%; 25 × 0.972972… = 24.324… → 24.32
    assert (
        "预算执行率 = 实际支出资金 1,800.00 ÷ 实际到位资金 1,850.00 = 97.30%，"
        "≥100%：25 × 97.30% = 24.32" in page
    )
    assert "计分规则建议得分" in page
    # the expert still gives the score: the field stays empty
    indicator = evaluation.panel.indicators.get(level3="预算执行率")
    assert f'name="score-{indicator.pk}" type="number"' in page
    assert (
        f'name="score-{indicator.pk}" type="number" inputmode="decimal" step="0.01" min="0" max="25.00" value=""'
        in page
    )


def test_the_self_evaluations_executed_figure_comes_before_the_payments(world, evaluation):
    project = world.projects["P1"]
    SelfEvaluation.objects.create(
        region=world.region,
        year=project.year,
        unit=project.unit,
        project=project,
        executed_current=Decimal("1480"),
        executed_carryover=Decimal("185"),
    )
    page = _score_page(world, evaluation)
    # 1665 / 1850 = 90%; 25 × 0.9 = 22.50
    assert (
        "实际支出资金 1,665.00 ÷ 实际到位资金 1,850.00 = 90.00%，≥100%：25 × 90.00% = 22.50" in page
    )


def test_a_missing_input_is_named_then_the_agency_types_it_and_the_suggestion_follows(
    world, evaluation
):
    page = _score_page(world, evaluation)
    assert "实际完成率：缺少实际产出数、计划产出数，无法计算建议得分" in page
    assert "满意度：缺少满意度，无法计算建议得分" in page
    indicator = evaluation.panel.indicators.get(level3="实际完成率")
    url = reverse("key-rate-inputs", args=[evaluation.pk])
    # not a number: refused, nothing kept
    response = login(world.agency).post(url, {f"rate-{indicator.pk}-0": "十二"}, follow=True)
    assert "“实际完成率”的“实际产出数”：“十二”不是数字。" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.rate_inputs == {}
    response = login(world.agency).post(
        url, {f"rate-{indicator.pk}-0": "45", f"rate-{indicator.pk}-1": "50"}
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.rate_inputs == {"实际产出数": "45", "计划产出数": "50"}
    # 45 / 50 = 90%; 30 × 0.9 = 27.00
    page = _score_page(world, evaluation)
    assert (
        "实际完成率 = 实际产出数 45.00 ÷ 计划产出数 50.00 = 90.00%，≥100%：30 × 90.00% = 27.00"
        in page
    )
    detail = login(world.agency).get(reverse("key-detail", args=[evaluation.pk])).content.decode()
    assert f'name="rate-{indicator.pk}-0" value="45"' in detail


def test_only_the_assigned_agency_types_the_inputs_and_only_during_the_fieldwork(world, evaluation):
    indicator = evaluation.panel.indicators.get(level3="实际完成率")
    url = reverse("key-rate-inputs", args=[evaluation.pk])
    login(world.performance).post(url, {f"rate-{indicator.pk}-0": "45"})
    evaluation.status = KeyStatus.DRAFT_REPORT
    evaluation.save(update_fields=["status"])
    response = login(world.agency).post(url, {f"rate-{indicator.pk}-0": "45"}, follow=True)
    assert "现场评价阶段才能填写计分数据" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.rate_inputs == {}
    page = login(world.agency).get(reverse("key-detail", args=[evaluation.pk])).content.decode()
    assert f'name="rate-{indicator.pk}-0"' not in page


def test_a_registered_satisfaction_source_feeds_the_satisfaction_rule(world, evaluation):
    def source(owner):
        return Decimal("0.85") if owner.pk == evaluation.pk else None

    rate_inputs.SATISFACTION_SOURCES.append(source)
    try:
        page = _score_page(world, evaluation)
        detail = login(world.agency).get(reverse("key-detail", args=[evaluation.pk]))
    finally:
        rate_inputs.SATISFACTION_SOURCES.remove(source)
    # 85% against ≥ 90%: 30 × 85 / 90 = 28.333… → 28.33
    assert "满意度 = 85.00%，≥90%：30 × 85.00% ÷ 90% = 28.33" in page
    assert "满意度取自公众测评" in page
    indicator = evaluation.panel.indicators.get(level3="满意度")
    assert f'name="rate-{indicator.pk}-0"' not in detail.content.decode()
    assert source not in rate_inputs.SATISFACTION_SOURCES


@pytest.mark.parametrize("who", ["expert_elsewhere", "agency_elsewhere", "other", "expert"])
def test_the_rate_inputs_action_is_404_outside_the_users_scope(world, evaluation, who):
    if who in ("expert_elsewhere", "agency_elsewhere"):
        user = make_user(world, who, [who.split("_")[0]])
    else:
        user = world.users[who]
    indicator = evaluation.panel.indicators.get(level3="实际完成率")
    response = login(user).post(
        reverse("key-rate-inputs", args=[evaluation.pk]), {f"rate-{indicator.pk}-0": "1"}
    )
    assert response.status_code == 404
    indicator.refresh_from_db()
    assert indicator.rate_inputs == {}
    if who != "expert":
        assert login(user).get(reverse("key-score", args=[evaluation.pk])).status_code == 404
