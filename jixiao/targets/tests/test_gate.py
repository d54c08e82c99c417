"""The budget gate hears later stages through core's registry of gate checks (DESIGN.md)."""

import pytest
from django.core.exceptions import ValidationError

from jixiao.budgets.models import Project
from jixiao.core.gates import gate_refusals, register_gate_check, unregister_gate_check
from jixiao.targets.services import project_arrange

from .test_workflow import approve_fully


@pytest.fixture
def ex_ante_refuses():
    """A later stage's check: its conclusion refuses one project, with the year asked about."""
    asked = []

    def check(project, year):
        asked.append((project.code, year))
        return "事前绩效评估结论为“不予支持”。" if project.code == "P1" else None

    register_gate_check(check)
    yield asked
    unregister_gate_check(check)


def test_gate_refuses_an_approved_project_when_a_registered_check_says_no(
    world, declare, ex_ante_refuses
):
    approve_fully(world, declare())
    project = world.projects["P1"]
    with pytest.raises(ValidationError, match="不予支持"):
        project_arrange(actor=world.budget, project=project)
    assert not Project.objects.get(pk=project.pk).arranged
    assert ex_ante_refuses == [("P1", project.year)]


def test_gate_arranges_an_approved_project_when_no_check_is_registered(world, declare):
    approve_fully(world, declare())
    assert gate_refusals(world.projects["P1"], world.projects["P1"].year) == []
    assert project_arrange(actor=world.budget, project=world.projects["P1"]).arranged


def test_a_check_registered_twice_is_asked_once(world):
    def check(project, year):
        return "不予安排"

    register_gate_check(check)
    register_gate_check(check)
    try:
        assert gate_refusals(world.projects["P1"], 2022) == ["不予安排"]
    finally:
        unregister_gate_check(check)
