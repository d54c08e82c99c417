"""The demo's fund actions on a district with its projects and the audit step's rectifications:
each action is dated in 2021, within its project's balance, its full-year budget untouched, and
the redeployment comes from a rectification and names another project of the same unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test.utils import override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    from jixiao.budgets.models import Project
    from jixiao.core.audit import audit_context
    from jixiao.demo import build
    from jixiao.demo.results_audit import build_audit
    from jixiao.demo.results_funds import build_funds

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic(), audit_context(source="cli"):
            demo = build.Demo(password="Demo#Pass2022")
            for _label, step in build.STEPS[:4]:  # regions, units, people, projects
                step(demo)
            build_audit(demo)
            budgets = dict(Project.objects.values_list("pk", "full_current"))
            build_funds(demo)
            build_funds(demo)  # a second run adds nothing
            yield demo, budgets
            transaction.set_rollback(True)


def test_the_redeployment_comes_from_a_rectification_to_a_project_of_the_same_unit(built):
    from jixiao.results.models import FundAction

    (action,) = FundAction.objects.filter(region__code="360102", kind="盘活")
    assert action.source == "rectification" and action.rectification.project == action.project
    receiving = action.receiving_project
    assert receiving.unit == action.project.unit and receiving.year == 2021
    assert receiving != action.project
    assert action.document_number.startswith("东财绩〔2021〕")


def test_actions_are_of_2021_within_the_balance_and_leave_the_budgets_as_they_were(built):
    from jixiao.budgets.models import Project
    from jixiao.results.amounts import Taken, current_budget
    from jixiao.results.models import FundAction

    _demo, budgets = built
    actions = list(FundAction.objects.filter(region__code="360102"))
    assert actions
    for action in actions:
        assert action.year == 2021 and dt.date(2021, 1, 1) <= action.date <= dt.date(2021, 12, 31)
        assert action.amount > 0 and action.reason and action.document_number
    assert dict(Project.objects.values_list("pk", "full_current")) == budgets
    # no project's current budget goes below zero by the end of the year
    for project in Project.objects.filter(pk__in={a.project_id for a in actions}):
        taken = [Taken(a.amount, a.date) for a in actions if a.project_id == project.pk]
        assert current_budget(project.full_total, taken, dt.date(2021, 12, 31)) >= 0
