"""The demo's budget linkage on a district with its projects: every 2022 proposal decided, most
accepted, a few overridden with reasons, one cancelled, whose 2022 line the budget gate then
refuses; the budgets stay as they were."""

from __future__ import annotations

import pytest
from django.db import transaction

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    from jixiao.budgets.models import Project
    from jixiao.core.audit import audit_context
    from jixiao.demo import build
    from jixiao.demo.results_linkage import build_linkage

    with django_db_blocker.unblock():
        with transaction.atomic(), audit_context(source="cli"):
            demo = build.Demo(password="Demo#Pass2022")
            for _label, step in build.STEPS[:4]:  # regions, units, people, projects
                step(demo)
            budgets = dict(Project.objects.values_list("pk", "full_current"))
            build_linkage(demo)
            yield demo, budgets
            transaction.set_rollback(True)


def test_every_proposal_is_decided_mostly_accepted_and_reasons_are_kept(built):
    from jixiao.results.models import LinkageProposal

    rows = list(LinkageProposal.objects.filter(region__code="360102", year=2022))
    assert len(rows) > 10
    assert all(p.status != "proposed" and p.decided_amount is not None for p in rows)
    overridden = [p for p in rows if p.status == "overridden"]
    assert 1 <= len(overridden) <= 4 < len(rows) - len(overridden)
    assert all(p.decision_reason for p in overridden)
    assert all(p.decided_by.username == "budget" for p in rows)


def test_one_project_is_cancelled_and_its_2022_line_is_refused_at_the_gate(built):
    from jixiao.budgets.models import Project
    from jixiao.results.gate import linkage_gate_check
    from jixiao.results.models import LinkageProposal

    (cancelled,) = LinkageProposal.objects.filter(region__code="360102", cancelled=True)
    line = Project.objects.get(
        region=cancelled.region, year=2022, unit=cancelled.unit, name=cancelled.project.name
    )
    assert cancelled.decision_reason in linkage_gate_check(line, 2022)


def test_the_budgets_are_untouched(built):
    from jixiao.budgets.models import Project

    _demo, budgets = built
    assert dict(Project.objects.values_list("pk", "full_current")) == budgets
