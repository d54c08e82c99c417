"""Expert scoring (比对打分) through the scoring page and its services: each expert alone, a
reason below full, drafts then one submission, nobody sees another's scores before all have
submitted, the trimmed mean from five experts, the spread flag that holds the draft report
until the office records the agreed score, the raw table for the office, and the same
services on an ex-ante assessment's panel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jixiao.evaluations.key import scoring_service
from jixiao.evaluations.key.models import (
    ExAnteAssessment,
    ExAnteStatus,
    Expert,
    ExpertScore,
    KeyStatus,
    PanelMember,
    ReportVersion,
)
from jixiao.evaluations.key.selectors import visible_scores
from jixiao.evaluations.key.services import panel_create

from .test_key_work import INDICATORS, login, make_evaluation, make_user, score_all, transition

pytestmark = pytest.mark.django_db

FULL = ["15", "25", "30", "30"]


def _sheet(evaluation, scores, reasons="", action="submit") -> dict:
    data = {"action": action}
    for indicator, score in zip(evaluation.panel.indicators.all(), scores, strict=True):
        data[f"score-{indicator.pk}"] = score
        data[f"reason-{indicator.pk}"] = reasons
    return data


def _members(evaluation):
    return list(evaluation.panel.members.select_related("expert__user").order_by("pk"))


def test_score_below_full_without_reason_is_refused_and_nothing_is_written(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    response = login(world.expert).post(
        reverse("key-score", args=[evaluation.pk]), _sheet(evaluation, ["12", "25", "30", "30"])
    )
    assert response.status_code == 400
    assert "立项依据充分性" in response.content.decode()
    assert not ExpertScore.objects.filter(indicator__panel=evaluation.panel).exists()
    assert _members(evaluation)[0].submitted_at is None


def test_score_above_the_weight_is_refused_even_in_a_draft(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    response = login(world.expert).post(
        reverse("key-score", args=[evaluation.pk]),
        _sheet(evaluation, ["16", "", "", ""], action="draft"),
    )
    assert response.status_code == 400
    assert not ExpertScore.objects.filter(indicator__panel=evaluation.panel).exists()


def test_draft_keeps_partial_scores_then_one_submission_closes_the_sheet(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    url = reverse("key-score", args=[evaluation.pk])
    expert = login(world.expert)
    assert (
        expert.post(url, _sheet(evaluation, ["12", "", "", ""], action="draft")).status_code == 302
    )
    assert ExpertScore.objects.get(indicator__panel=evaluation.panel).score == Decimal("12")
    assert (
        expert.post(url, _sheet(evaluation, ["12", "25", "30", "30"], "依据不足")).status_code
        == 302
    )
    assert ExpertScore.objects.filter(indicator__panel=evaluation.panel).count() == 4
    again = expert.post(url, _sheet(evaluation, FULL))
    assert again.status_code == 400
    assert ExpertScore.objects.get(indicator__level3="立项依据充分性").score == Decimal("12")
    assert "提交" in expert.get(url).content.decode()


def test_expert_cannot_see_another_experts_scores_before_all_have_submitted(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    first, second, third = _members(evaluation)
    url = reverse("key-score", args=[evaluation.pk])
    login(second.expert.user).post(url, _sheet(evaluation, ["11", "25", "30", "30"], "缺论证"))
    # the selector: only one's own scores
    assert not visible_scores(evaluation.panel, world.expert).exists()
    assert visible_scores(evaluation.panel, second.expert.user).count() == 4
    # the page: no other expert's column
    page = login(world.expert).get(url).content.decode()
    assert "专家2" not in page and "缺论证" not in page
    # the agency neither, before all have submitted
    assert not visible_scores(evaluation.panel, world.agency).exists()
    login(world.expert).post(url, _sheet(evaluation, FULL))
    login(third.expert.user).post(url, _sheet(evaluation, FULL))
    assert visible_scores(evaluation.panel, world.expert).count() == 12
    page = login(world.expert).get(url).content.decode()
    assert "专家2" in page and "11" in page


def test_trimmed_mean_with_five_experts_drops_the_highest_and_lowest(world):
    evaluation = make_evaluation(world, experts=5, status=KeyStatus.FIELDWORK)
    # 立项依据充分性 (weight 15): 12, 13, 11, 15, 10 → without 15 and 10: (12 + 13 + 11) / 3 = 12
    firsts = ["12", "13", "11", "15", "10"]
    score_all(evaluation, [[f, "25", "30", "30"] for f in firsts])
    indicator = evaluation.panel.indicators.get(level3="立项依据充分性")
    assert indicator.computed == Decimal("12.00")
    assert indicator.spread == Decimal("5")
    assert indicator.flagged  # 5 > 15 × 20% = 3
    assert "15" in indicator.explanation and "10" in indicator.explanation
    full = evaluation.panel.indicators.get(level3="预算执行率")
    assert full.computed == Decimal("25.00") and not full.flagged


def test_mean_with_three_experts_and_the_evaluations_score_and_grade(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    score_all(
        evaluation, [["14", "24", "28", "29"], ["13", "23", "29", "28"], ["15", "25", "30", "30"]]
    )
    evaluation.refresh_from_db()
    # 14, 24, 29, 29 (means of each indicator) → 96.00
    assert evaluation.score == Decimal("96.00")
    assert evaluation.grade == "优"


def test_flagged_indicator_blocks_submit_draft_until_the_office_agrees_a_score(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    score_all(
        evaluation, [["15", "25", "30", "30"], ["15", "25", "30", "30"], ["8", "25", "30", "30"]]
    )
    ReportVersion.objects.create(evaluation=evaluation, number=1, sections={})
    indicator = evaluation.panel.indicators.get(level3="立项依据充分性")
    assert indicator.flagged
    response = transition(login(world.agency), evaluation, "submit_draft")
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.FIELDWORK
    assert "分歧" in login(world.agency).get(response.url).content.decode()
    # the agency may not agree the score; the office does, with the discussion
    agree = reverse("panel-agree", args=[evaluation.panel.pk, indicator.pk])
    login(world.agency).post(agree, {"discussion": "讨论", "agreed": "14"})
    indicator.refresh_from_db()
    assert indicator.agreed is None
    login(world.performance).post(
        agree, {"discussion": "经讨论，按依据基本充分计。", "agreed": "14"}
    )
    indicator.refresh_from_db()
    assert indicator.agreed == Decimal("14") and indicator.score == Decimal("14")
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("99.00")
    transition(login(world.agency), evaluation, "submit_draft")
    evaluation.refresh_from_db()
    assert evaluation.status == KeyStatus.DRAFT_REPORT
    # raw scores are kept as given
    assert sorted(s.score for s in indicator.raw.all()) == [
        Decimal("8"),
        Decimal("15"),
        Decimal("15"),
    ]


def test_office_sees_the_raw_table_indicator_by_expert_while_scoring_goes_on(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    login(world.expert).post(
        reverse("key-score", args=[evaluation.pk]),
        _sheet(evaluation, ["13", "25", "30", "30"], "依据不全"),
    )
    page = (
        login(world.performance).get(reverse("key-detail", args=[evaluation.pk])).content.decode()
    )
    assert "专家1" in page and "13" in page and "依据不全" in page
    agency_page = (
        login(world.agency).get(reverse("key-detail", args=[evaluation.pk])).content.decode()
    )
    assert "依据不全" not in agency_page


def test_scoring_is_closed_outside_the_fieldwork(world):
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    response = login(world.expert).post(
        reverse("key-score", args=[evaluation.pk]), _sheet(evaluation, FULL)
    )
    assert response.status_code == 400
    assert not ExpertScore.objects.filter(indicator__panel=evaluation.panel).exists()


def test_the_same_services_score_an_ex_ante_assessments_panel(world):
    panel = panel_create(INDICATORS)
    assessment = ExAnteAssessment.objects.create(
        region=world.region,
        year=2022,
        unit=world.units["U1"],
        subject="新建学校项目",
        panel=panel,
        status=ExAnteStatus.SCORING,
    )
    users = [make_user(world, f"ex{n}", ["expert"]) for n in range(2)]
    for n, user in enumerate(users):
        PanelMember.objects.create(
            panel=panel, expert=Expert.objects.create(region=world.region, name=f"评{n}", user=user)
        )
    values = {i.pk: (str(i.weight), "") for i in panel.indicators.all()}
    with pytest.raises(ValidationError):
        scoring_service.scores_save(
            actor=users[0], panel=panel, values={**values, min(values): ("1", "")}, submit=True
        )
    for user in users:
        scoring_service.scores_save(actor=user, panel=panel, values=values, submit=True)
    assessment.refresh_from_db()
    assert assessment.score == Decimal("100.00")
    assert all(i.computed == i.weight for i in panel.indicators.all())


def test_an_indicator_within_the_spread_takes_no_agreed_score(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    score_all(evaluation, [FULL, FULL, ["14", "25", "30", "30"]])
    indicator = evaluation.panel.indicators.get(level3="立项依据充分性")
    assert not indicator.flagged  # 15 − 14 = 1 ≤ 15 × 20% = 3
    agree = reverse("panel-agree", args=[evaluation.panel.pk, indicator.pk])
    login(world.performance).post(agree, {"discussion": "改分", "agreed": "10"})
    indicator.refresh_from_db()
    assert indicator.agreed is None and indicator.score == Decimal("14.67")
