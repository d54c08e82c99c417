"""The panel's result (`scoring_service.panel_compute`, run when the last expert submits) reads
the rulebook once and writes all its indicators at once: its number of queries is the same for
a panel of 5 indicators as for one of 20, and stays within the bench's goal of 12."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.evaluations.key.exante import exante_create
from jixiao.evaluations.key.models import (
    Expert,
    ExpertScore,
    KeyEvaluation,
    PanelIndicator,
    PanelMember,
    ScoringPanel,
)
from jixiao.evaluations.key.scoring_service import panel_compute
from jixiao.evaluations.key.services import evaluation_create

pytestmark = pytest.mark.django_db

#: Each indicator is worth 5 and scored 5, 5 and 4: mean 14 / 3 = 4.67, spread 1 (≤ 20% of 5).
RAW = (Decimal("5"), Decimal("5"), Decimal("4"))


def _scored_panel(world, indicators: int) -> KeyEvaluation:
    """A key evaluation whose panel has `indicators` indicators of weight 5, three experts and
    every raw score given."""
    evaluation = evaluation_create(
        indicators=[
            {"level1": "产出", "level2": "产出数量", "level3": f"指标{n}", "weight": "5"}
            for n in range(indicators)
        ],
        region=world.region,
        year=2022,
        subject=f"{indicators}个指标的评价",
        kind="project",
        unit=world.units["U1"],
        project=world.projects["P1"],
    )
    _scores_given(world, evaluation.panel, f"{indicators}")
    return evaluation


def _scores_given(world, panel: ScoringPanel, name: str) -> None:
    """Three experts on the panel, each indicator scored by all three as RAW says."""
    members = [
        PanelMember.objects.create(
            panel=panel, expert=Expert.objects.create(region=world.region, name=f"专家{name}-{n}")
        )
        for n in range(len(RAW))
    ]
    ExpertScore.objects.bulk_create(
        ExpertScore(
            member=member, indicator=indicator, score=score, reason="" if score == 5 else "扣分"
        )
        for indicator in panel.indicators.all()
        for member, score in zip(members, RAW, strict=True)
    )


def _queries_of_panel_compute(owner) -> int:
    panel = ScoringPanel.objects.get(pk=owner.panel_id)
    with CaptureQueriesContext(connection) as queries:
        panel_compute(panel)
    return len(queries)


def test_panel_compute_takes_as_many_queries_for_20_indicators_as_for_5(world):
    few = _queries_of_panel_compute(_scored_panel(world, 5))
    many = _queries_of_panel_compute(_scored_panel(world, 20))
    assert few == many
    assert many <= 12


def test_panel_compute_stores_every_indicator_and_the_total_of_a_20_indicator_panel(world):
    evaluation = _scored_panel(world, 20)
    _queries_of_panel_compute(evaluation)
    stored = PanelIndicator.objects.filter(panel_id=evaluation.panel_id)
    assert [(i.computed, i.spread, i.flagged) for i in stored] == [
        (Decimal("4.67"), Decimal("1"), False)
    ] * 20
    assert all("4.67" in i.explanation for i in stored)
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("93.40")  # 20 × 4.67
    assert evaluation.grade == "优"


def test_an_ex_ante_panel_takes_as_many_queries_as_a_key_evaluation_s(world):
    """The panel's owner is read in one query whichever kind it is: an ex-ante assessment's
    panel was first asked for a key evaluation, one query more than the bench's goal."""
    key = _queries_of_panel_compute(_scored_panel(world, 5))
    assessment = exante_create(
        actor=world.filer,
        region=world.region,
        year=2022,
        subject="学前教育补助新政策",
        unit=world.units["U1"],
        amount=Decimal("300"),
    )
    _scores_given(world, assessment.panel, "事前")
    assert _queries_of_panel_compute(assessment) == key
    assessment.refresh_from_db()
    assert assessment.score is not None
