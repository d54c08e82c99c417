"""Ex-ante assessments reach the to-do lists of whoever must act next: the unit's leader to
submit, the performance office to accept and then to conclude, each expert on the panel to
score; nobody else sees them."""

from __future__ import annotations

from jixiao.evaluations.key import exante
from jixiao.evaluations.key.models import Expert
from jixiao.evaluations.key.navigation import exante_todos
from jixiao.evaluations.tests.test_key_exante import declaration, new_project


def titles(world, user, year=2022):
    return [t.title for t in exante_todos(user, world.region, year)]


def test_an_ex_ante_assessment_waits_for_each_actor_in_turn(world):
    assessment = exante.exante_create(
        actor=world.filer,
        region=world.region,
        year=2022,
        project=new_project(world),
        necessity="新建需要",
    )
    assert any("新建项目PNEW" in t for t in titles(world, world.leader))
    assert titles(world, world.performance) == []

    exante.exante_act(actor=world.leader, assessment=assessment, name="submit", attest=True)
    assert titles(world, world.leader) == []
    assert titles(world, world.performance) == ["受理并组织评审：新建项目PNEW"]
    # A work year ahead of the budget year still shows it (assessed the year before).
    assert titles(world, world.performance, year=2021) == ["受理并组织评审：新建项目PNEW"]
    assert titles(world, world.other) == []

    expert = Expert.objects.create(region=world.region, name="周专家", user=world.expert)
    exante.exante_expert_assign(
        actor=world.performance,
        assessment=assessment,
        expert=expert,
        declaration_file=declaration(),
    )
    exante.exante_act(actor=world.performance, assessment=assessment, name="accept")
    assert titles(world, world.expert) == ["专家评分：新建项目PNEW"]
    # The office keeps it in view while the experts score (a content condition, as the house's
    # queues treat them): the conclusion button stays refused until every score is in.
    assert titles(world, world.performance) == ["出具评估结论：新建项目PNEW"]


def test_the_notice_is_dated_the_day_it_goes_out_also_through_the_api(world):
    from django.utils import timezone

    from jixiao.evaluations.tests.test_key_work import login, make_evaluation

    evaluation = make_evaluation(world)
    assert evaluation.notified_on is None
    response = login(world.performance).post(
        f"/api/v1/key-evaluations/{evaluation.pk}/approve",
        {"comment": ""},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    evaluation.refresh_from_db()
    assert evaluation.status == "notified"
    assert evaluation.notified_on == timezone.localdate()
