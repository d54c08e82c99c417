"""The review workflow (DOMAIN.md §4.5): every transition, allowed and refused, and the gate."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import FiscalYear, Project
from jixiao.core.models import TransitionLog
from jixiao.core.workflow import TransitionError
from jixiao.orgs.models import User
from jixiao.targets.models import Target, TargetStatus
from jixiao.targets.services import project_arrange, target_adjust, target_transition
from jixiao.targets.workflow import _parent_unit

GOOD = {
    "overall": "优",
    "completeness": "优",
    "relevance": "良",
    "appropriateness": "优",
    "feasibility": "良",
}


def move(target, actor, name, **kw):
    return target_transition(actor=actor, target=target, name=name, **kw)


def approve_fully(world, target):
    target = move(target, world.filer, "complete")
    target = move(target, world.leader, "submit", attest=True)
    target = move(target, world.business, "pass", grades=GOOD)
    return move(target, world.budget, "approve", grades=GOOD)


def test_full_path_to_approval_writes_history_and_opens_the_budget(world, declare):
    target = approve_fully(world, declare())
    assert target.status == TargetStatus.APPROVED and target.approved_at is not None
    assert target.attested_by == world.leader
    steps = list(
        TransitionLog.objects.filter(object_id=target.pk).values_list(
            "transition", "source", "target"
        )
    )
    assert steps == [
        ("complete", "draft", "ready"),
        ("submit", "ready", "submitted"),
        ("pass", "submitted", "first_passed"),
        ("approve", "first_passed", "approved"),
    ]
    assert target.grades["first"]["overall"] == "优" and target.grades["final"]["relevance"] == "良"
    project = project_arrange(actor=world.budget, project=world.projects["P1"])
    assert project.arranged


def test_budget_gate_refuses_a_project_without_an_approved_target_and_says_why(world, declare):
    with pytest.raises(ValidationError, match="未申报"):
        project_arrange(actor=world.budget, project=world.projects["P1"])
    target = move(declare(), world.filer, "complete")
    with pytest.raises(ValidationError, match="待单位审核"):
        project_arrange(actor=world.budget, project=world.projects["P1"])
    assert not Project.objects.get(pk=world.projects["P1"].pk).arranged
    assert target.status == TargetStatus.READY


def test_submission_needs_the_leaders_attestation(world, declare):
    target = move(declare(), world.filer, "complete")
    with pytest.raises(TransitionError, match="真实"):
        move(target, world.leader, "submit")


def test_blocking_findings_stop_completion_and_submission(world, declare):
    target = declare(
        rows=[
            {"category": "产出指标", "subcategory": "数量指标", "name": "数量", "value_text": "/"}
        ]
    )
    assert target.blocking_count > 0
    with pytest.raises(TransitionError, match="必须修改"):
        move(target, world.filer, "complete")


@pytest.mark.parametrize(
    "actor, name",
    [
        ("filer", "submit"),
        ("business", "complete"),
        ("budget", "pass"),
        ("leader", "approve"),
        ("performance", "approve"),
        ("auditor", "complete"),
    ],
)
def test_wrong_role_is_refused(world, declare, actor, name):
    target = declare()
    with pytest.raises((TransitionError, Http404)):
        move(target, world.users[actor], name, attest=True, grades=GOOD)
    assert Target.objects.get(pk=target.pk).status == TargetStatus.DRAFT


def test_wrong_state_is_refused_with_the_current_state_named(world, declare):
    target = declare()
    with pytest.raises(TransitionError, match="草稿"):
        move(target, world.business, "pass", grades=GOOD)


def test_user_out_of_scope_gets_404(world, declare):
    target = move(declare(), world.filer, "complete")
    with pytest.raises(Http404):
        move(target, world.other, "reopen")
    with pytest.raises(Http404):
        move(target, world.other_region, "approve", grades=GOOD)


def test_business_office_of_another_unit_cannot_pass(world, declare):
    target = move(move(declare(), world.filer, "complete"), world.leader, "submit", attest=True)
    stranger = User.objects.create(
        username="biz2", roles=["business"], region=world.region, office=world.offices["BIZ2"]
    )
    with pytest.raises(Http404):
        move(target, stranger, "pass", grades=GOOD)


def test_return_needs_a_reason_and_the_returned_target_can_be_resubmitted(world, declare):
    target = move(move(declare(), world.filer, "complete"), world.leader, "submit", attest=True)
    with pytest.raises(TransitionError, match="理由"):
        move(target, world.business, "return_first", comment="  ")
    target = move(target, world.business, "return_first", comment="数量指标偏低，请提高。")
    assert target.status == TargetStatus.RETURNED and "偏低" in target.return_reason
    target = move(target, world.filer, "complete")
    target = move(target, world.leader, "submit", attest=True)
    assert target.status == TargetStatus.SUBMITTED and target.return_reason == ""


def test_grade_fair_or_poor_cannot_be_approved(world, declare):
    target = move(move(declare(), world.filer, "complete"), world.leader, "submit", attest=True)
    target = move(target, world.business, "pass", grades=GOOD)
    with pytest.raises(TransitionError, match="中"):
        move(target, world.budget, "approve", grades={**GOOD, "overall": "中"})
    target = move(
        target, world.budget, "reject", comment="项目必要性不足", grades={"overall": "差"}
    )
    assert target.status == TargetStatus.REJECTED


def test_leader_withdraws_before_review_but_not_after(world, declare):
    target = move(move(declare(), world.filer, "complete"), world.leader, "submit", attest=True)
    target = move(target, world.leader, "withdraw")
    assert target.status == TargetStatus.DRAFT
    target = move(move(target, world.filer, "complete"), world.leader, "submit", attest=True)
    target = move(target, world.business, "pass", grades=GOOD)
    with pytest.raises(TransitionError):
        move(target, world.leader, "withdraw")


def test_level2_target_goes_first_to_its_level1_unit(world, declare):
    child_leader = User.objects.create(
        username="child_leader", roles=["leader"], region=world.region, unit=world.units["U1A"]
    )
    target = move(declare("P1A"), world.child_filer, "complete")
    with pytest.raises(TransitionError, match="主管部门"):
        move(target, child_leader, "submit", attest=True)
    target = move(target, child_leader, "submit_to_parent", attest=True)
    assert target.status == TargetStatus.PARENT_REVIEW
    with pytest.raises(TransitionError, match="主管部门"):
        move(target, child_leader, "forward")
    target = move(target, world.leader, "forward")
    assert target.status == TargetStatus.SUBMITTED


def test_the_leaders_buttons_read_the_units_year_once(world, declare):
    # submit asks "level 1?" and submit_to_parent "level 2?": both from one read of UnitYear
    target = move(declare(), world.filer, "complete")
    target = Target.objects.get(pk=target.pk)
    with CaptureQueriesContext(connection) as captured:
        names = [t.name for t in target.review_workflow().available(target, world.leader)]
    assert "submit" in names and "submit_to_parent" not in names
    assert sum("unityear" in q["sql"].lower() for q in captured) == 1


def test_a_level2_target_read_again_for_another_unit_reads_that_units_year(world, declare):
    child = Target.objects.get(pk=declare("P1A").pk)
    parent = world.units["U1"]
    assert _parent_unit(child) == parent.pk
    child.unit_id = parent.pk  # the same object, now a level-1 unit's
    assert _parent_unit(child) is None


def test_closed_year_locks_transitions(world, declare):
    target = move(declare(), world.filer, "complete")
    FiscalYear.objects.filter(region=world.region, year=2022).update(status="closed")
    with pytest.raises(TransitionError, match="已关闭"):
        move(target, world.leader, "submit", attest=True)


def test_adjustment_makes_a_new_version_and_supersedes_the_old_on_approval(world, declare):
    first = approve_fully(world, declare())
    second = target_adjust(actor=world.filer, target=first)
    assert second.version == 2 and second.status == TargetStatus.DRAFT
    assert second.indicators.count() == first.indicators.count()
    assert Target.objects.get(pk=first.pk).status == TargetStatus.APPROVED  # still in force
    with pytest.raises(ValidationError):
        target_adjust(actor=world.filer, target=first)
    approve_fully(world, second)
    assert Target.objects.get(pk=first.pk).status == TargetStatus.SUPERSEDED
    assert Target.objects.get(pk=second.pk).status == TargetStatus.APPROVED


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_leave_exactly_one_winner(world, declare):
    target = move(move(declare(), world.filer, "complete"), world.leader, "submit", attest=True)
    second = User.objects.create(
        username="biz1b", roles=["business"], region=world.region, office=world.offices["BIZ1"]
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user, name, **kw):
        from django.db import connections

        try:
            barrier.wait()
            move(Target.objects.get(pk=target.pk), user, name, **kw)
            outcomes.append("won")
        except TransitionError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(world.business, "pass"), kwargs={"grades": GOOD}),
        threading.Thread(target=act, args=(second, "return_first"), kwargs={"comment": "退回"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1
    loser = next(o for o in outcomes if o != "won")
    assert "当前状态为" in loser
    assert TransitionLog.objects.filter(object_id=target.pk, source="submitted").count() == 1


def test_the_grades_that_allow_approval_come_from_the_rulebook(world, declare):
    from jixiao.core.rulebook import rulebook_save

    rulebook_save(
        region_code="100101",
        year=2022,
        actor=world.performance,
        values={"review": {"approvable_grades": ["优"]}},
        note="只批复“优”",
    )
    target = move(move(declare(), world.filer, "complete"), world.leader, "submit", attest=True)
    target = move(target, world.business, "pass", grades=GOOD)
    with pytest.raises(TransitionError, match="良"):
        move(target, world.budget, "approve", grades={**GOOD, "overall": "良"})
    assert move(target, world.budget, "approve", grades=GOOD).status == TargetStatus.APPROVED


def test_a_declaration_graded_fair_is_returned_not_passed_on_at_the_earlier_steps(world, declare):
    """DOMAIN.md §4.5: 中 must be revised and resubmitted, so neither the business office's
    first review nor a level-1 unit's review passes it on; 差 goes on to the budget office,
    whose 不予安排 keeps it out of the budget."""
    target = move(move(declare(), world.filer, "complete"), world.leader, "submit", attest=True)
    with pytest.raises(TransitionError, match="须退回修改"):
        move(target, world.business, "pass", grades={**GOOD, "overall": "中"})
    assert Target.objects.get(pk=target.pk).status == TargetStatus.SUBMITTED
    poor = move(target, world.business, "pass", grades={**GOOD, "overall": "差"})
    assert poor.status == TargetStatus.FIRST_PASSED

    child_leader = User.objects.create(
        username="child_leader", roles=["leader"], region=world.region, unit=world.units["U1A"]
    )
    child = move(declare("P1A"), world.child_filer, "complete")
    child = move(child, child_leader, "submit_to_parent", attest=True)
    with pytest.raises(TransitionError, match="中"):
        move(child, world.leader, "forward", grades={"overall": "中"})
    returned = move(
        child, world.leader, "return_parent", comment="补充测算依据", grades={"overall": "中"}
    )
    assert returned.status == TargetStatus.RETURNED


def test_the_grades_returned_at_the_earlier_steps_come_from_the_rulebook(world, declare):
    from jixiao.core.rulebook import rulebook_save

    rulebook_save(
        region_code="100101",
        year=2022,
        actor=world.performance,
        values={"review": {"return_grades": ["中", "差"]}},
        note="初审评为“差”的也退回",
    )
    target = move(move(declare(), world.filer, "complete"), world.leader, "submit", attest=True)
    with pytest.raises(TransitionError, match="差"):
        move(target, world.business, "pass", grades={**GOOD, "overall": "差"})
    assert move(target, world.business, "pass", grades=GOOD).status == TargetStatus.FIRST_PASSED
